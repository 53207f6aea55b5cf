// Every ts type prints as it parses (and survives the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// Tensor types: nothing known, unknown rank with a dtype, partial and static shapes,
// rank 0, zero-sized dims, and a dtype without a shape (printed as unknown rank).
// CHECK-LABEL: func.func @tensor_shapes(%a: !ts.tensor, %b: !ts.tensor<*, f32>, %c: !ts.tensor<[2,?,3], f32>, %d: !ts.tensor<[2]>, %e: !ts.tensor<[]>, %f: !ts.tensor<[], f64>, %g: !ts.tensor<[?,?]>, %h: !ts.tensor<*, f16>, %i: !ts.tensor<[0,1]>, %j: !ts.tensor<[?], i64>) {
func.func @tensor_shapes(%a: !ts.tensor, %b: !ts.tensor<*, f32>, %c: !ts.tensor<[2,?,3], f32>, %d: !ts.tensor<[2]>,
                         %e: !ts.tensor<[]>, %f: !ts.tensor<[], f64>, %g: !ts.tensor<[?,?]>, %h: !ts.tensor<f16>,
                         %i: !ts.tensor<[0, 1]>, %j: !ts.tensor<[ ? ], i64>) {
  func.return
}

// Every tensor element type TorchScript has.
// CHECK-LABEL: func.func @tensor_dtypes() {
// CHECK-NEXT: %0 = ts.uninitialized : !ts.tensor<[1], f32>
// CHECK-NEXT: %1 = ts.uninitialized : !ts.tensor<[1], f64>
// CHECK-NEXT: %2 = ts.uninitialized : !ts.tensor<[1], f16>
// CHECK-NEXT: %3 = ts.uninitialized : !ts.tensor<[1], bf16>
// CHECK-NEXT: %4 = ts.uninitialized : !ts.tensor<[1], i64>
// CHECK-NEXT: %5 = ts.uninitialized : !ts.tensor<[1], i32>
// CHECK-NEXT: %6 = ts.uninitialized : !ts.tensor<[1], i16>
// CHECK-NEXT: %7 = ts.uninitialized : !ts.tensor<[1], i8>
// CHECK-NEXT: %8 = ts.uninitialized : !ts.tensor<[1], ui8>
// CHECK-NEXT: %9 = ts.uninitialized : !ts.tensor<[1], i1>
// CHECK-NEXT: %10 = ts.uninitialized : !ts.tensor<*, bf16>
// CHECK-NEXT: %11 = ts.uninitialized : !ts.tensor<[?,4,?], ui8>
// CHECK-NEXT: func.return
func.func @tensor_dtypes() {
  %0 = ts.uninitialized : !ts.tensor<[1], f32>
  %1 = ts.uninitialized : !ts.tensor<[1], f64>
  %2 = ts.uninitialized : !ts.tensor<[1], f16>
  %3 = ts.uninitialized : !ts.tensor<[1], bf16>
  %4 = ts.uninitialized : !ts.tensor<[1], i64>
  %5 = ts.uninitialized : !ts.tensor<[1], i32>
  %6 = ts.uninitialized : !ts.tensor<[1], i16>
  %7 = ts.uninitialized : !ts.tensor<[1], i8>
  %8 = ts.uninitialized : !ts.tensor<[1], ui8>
  %9 = ts.uninitialized : !ts.tensor<[1], i1>
  %10 = ts.uninitialized : !ts.tensor<*, bf16>
  %11 = ts.uninitialized : !ts.tensor<[?,4,?], ui8>
  func.return
}

// Parameterless types.
// CHECK-LABEL: func.func @scalars(%i: !ts.int, %f: !ts.float, %b: !ts.bool, %n: !ts.number, %s: !ts.str, %none: !ts.none, %d: !ts.device, %any: !ts.any) -> (!ts.int, !ts.any) {
// CHECK-NEXT: func.return %i, %any : !ts.int, !ts.any
func.func @scalars(%i: !ts.int, %f: !ts.float, %b: !ts.bool, %n: !ts.number, %s: !ts.str, %none: !ts.none,
                   %d: !ts.device, %any: !ts.any) -> (!ts.int, !ts.any) {
  func.return %i, %any : !ts.int, !ts.any
}

// Containers, optionals, unions, futures, classes, and nestings of them.
// CHECK-LABEL: func.func @containers() {
// CHECK-NEXT: %l = ts.uninitialized : !ts.list<!ts.int>
// CHECK-NEXT: %ll = ts.uninitialized : !ts.list<!ts.list<!ts.tensor<[?], f32>>>
// CHECK-NEXT: %t0 = ts.uninitialized : !ts.tuple<>
// CHECK-NEXT: %t1 = ts.uninitialized : !ts.tuple<!ts.tensor>
// CHECK-NEXT: %t3 = ts.uninitialized : !ts.tuple<!ts.int, !ts.str, !ts.tuple<!ts.bool, !ts.none>>
// CHECK-NEXT: %ds = ts.uninitialized : !ts.dict<!ts.str, !ts.tensor>
// CHECK-NEXT: %di = ts.uninitialized : !ts.dict<!ts.int, !ts.list<!ts.float>>
// CHECK-NEXT: %df = ts.uninitialized : !ts.dict<!ts.float, !ts.any>
// CHECK-NEXT: %db = ts.uninitialized : !ts.dict<!ts.bool, !ts.int>
// CHECK-NEXT: %dt = ts.uninitialized : !ts.dict<!ts.tensor<[2], i64>, !ts.str>
// CHECK-NEXT: %dd = ts.uninitialized : !ts.dict<!ts.device, !ts.dict<!ts.str, !ts.int>>
// CHECK-NEXT: %o = ts.uninitialized : !ts.optional<!ts.tensor>
// CHECK-NEXT: %ol = ts.uninitialized : !ts.optional<!ts.list<!ts.int>>
// CHECK-NEXT: %u = ts.uninitialized : !ts.union<!ts.int, !ts.str>
// CHECK-NEXT: %u3 = ts.uninitialized : !ts.union<!ts.tensor, !ts.list<!ts.tensor>, !ts.none>
// CHECK-NEXT: %fu = ts.uninitialized : !ts.future<!ts.tensor>
// CHECK-NEXT: %ft = ts.uninitialized : !ts.future<!ts.tuple<!ts.int, !ts.tensor>>
// CHECK-NEXT: %c = ts.uninitialized : !ts.class<"__torch__.M">
// CHECK-NEXT: %cq = ts.uninitialized : !ts.class<"__torch__.a.b.Some_Class">
// CHECK-NEXT: %lc = ts.uninitialized : !ts.list<!ts.optional<!ts.class<"__torch__.M">>>
// CHECK-NEXT: func.return
func.func @containers() {
  %l = ts.uninitialized : !ts.list<!ts.int>
  %ll = ts.uninitialized : !ts.list<!ts.list<!ts.tensor<[?], f32>>>
  %t0 = ts.uninitialized : !ts.tuple<>
  %t1 = ts.uninitialized : !ts.tuple<!ts.tensor>
  %t3 = ts.uninitialized : !ts.tuple<!ts.int, !ts.str, !ts.tuple<!ts.bool, !ts.none>>
  %ds = ts.uninitialized : !ts.dict<!ts.str, !ts.tensor>
  %di = ts.uninitialized : !ts.dict<!ts.int, !ts.list<!ts.float>>
  %df = ts.uninitialized : !ts.dict<!ts.float, !ts.any>
  %db = ts.uninitialized : !ts.dict<!ts.bool, !ts.int>
  %dt = ts.uninitialized : !ts.dict<!ts.tensor<[2], i64>, !ts.str>
  %dd = ts.uninitialized : !ts.dict<!ts.device, !ts.dict<!ts.str, !ts.int>>
  %o = ts.uninitialized : !ts.optional<!ts.tensor>
  %ol = ts.uninitialized : !ts.optional<!ts.list<!ts.int>>
  %u = ts.uninitialized : !ts.union<!ts.int, !ts.str>
  %u3 = ts.uninitialized : !ts.union<!ts.tensor, !ts.list<!ts.tensor>, !ts.none>
  %fu = ts.uninitialized : !ts.future<!ts.tensor>
  %ft = ts.uninitialized : !ts.future<!ts.tuple<!ts.int, !ts.tensor>>
  %c = ts.uninitialized : !ts.class<"__torch__.M">
  %cq = ts.uninitialized : !ts.class<"__torch__.a.b.Some_Class">
  %lc = ts.uninitialized : !ts.list<!ts.optional<!ts.class<"__torch__.M">>>
  func.return
}

// ts types mix with builtin ones in signatures.
// CHECK-LABEL: func.func @mixed(%x: i64, %y: !ts.tensor<[3], f32>) -> !ts.tuple<!ts.tensor<[3], f32>> {
func.func @mixed(%x: i64, %y: !ts.tensor<[3], f32>) -> !ts.tuple<!ts.tensor<[3], f32>> {
  %t = ts.tuple.construct %y : (!ts.tensor<[3], f32>) -> !ts.tuple<!ts.tensor<[3], f32>>
  func.return %t : !ts.tuple<!ts.tensor<[3], f32>>
}
