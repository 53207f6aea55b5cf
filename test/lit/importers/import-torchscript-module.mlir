// A module's graph: %self is an argument of class type, parameters are read through GetAttr
// chains, typed graph inputs keep their sizes and dtype.
// RUN: ts-translate --import-torchscript %S/Inputs/module.txt | filecheck %s

// CHECK:      func.func @forward(%self: !ts.class<"__torch__.M">, %[[X:[a-z0-9_]+]]: !ts.tensor<[2,4], f32>) -> !ts.tensor {
// CHECK-NEXT:   %[[FC:.*]] = ts.get_attr %self["fc"] : !ts.class<"__torch__.M"> -> !ts.class<"__torch__.torch.nn.modules.linear.Linear">
// CHECK-NEXT:   %[[W:.*]] = ts.get_attr %[[FC]]["weight"] : !ts.class<"__torch__.torch.nn.modules.linear.Linear"> -> !ts.tensor
// CHECK-NEXT:   %[[B:.*]] = ts.get_attr %[[FC]]["bias"]
// CHECK-NEXT:   %[[Y:.*]] = ts.linear %[[X]], %[[W]], %[[B]] {loc = "torch/nn/modules/linear.py:134:15"} : (!ts.tensor<[2,4], f32>, !ts.tensor, !ts.tensor) -> !ts.tensor
// CHECK-NEXT:   func.return %[[Y]] : !ts.tensor
