// The TorchScript docs' loop example, as PyTorch 2.13 prints it: prim::Loop with a carried tensor,
// a nested prim::If, locations from the `# file:line:col` comments.
// RUN: ts-translate --import-torchscript %S/Inputs/docs_foo.txt | filecheck %s

// CHECK:      func.func @forward(%len: !ts.int) -> !ts.tensor {
// CHECK:        %[[ZERO:.*]] = ts.zeros %{{.*}}, %{{.*}} {loc = "generate.py:29:9"} : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor
// CHECK:        %[[R:.*]] = ts.loop %len, %{{.*}} iter(%[[I:.*]], %[[ACC:.*]] = %[[ZERO]]) : (!ts.tensor) attributes {loc = "generate.py:30:4"} {
// CHECK:          %[[C:.*]] = ts.scalar.lt %[[I]], %{{.*}} {loc = "generate.py:31:11"}
// CHECK:          %[[V:.*]] = ts.if %[[C]] -> (!ts.tensor)
// CHECK:            ts.sub %[[ACC]], %{{.*}}, %{{.*}} {loc = "generate.py:32:17"}
// CHECK:          } else {
// CHECK:            ts.add %[[ACC]]
// CHECK:          ts.condition %{{.*}}, %[[V]] : !ts.tensor
// CHECK:        func.return %[[R]] : !ts.tensor
