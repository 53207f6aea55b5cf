// ts-specialize takes a split apart where its pieces are unpacked: one ts.slice (ts.select for
// unbind) per piece once the input's shape is static, so no tensor list reaches the lowering.
// A list that is also used as a whole keeps its split.
// RUN: ts-opt %s -p 'ts-specialize{shapes=3x8xf32 function=gates}' | filecheck %s --check-prefix=CHUNK
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x5xf32 function=rows}' | filecheck %s --check-prefix=UNBIND
// RUN: ts-opt %s -p 'ts-specialize{shapes=3x8xf32 function=whole}' | filecheck %s --check-prefix=WHOLE
// RUN: ts-opt %s -p 'ts-specialize{shapes=7x2xf32 function=uneven}' | filecheck %s --check-prefix=UNEVEN

// CHUNK-LABEL: func.func @gates
// CHUNK-NOT:     ts.chunk
// CHUNK:         ts.slice %x, {{.*}} -> !ts.tensor<[3,4], f32>
// CHUNK:         ts.slice %x, {{.*}} -> !ts.tensor<[3,4], f32>
// CHUNK-NOT:     ts.list.unpack
// CHUNK:         ts.mul {{.*}} -> !ts.tensor<[3,4], f32>
func.func @gates(%x: !ts.tensor) -> !ts.tensor {
  %two = ts.constant 2
  %one = ts.constant 1
  %l = ts.chunk %x, %two, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.list<!ts.tensor>
  %a, %b = ts.list.unpack %l : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
  %y = ts.mul %a, %b : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}

// UNBIND-LABEL: func.func @rows
// UNBIND-NOT:     ts.unbind
// UNBIND:         ts.select %x, {{.*}} -> !ts.tensor<[5], f32>
// UNBIND:         ts.select %x, {{.*}} -> !ts.tensor<[5], f32>
func.func @rows(%x: !ts.tensor) -> !ts.tensor {
  %zero = ts.constant 0
  %l = ts.unbind %x, %zero : (!ts.tensor, !ts.int) -> !ts.list<!ts.tensor>
  %a, %b = ts.list.unpack %l : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
  %y = ts.add %a, %b, %zero : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %y : !ts.tensor
}

// WHOLE-LABEL: func.func @whole
// WHOLE:         ts.chunk
// WHOLE:         ts.list.unpack
// WHOLE:         ts.cat
func.func @whole(%x: !ts.tensor) -> (!ts.tensor, !ts.tensor) {
  %two = ts.constant 2
  %one = ts.constant 1
  %l = ts.chunk %x, %two, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.list<!ts.tensor>
  %a, %b = ts.list.unpack %l : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
  %c = ts.cat %l, %one : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
  func.return %a, %c : !ts.tensor, !ts.tensor
}

// x.chunk(3)[i] on 7 rows: pieces of 3, 3 and 1 rows; a constant index picks the last.
// UNEVEN-LABEL: func.func @uneven
// UNEVEN-NOT:     ts.chunk
// UNEVEN:         ts.slice %x, {{.*}} -> !ts.tensor<[1,2], f32>
func.func @uneven(%x: !ts.tensor) -> !ts.tensor {
  %three = ts.constant 3
  %zero = ts.constant 0
  %last = ts.constant -1
  %l = ts.chunk %x, %three, %zero : (!ts.tensor, !ts.int, !ts.int) -> !ts.list<!ts.tensor>
  %p = ts.list.get %l, %last : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
  func.return %p : !ts.tensor
}
