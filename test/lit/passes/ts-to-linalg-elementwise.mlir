// ts-to-linalg, elementwise family: one all-parallel linalg.generic per op, broadcasting through
// the indexing maps, scalar operands as arith.constants in the body, promotion as body casts.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s

// CHECK-LABEL: func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:         %[[E0:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT:    %[[MUL:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%[[E0]] : tensor<4x8xf32>)
// CHECK:           arith.constant 1.500000e+00 : f32
// CHECK-NEXT:      arith.mulf
// CHECK:         %[[ADD:.*]] = linalg.generic {{.*}} ins(%[[MUL]] : tensor<4x8xf32>)
// CHECK:           arith.constant 2.500000e-01 : f32
// CHECK-NEXT:      arith.addf
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[ADD]] : tensor<4x8xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[SIG:.*]] = linalg.generic {{.*}} ins(%x : tensor<4x8xf32>)
// CHECK:           arith.negf
// CHECK-NEXT:      math.exp
// CHECK-NEXT:      arith.addf
// CHECK:           arith.divf
// CHECK:         %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[RELU]], %[[SIG]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:           arith.mulf
// CHECK:         func.return %[[OUT]] : tensor<4x8xf32>
// CHECK-NOT:     ts.relu
func.func @chain(%x: !ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32> {
  %a = ts.constant 1.5
  %b = ts.constant 0.25
  %one = ts.constant 1
  %0 = ts.mul %x, %a : (!ts.tensor<[4,8], f32>, !ts.float) -> !ts.tensor<[4,8], f32>
  %1 = ts.add %0, %b, %one : (!ts.tensor<[4,8], f32>, !ts.float, !ts.int) -> !ts.tensor<[4,8], f32>
  %2 = ts.relu %1 : (!ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  %3 = ts.sigmoid %x : (!ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  %4 = ts.mul %2, %3 : (!ts.tensor<[4,8], f32>, !ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32>
  func.return %4 : !ts.tensor<[4,8], f32>
}

// Broadcasting: [3] is right-aligned, [2,1] reads its size-1 dim at 0; alpha multiplies the other operand.
// CHECK-LABEL: func.func @broadcast(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %z: tensor<2x1xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK:           arith.constant 2.000000e+00 : f32
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.addf
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK:           arith.subf
func.func @broadcast(%x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[3], f32>, %z: !ts.tensor<[2,1], f32>) -> !ts.tensor<[2,3], f32> {
  %two = ts.constant 2
  %one = ts.constant 1
  %0 = ts.add %x, %y, %two : (!ts.tensor<[2,3], f32>, !ts.tensor<[3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  %1 = ts.sub %0, %z, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,1], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  func.return %1 : !ts.tensor<[2,3], f32>
}

// Promotion: an int tensor times a float is computed in f32 (sitofp in the body); a comparison
// computes in the promoted type and gives i1; x ** 3 is two multiplies.
// CHECK-LABEL: func.func @promotion(%i: tensor<2x3xi64>, %x: tensor<2x3xf32>)
// CHECK:         ins(%i : tensor<2x3xi64>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: i64, %{{.*}}: f32):
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[A]] : i64 to f32
// CHECK-NEXT:      %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-NEXT:      arith.mulf %[[F]], %[[C]] : f32
// CHECK:         ins(%i, %x : tensor<2x3xi64>, tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xi1>)
// CHECK:           arith.sitofp
// CHECK-NEXT:      arith.cmpf olt
// CHECK:         ins(%x : tensor<2x3xf32>)
// CHECK-NEXT:    ^{{.*}}(%[[P:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[SQ:.*]] = arith.mulf %[[P]], %[[P]] : f32
// CHECK-NEXT:      arith.mulf %[[P]], %[[SQ]] : f32
// CHECK-NOT:       math.powf
func.func @promotion(%i: !ts.tensor<[2,3], i64>, %x: !ts.tensor<[2,3], f32>) -> (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], i1>, !ts.tensor<[2,3], f32>) {
  %k = ts.constant 1.5
  %three = ts.constant 3
  %0 = ts.mul %i, %k : (!ts.tensor<[2,3], i64>, !ts.float) -> !ts.tensor<[2,3], f32>
  %1 = ts.lt %i, %x : (!ts.tensor<[2,3], i64>, !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], i1>
  %2 = ts.pow %x, %three : (!ts.tensor<[2,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  func.return %0, %1, %2 : !ts.tensor<[2,3], f32>, !ts.tensor<[2,3], i1>, !ts.tensor<[2,3], f32>
}

// Tensor constants become dense arith.constants (with their own builtin type); clone is the value
// itself; a non-constant scalar operand leaves the op at the ts level behind casts.
// CHECK-LABEL: func.func @constants_and_leftovers(%x: tensor<2x3xf32>, %k: !ts.float)
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]]> : tensor<1x3xf32>
// CHECK:         linalg.generic {{.*}} ins(%x, %[[W]] : tensor<2x3xf32>, tensor<1x3xf32>)
// CHECK:         builtin.unrealized_conversion_cast {{.*}} : tensor<2x3xf32> to !ts.tensor<[2,3], f32>
// CHECK:         ts.mul {{.*}}, %k
func.func @constants_and_leftovers(%x: !ts.tensor<[2,3], f32>, %k: !ts.float) -> !ts.tensor<[2,3], f32> {
  %w = ts.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32> as !ts.tensor<[1,3], f32>
  %one = ts.constant 1
  %c = ts.clone %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %0 = ts.add %c, %w, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[1,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  %1 = ts.mul %0, %k : (!ts.tensor<[2,3], f32>, !ts.float) -> !ts.tensor<[2,3], f32>
  func.return %1 : !ts.tensor<[2,3], f32>
}

// Dropout outside training is the identity; in training mode (or unknown) it stays.
// CHECK-LABEL: func.func @dropout
// CHECK-NOT:     linalg.generic
// CHECK:         %[[T:.*]] = builtin.unrealized_conversion_cast %x : tensor<2x3xf32> to !ts.tensor<[2,3], f32>
// CHECK:         %z = ts.dropout %[[T]], %p, %train
// CHECK:         func.return %x, %z : tensor<2x3xf32>, !ts.tensor<[2,3], f32>
func.func @dropout(%x: !ts.tensor<[2,3], f32>, %train: !ts.bool) -> (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>) {
  %p = ts.constant 0.5
  %f = ts.constant false
  %y = ts.dropout %x, %p, %f : (!ts.tensor<[2,3], f32>, !ts.float, !ts.bool) -> !ts.tensor<[2,3], f32>
  %z = ts.dropout %x, %p, %train : (!ts.tensor<[2,3], f32>, !ts.float, !ts.bool) -> !ts.tensor<[2,3], f32>
  func.return %y, %z : !ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>
}

// GELU with the tanh approximation, 0.5 x (1 + tanh(z)), is lowered as x / (1 + exp(-2z)): the same
// function (sigmoid(2z) = (1 + tanh(z)) / 2) without tanh's two branches, and without cancellation
// in 1 + tanh(z) for large negative z.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK:           arith.constant -1.59576917 : f32
// CHECK:           arith.addf %[[X]], %{{.*}} : f32
// CHECK-NEXT:      %[[M2Z:.*]] = arith.mulf
// CHECK:           %[[E:.*]] = math.exp %[[M2Z]] : f32
// CHECK-NEXT:      %[[D:.*]] = arith.addf %{{.*}}, %[[E]] : f32
// CHECK-NEXT:      %[[Y:.*]] = arith.divf %[[X]], %[[D]] : f32
// CHECK-NEXT:      linalg.yield %[[Y]] : f32
// CHECK-NOT:       math.tanh
// CHECK:         func.return
func.func @gelu_tanh(%x: !ts.tensor<[4,8], f32>) -> !ts.tensor<[4,8], f32> {
  %tanh = ts.constant "tanh"
  %0 = ts.gelu %x, %tanh : (!ts.tensor<[4,8], f32>, !ts.str) -> !ts.tensor<[4,8], f32>
  func.return %0 : !ts.tensor<[4,8], f32>
}
