// ts-freeze on a module instance (the IR `tsjit.jit.module_ir.to_ir` writes for a scripted Net with a
// submodule Sub(w), a buffer `count` updated in place, an int `scale`, an unused int, and an
// `if self.training:` branch).
// RUN: ts-opt %s -p ts-freeze | filecheck %s
// RUN: ts-opt %s -p 'ts-freeze{preserved-attrs=scale}' | filecheck %s --check-prefix=PRESERVE
// RUN: sed 's/%1 = ts.constant false/%1 = ts.constant true/' %s | not ts-opt -p ts-freeze 2>&1 | filecheck %s --check-prefix=TRAINING
// RUN: sed 's/%1 = ts.constant false/%1 = ts.constant true/' %s | ts-opt -p 'ts-freeze{snapshot=true}' | filecheck %s --check-prefix=SNAPSHOT

// Unchanging attributes become constants named after their path; the mutated buffer stays an
// attribute; the submodule, `training`, `unused` and the inlined Sub.forward are gone.
// CHECK:      ts.class_type module @__torch__.Net {
// CHECK-NEXT:   ts.attr "count" : !ts.tensor buffer
// CHECK-NEXT:   ts.method "forward" = @__torch__.Net.forward
// CHECK-NEXT: }
// CHECK-NEXT: func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor) -> !ts.tensor {
// CHECK-NEXT:   %self.sub.w = ts.constant dense<1.000000e+00> : tensor<2x2xf32> as !ts.tensor
// CHECK-NEXT:   %self.scale = ts.constant 3
// CHECK:        %count = ts.get_attr %self["count"]
// CHECK-NEXT:   ts.add_ %count
// CHECK-NEXT:   %[[MM:.*]] = ts.matmul %x, %self.sub.w
// CHECK-NEXT:   ts.mul %[[MM]], %self.scale
// CHECK-NOT:    ts.if
// CHECK:        func.return
// CHECK-NEXT: }
// CHECK-NOT:  Sub
// CHECK:      %self.count = ts.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %self = ts.object "__torch__.Net"("count" = %self.count) : (!ts.tensor<[1], f32>) {root}

// PRESERVE:      ts.attr "count" : !ts.tensor buffer
// PRESERVE-NEXT: ts.attr "scale" : !ts.int
// PRESERVE:      %scale = ts.get_attr %self["scale"]
// PRESERVE:      %self = ts.object "__torch__.Net"("count" = %self.count, "scale" = %{{.*}})

// TRAINING: Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.

// A snapshot freezes the training module too: the buffer written in place becomes one copy per
// call of its value (later reads see the write); `if self.training:` takes the training branch.
// SNAPSHOT:      ts.class_type module @__torch__.Net {
// SNAPSHOT-NEXT:   ts.method "forward" = @__torch__.Net.forward
// SNAPSHOT-NEXT: }
// SNAPSHOT:      %self.count = ts.constant dense<0.000000e+00> : tensor<1xf32> as !ts.tensor
// SNAPSHOT:      %[[COPY:.*]] = ts.clone %self.count
// SNAPSHOT-NEXT: ts.add_ %[[COPY]]
// SNAPSHOT-NEXT: %[[X:.*]] = ts.mul %x
// SNAPSHOT-NEXT: %[[MM:.*]] = ts.matmul %[[X]], %self.sub.w
// SNAPSHOT-NEXT: %[[S:.*]] = ts.mul %[[MM]], %self.scale
// SNAPSHOT-NEXT: ts.add %[[S]], %[[COPY]]
// SNAPSHOT:      %self = ts.object "__torch__.Net"() {root}

builtin.module {
  ts.class_type module @__torch__.Sub {
    ts.attr "w" : !ts.tensor parameter
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.Sub.forward
  }
  ts.class_type module @__torch__.Net {
    ts.attr "count" : !ts.tensor buffer
    ts.attr "sub" : !ts.class<"__torch__.Sub">
    ts.attr "training" : !ts.bool
    ts.attr "scale" : !ts.int
    ts.attr "unused" : !ts.int
    ts.method "forward" = @__torch__.Net.forward
  }
  func.func @__torch__.Sub.forward(%self: !ts.class<"__torch__.Sub">, %x: !ts.tensor) -> !ts.tensor {
    %w = ts.get_attr %self["w"] : !ts.class<"__torch__.Sub"> -> !ts.tensor
    %0 = ts.matmul %x, %w : (!ts.tensor, !ts.tensor) -> !ts.tensor
    func.return %0 : !ts.tensor
  }
  func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor) -> !ts.tensor {
    %count = ts.get_attr %self["count"] : !ts.class<"__torch__.Net"> -> !ts.tensor
    %0 = ts.constant 1
    %1 = ts.constant 1
    %2 = ts.add_ %count, %0, %1 : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
    %training = ts.get_attr %self["training"] : !ts.class<"__torch__.Net"> -> !ts.bool
    %x_1 = ts.if %training -> (!ts.tensor) {
      %3 = ts.constant 100
      %x_2 = ts.mul %x, %3 : (!ts.tensor, !ts.int) -> !ts.tensor
      ts.yield %x_2 : !ts.tensor
    } else {
      ts.yield %x : !ts.tensor
    }
    %sub = ts.get_attr %self["sub"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.Sub">
    %4 = ts.call_method %sub["forward"] (%x_1) : (!ts.class<"__torch__.Sub">, !ts.tensor) -> !ts.tensor
    %scale = ts.get_attr %self["scale"] : !ts.class<"__torch__.Net"> -> !ts.int
    %5 = ts.mul %4, %scale : (!ts.tensor, !ts.int) -> !ts.tensor
    %count_1 = ts.get_attr %self["count"] : !ts.class<"__torch__.Net"> -> !ts.tensor
    %6 = ts.constant 1
    %7 = ts.add %5, %count_1, %6 : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
    func.return %7 : !ts.tensor
  }
  %self.count = ts.constant dense<0.000000e+00> : tensor<1xf32>
  %self.sub.w = ts.constant dense<1.000000e+00> : tensor<2x2xf32>
  %0 = ts.constant false
  %self.sub = ts.object "__torch__.Sub"("w" = %self.sub.w, "training" = %0) : (!ts.tensor<[2,2], f32>, !ts.bool)
  %1 = ts.constant false
  %2 = ts.constant 3
  %3 = ts.constant 5
  %self = ts.object "__torch__.Net"("count" = %self.count, "sub" = %self.sub, "training" = %1, "scale" = %2, "unused" = %3) : (!ts.tensor<[1], f32>, !ts.class<"__torch__.Sub">, !ts.bool, !ts.int, !ts.int) {root}
}
