// A module that is not frozen (its forward reads weights through %self) cannot be lowered or
// run: one located error that says to run ts-freeze first, not a warning per op and exit 0.
// RUN: not ts-opt %s -p 'ts-lower-to-loops{shapes=2x2xf32}' 2>&1 | filecheck %s
// RUN: not ts-opt %s -p 'ts-lower-to-loops{library-calls=true}' 2>&1 | filecheck %s
// CHECK-NOT: warning
// CHECK:     lower-unfrozen.mlir:[[# @LINE + 22]]:3: error: ts-lower-to-loops: @__torch__.Net.forward reads the module %self (!ts.class<"__torch__.Net">): run ts-freeze first
// CHECK-NOT: warning
// CHECK-NOT: error
//
// Frozen, it lowers (the unused %self stays in the signature).
// RUN: ts-opt %s -p 'ts-freeze,ts-lower-to-loops{shapes=2x2xf32}' | filecheck %s --check-prefix=FROZEN
// FROZEN:     func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: memref<2x2xf32>, %out0: memref<2x2xf32> {ts.output})
// FROZEN:     scf.for
//
// ts-run says the same; on the frozen module, whose forward keeps an unused %self, it runs.
// RUN: not ts-run %s --shapes 2x2xf32 2>&1 | filecheck %s --check-prefix=RUNERR
// RUN: ts-opt %s -p ts-freeze | ts-run - --shapes 2x2xf32 | filecheck %s --check-prefix=RUNFROZEN
// RUN: ts-opt %s -p ts-freeze | ts-run - --shapes 2x2xf32 --backend c | filecheck %s --check-prefix=RUNFROZEN
// RUNERR:    lower-unfrozen.mlir:[[# @LINE + 9]]:3: error: @__torch__.Net.forward uses %self (!ts.class<"__torch__.Net">), a module instance, which ts-run cannot make: freeze the module first (ts-opt -p ts-freeze; in Python, torch.jit.freeze, or torch.jit.specialize for a function of tensors)
// RUNFROZEN: output 0: float32[2, 2]

ts.class_type module @__torch__.Net {
  ts.attr "w" : !ts.tensor parameter
  ts.attr "training" : !ts.bool
  ts.method "forward" = @__torch__.Net.forward
}
func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor) -> !ts.tensor {
  %w = ts.get_attr %self["w"] : !ts.class<"__torch__.Net"> -> !ts.tensor
  %y = ts.matmul %x, %w : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
%self.w = ts.constant dense<1.000000e+00> : tensor<2x2xf32>
%f = ts.constant false
%self = ts.object "__torch__.Net"("w" = %self.w, "training" = %f) : (!ts.tensor<[2,2], f32>, !ts.bool) {root}
