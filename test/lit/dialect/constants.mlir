// Every form of ts.constant prints as it parses (and survives the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines --check-prefixes=CHECK,NONE
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines --check-prefixes=CHECK,NONE
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines --check-prefixes=CHECK,NONE

// CHECK-LABEL: func.func @ints() -> !ts.int {
// CHECK-NEXT: %i = ts.constant 3
// CHECK-NEXT: %zero = ts.constant 0
// CHECK-NEXT: %neg = ts.constant -42
// CHECK-NEXT: %max = ts.constant 9223372036854775807
// CHECK-NEXT: %min = ts.constant -9223372036854775808
// CHECK-NEXT: %hex = ts.constant 255
// CHECK-NEXT: func.return %i : !ts.int
func.func @ints() -> !ts.int {
  %i = ts.constant 3
  %zero = ts.constant 0
  %neg = ts.constant -42
  %max = ts.constant 9223372036854775807
  %min = ts.constant -9223372036854775808
  %hex = ts.constant 0xFF
  func.return %i : !ts.int
}

// Floats print with Python's repr, plus a fraction where repr has none ('1e-05' does not lex).
// CHECK-LABEL: func.func @floats() {
// CHECK-NEXT: %f = ts.constant 2.5
// CHECK-NEXT: %one = ts.constant 1.0
// CHECK-NEXT: %neg = ts.constant -0.5
// CHECK-NEXT: %negzero = ts.constant -0.0
// CHECK-NEXT: %eps = ts.constant 1.0e-05
// CHECK-NEXT: %eps2 = ts.constant 1.0e-05
// CHECK-NEXT: %tiny = ts.constant 1.5e-300
// CHECK-NEXT: %huge = ts.constant 1.0e+20
// CHECK-NEXT: %third = ts.constant 0.3333333333333333
// CHECK-NEXT: %inf = ts.constant inf
// CHECK-NEXT: %ninf = ts.constant -inf
// CHECK-NEXT: %nan = ts.constant nan
// CHECK-NEXT: func.return
func.func @floats() {
  %f = ts.constant 2.5
  %one = ts.constant 1.0
  %neg = ts.constant -0.5
  %negzero = ts.constant -0.0
  %eps = ts.constant 1.0e-05
  %eps2 = ts.constant 0.00001
  %tiny = ts.constant 1.5e-300
  %huge = ts.constant 100000000000000000000.0
  %third = ts.constant 0.3333333333333333
  %inf = ts.constant inf
  %ninf = ts.constant -inf
  %nan = ts.constant nan
  func.return
}

// CHECK-LABEL: func.func @bools_strings_none_devices() {
// CHECK-NEXT: %t = ts.constant true
// CHECK-NEXT: %f = ts.constant false
// CHECK-NEXT: %s = ts.constant "relu"
// CHECK-NEXT: %empty = ts.constant ""
// CHECK-NEXT: %esc = ts.constant "a\22b\\c\0Ad\09e"
// CHECK-NEXT: %hexesc = ts.constant "tab\09nl\0A"
// CHECK-NEXT: %fmt = ts.constant "{} and {:.2f}"
// CHECK-NEXT: %cpu = ts.constant device "cpu"
// CHECK-NEXT: %cuda = ts.constant device "cuda:0"
// CHECK-NEXT: func.return
func.func @bools_strings_none_devices() {
  %t = ts.constant true
  %f = ts.constant false
  %s = ts.constant "relu"
  %empty = ts.constant ""
  %esc = ts.constant "a\"b\\c\nd\te"
  %hexesc = ts.constant "tab\09nl\0A"
  %fmt = ts.constant "{} and {:.2f}"
  %cpu = ts.constant device "cpu"
  %cuda = ts.constant device "cuda:0"
  func.return
}

// Lists carry their type; elements may be any constant, including lists and tensors.
// CHECK-LABEL: func.func @lists() {
// CHECK-NEXT: %ints = ts.constant [1, -2, 3] : !ts.list<!ts.int>
// CHECK-NEXT: %empty = ts.constant [] : !ts.list<!ts.tensor>
// CHECK-NEXT: %empty_int = ts.constant [] : !ts.list<!ts.int>
// CHECK-NEXT: %floats = ts.constant [1.5, -2.0, inf, 1.0e-05] : !ts.list<!ts.float>
// CHECK-NEXT: %bools = ts.constant [true, false] : !ts.list<!ts.bool>
// CHECK-NEXT: %strs = ts.constant ["a", "b\0A"] : !ts.list<!ts.str>
// CHECK-NEXT: %nested = ts.constant {{\[\[}}1, 2], [], [3]] : !ts.list<!ts.list<!ts.int>>
// CHECK-NEXT: %deep = ts.constant {{\[\[\[}}1.0]]] : !ts.list<!ts.list<!ts.list<!ts.float>>>
// CHECK-NEXT: %devs = ts.constant [device "cpu", device "cuda:1"] : !ts.list<!ts.device>
// CHECK-NEXT: %tensors = ts.constant [dense<1.000000e+00> : tensor<2xf32>, dense<[1, 2]> : tensor<2xi64>] : !ts.list<!ts.tensor>
// CHECK-NEXT: func.return
func.func @lists() {
  %ints = ts.constant [1, -2, 3] : !ts.list<!ts.int>
  %empty = ts.constant [] : !ts.list<!ts.tensor>
  %empty_int = ts.constant [] : !ts.list<!ts.int>
  %floats = ts.constant [1.5, -2.0, inf, 1.0e-05] : !ts.list<!ts.float>
  %bools = ts.constant [true, false] : !ts.list<!ts.bool>
  %strs = ts.constant ["a", "b\n"] : !ts.list<!ts.str>
  %nested = ts.constant [[1, 2], [], [3]] : !ts.list<!ts.list<!ts.int>>
  %deep = ts.constant [[[1.0]]] : !ts.list<!ts.list<!ts.list<!ts.float>>>
  %devs = ts.constant [device "cpu", device "cuda:1"] : !ts.list<!ts.device>
  %tensors = ts.constant [dense<1.0> : tensor<2xf32>, dense<[1, 2]> : tensor<2xi64>] : !ts.list<!ts.tensor>
  func.return
}

// Small dense tensors: the result type follows from the value.
// CHECK-LABEL: func.func @small_tensors() {
// CHECK-NEXT: %v = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %m = ts.constant dense<{{\[\[}}1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
// CHECK-NEXT: %splat = ts.constant dense<1.000000e+00> : tensor<4x3xf32>
// CHECK-NEXT: %scalar = ts.constant dense<7> : tensor<i32>
// CHECK-NEXT: %bools = ts.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-NEXT: %bsplat = ts.constant dense<false> : tensor<2x2xi1>
// CHECK-NEXT: %u8 = ts.constant dense<[0, 255]> : tensor<2xui8>
// CHECK-NEXT: %i8 = ts.constant dense<[-128, 127]> : tensor<2xi8>
// CHECK-NEXT: %i16 = ts.constant dense<[1, 2]> : tensor<2xi16>
// CHECK-NEXT: %f16 = ts.constant dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf16>
// CHECK-NEXT: %bf16 = ts.constant dense<[1.500000e+00, 2.500000e+00]> : tensor<2xbf16>
// CHECK-NEXT: %f64 = ts.constant dense<[1.000000e-05, -2.500000e+00]> : tensor<2xf64>
// CHECK-NEXT: %empty = ts.constant dense<> : tensor<0xf32>
// CHECK-NEXT: %from_hex = ts.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-NEXT: %bool_hex = ts.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-NEXT: func.return
func.func @small_tensors() {
  %v = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %m = ts.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %splat = ts.constant dense<1.0> : tensor<4x3xf32>
  %scalar = ts.constant dense<7> : tensor<i32>
  %bools = ts.constant dense<[true, false, true]> : tensor<3xi1>
  %bsplat = ts.constant dense<false> : tensor<2x2xi1>
  %u8 = ts.constant dense<[0, 255]> : tensor<2xui8>
  %i8 = ts.constant dense<[-128, 127]> : tensor<2xi8>
  %i16 = ts.constant dense<[1, 2]> : tensor<2xi16>
  %f16 = ts.constant dense<[1.5, 2.5]> : tensor<2xf16>
  %bf16 = ts.constant dense<[1.5, 2.5]> : tensor<2xbf16>
  %f64 = ts.constant dense<[1.0e-05, -2.5]> : tensor<2xf64>
  %empty = ts.constant dense<> : tensor<0xf32>
  %from_hex = ts.constant dense<"0x0100000002000000"> : tensor<2xi32>
  %bool_hex = ts.constant dense<"0x00FF01"> : tensor<3xi1>
  func.return
}

// `as T` types a tensor constant less precisely than its value (dims, dtype or both unknown).
// CHECK-LABEL: func.func @less_precise() -> !ts.tensor {
// CHECK-NEXT: %any = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> as !ts.tensor
// CHECK-NEXT: %dyn = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> as !ts.tensor<[?], f32>
// CHECK-NEXT: %rank = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> as !ts.tensor<*, f32>
// CHECK-NEXT: %nodtype = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> as !ts.tensor<[2]>
// CHECK-NEXT: %splat = ts.constant dense<0> : tensor<2x3xi64> as !ts.tensor<[?,3], i64>
// CHECK-NEXT: %same = ts.constant dense<[1, 2]> : tensor<2xi64>
// CHECK-NEXT: %in_list = ts.constant [dense<1.000000e+00> : tensor<2xf32>] : !ts.list<!ts.tensor<[2], f32>>
// CHECK-NEXT: func.return %any : !ts.tensor
func.func @less_precise() -> !ts.tensor {
  %any = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor
  %dyn = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<[?], f32>
  %rank = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<*, f32>
  %nodtype = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<[2]>
  %splat = ts.constant dense<0> : tensor<2x3xi64> as !ts.tensor<[?,3], i64>
  // Spelling out the exact type is allowed; it is left out when printing.
  %same = ts.constant dense<[1, 2]> : tensor<2xi64> as !ts.tensor<[2], i64>
  %in_list = ts.constant [dense<1.0> : tensor<2xf32>] : !ts.list<!ts.tensor<[2], f32>>
  func.return %any : !ts.tensor
}

// Discardable attributes print after the value (and after `as T`).
// CHECK-LABEL: func.func @attributes() {
// CHECK-NEXT: %a = ts.constant 3 {foo = "bar"}
// CHECK-NEXT: %b = ts.constant dense<1.000000e+00> : tensor<2xf32> as !ts.tensor {unit}
// CHECK-NEXT: %c = ts.constant [1] : !ts.list<!ts.int> {n = 1 : i64}
// CHECK-NEXT: func.return
func.func @attributes() {
  %a = ts.constant 3 {foo = "bar"}
  %b = ts.constant dense<1.0> : tensor<2xf32> as !ts.tensor {unit}
  %c = ts.constant [1] : !ts.list<!ts.int> {n = 1}
  func.return
}

// BEGIN-NONE
// NONE-LABEL: func.func @none_constants() -> !ts.none {
// NONE-NEXT: %none = ts.constant none
// NONE-NEXT: %nones = ts.constant [none, none] : !ts.list<!ts.none>
// NONE-NEXT: func.return %none : !ts.none
func.func @none_constants() -> !ts.none {
  %none = ts.constant none
  %nones = ts.constant [none, none] : !ts.list<!ts.none>
  func.return %none : !ts.none
}
// END-NONE

// Constants at module level (outside any function) are fine too.
// CHECK: %top = ts.constant "module level"
%top = ts.constant "module level"

// Up to 100 elements print as a list; larger tensors print as a hex blob of their
// little-endian bytes (bools: 0x00/0xFF per element), which parses back to the same value.
// CHECK-LABEL: func.func @large_tensors() {
// CHECK-NEXT: %hundred = ts.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]> : tensor<100xi32>
// CHECK-NEXT: %big_i64 = ts.constant dense<"0x00000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009000000000000000A000000000000000B000000000000000C000000000000000D000000000000000E000000000000000F0000000000000010000000000000001100000000000000120000000000000013000000000000001400000000000000150000000000000016000000000000001700000000000000180000000000000019000000000000001A000000000000001B000000000000001C000000000000001D000000000000001E000000000000001F0000000000000020000000000000002100000000000000220000000000000023000000000000002400000000000000250000000000000026000000000000002700000000000000280000000000000029000000000000002A000000000000002B000000000000002C000000000000002D000000000000002E000000000000002F0000000000000030000000000000003100000000000000320000000000000033000000000000003400000000000000350000000000000036000000000000003700000000000000380000000000000039000000000000003A000000000000003B000000000000003C000000000000003D000000000000003E000000000000003F0000000000000040000000000000004100000000000000420000000000000043000000000000004400000000000000450000000000000046000000000000004700000000000000480000000000000049000000000000004A000000000000004B000000000000004C000000000000004D000000000000004E000000000000004F0000000000000050000000000000005100000000000000520000000000000053000000000000005400000000000000550000000000000056000000000000005700000000000000580000000000000059000000000000005A000000000000005B000000000000005C000000000000005D000000000000005E000000000000005F0000000000000060000000000000006100000000000000620000000000000063000000000000006400000000000000"> : tensor<101xi64>
// CHECK-NEXT: %big_f32 = ts.constant dense<"0x000000000000003F0000803F0000C03F0000004000002040000040400000604000008040000090400000A0400000B0400000C0400000D0400000E0400000F0400000004100000841000010410000184100002041000028410000304100003841000040410000484100005041000058410000604100006841000070410000784100008041000084410000884100008C4100009041000094410000984100009C410000A0410000A4410000A8410000AC410000B0410000B4410000B8410000BC410000C0410000C4410000C8410000CC410000D0410000D4410000D8410000DC410000E0410000E4410000E8410000EC410000F0410000F4410000F8410000FC41000000420000024200000442000006420000084200000A4200000C4200000E42000010420000124200001442000016420000184200001A4200001C4200001E42000020420000224200002442000026420000284200002A4200002C4200002E42000030420000324200003442000036420000384200003A4200003C4200003E42000040420000424200004442000046420000484200004A4200004C4200004E42000050420000524200005442000056420000584200005A4200005C4200005E42000060420000624200006442000066420000684200006A4200006C4200006E42"> : tensor<120xf32> as !ts.tensor<[?], f32>
// CHECK-NEXT: %big_i1 = ts.constant dense<"0x00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FFFF00FF"> : tensor<128xi1>
// CHECK-NEXT: %big_2d = ts.constant dense<"0xC4FFFFFFC5FFFFFFC6FFFFFFC7FFFFFFC8FFFFFFC9FFFFFFCAFFFFFFCBFFFFFFCCFFFFFFCDFFFFFFCEFFFFFFCFFFFFFFD0FFFFFFD1FFFFFFD2FFFFFFD3FFFFFFD4FFFFFFD5FFFFFFD6FFFFFFD7FFFFFFD8FFFFFFD9FFFFFFDAFFFFFFDBFFFFFFDCFFFFFFDDFFFFFFDEFFFFFFDFFFFFFFE0FFFFFFE1FFFFFFE2FFFFFFE3FFFFFFE4FFFFFFE5FFFFFFE6FFFFFFE7FFFFFFE8FFFFFFE9FFFFFFEAFFFFFFEBFFFFFFECFFFFFFEDFFFFFFEEFFFFFFEFFFFFFFF0FFFFFFF1FFFFFFF2FFFFFFF3FFFFFFF4FFFFFFF5FFFFFFF6FFFFFFF7FFFFFFF8FFFFFFF9FFFFFFFAFFFFFFFBFFFFFFFCFFFFFFFDFFFFFFFEFFFFFFFFFFFFFF000000000100000002000000030000000400000005000000060000000700000008000000090000000A0000000B0000000C0000000D0000000E0000000F000000100000001100000012000000130000001400000015000000160000001700000018000000190000001A0000001B0000001C0000001D0000001E0000001F000000200000002100000022000000230000002400000025000000260000002700000028000000290000002A0000002B0000002C0000002D0000002E0000002F000000300000003100000032000000330000003400000035000000360000003700000038000000390000003A0000003B000000"> : tensor<3x40xi32>
// CHECK-NEXT: %big_hex = ts.constant dense<"0x00000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009000000000000000A000000000000000B000000000000000C000000000000000D000000000000000E000000000000000F0000000000000010000000000000001100000000000000120000000000000013000000000000001400000000000000150000000000000016000000000000001700000000000000180000000000000019000000000000001A000000000000001B000000000000001C000000000000001D000000000000001E000000000000001F0000000000000020000000000000002100000000000000220000000000000023000000000000002400000000000000250000000000000026000000000000002700000000000000280000000000000029000000000000002A000000000000002B000000000000002C000000000000002D000000000000002E000000000000002F0000000000000030000000000000003100000000000000320000000000000033000000000000003400000000000000350000000000000036000000000000003700000000000000380000000000000039000000000000003A000000000000003B000000000000003C000000000000003D000000000000003E000000000000003F0000000000000040000000000000004100000000000000420000000000000043000000000000004400000000000000450000000000000046000000000000004700000000000000480000000000000049000000000000004A000000000000004B000000000000004C000000000000004D000000000000004E000000000000004F0000000000000050000000000000005100000000000000520000000000000053000000000000005400000000000000550000000000000056000000000000005700000000000000580000000000000059000000000000005A000000000000005B000000000000005C000000000000005D000000000000005E000000000000005F0000000000000060000000000000006100000000000000620000000000000063000000000000006400000000000000"> : tensor<101xi64> as !ts.tensor
// CHECK-NEXT: func.return
func.func @large_tensors() {
  %hundred = ts.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]> : tensor<100xi32>
  %big_i64 = ts.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]> : tensor<101xi64>
  %big_f32 = ts.constant dense<[0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 15.0, 15.5, 16.0, 16.5, 17.0, 17.5, 18.0, 18.5, 19.0, 19.5, 20.0, 20.5, 21.0, 21.5, 22.0, 22.5, 23.0, 23.5, 24.0, 24.5, 25.0, 25.5, 26.0, 26.5, 27.0, 27.5, 28.0, 28.5, 29.0, 29.5, 30.0, 30.5, 31.0, 31.5, 32.0, 32.5, 33.0, 33.5, 34.0, 34.5, 35.0, 35.5, 36.0, 36.5, 37.0, 37.5, 38.0, 38.5, 39.0, 39.5, 40.0, 40.5, 41.0, 41.5, 42.0, 42.5, 43.0, 43.5, 44.0, 44.5, 45.0, 45.5, 46.0, 46.5, 47.0, 47.5, 48.0, 48.5, 49.0, 49.5, 50.0, 50.5, 51.0, 51.5, 52.0, 52.5, 53.0, 53.5, 54.0, 54.5, 55.0, 55.5, 56.0, 56.5, 57.0, 57.5, 58.0, 58.5, 59.0, 59.5]> : tensor<120xf32> as !ts.tensor<[?], f32>
  %big_i1 = ts.constant dense<[false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true]> : tensor<128xi1>
  %big_2d = ts.constant dense<[[-60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21], [-20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]]> : tensor<3x40xi32>
  %big_hex = ts.constant dense<"0x00000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009000000000000000A000000000000000B000000000000000C000000000000000D000000000000000E000000000000000F0000000000000010000000000000001100000000000000120000000000000013000000000000001400000000000000150000000000000016000000000000001700000000000000180000000000000019000000000000001A000000000000001B000000000000001C000000000000001D000000000000001E000000000000001F0000000000000020000000000000002100000000000000220000000000000023000000000000002400000000000000250000000000000026000000000000002700000000000000280000000000000029000000000000002A000000000000002B000000000000002C000000000000002D000000000000002E000000000000002F0000000000000030000000000000003100000000000000320000000000000033000000000000003400000000000000350000000000000036000000000000003700000000000000380000000000000039000000000000003A000000000000003B000000000000003C000000000000003D000000000000003E000000000000003F0000000000000040000000000000004100000000000000420000000000000043000000000000004400000000000000450000000000000046000000000000004700000000000000480000000000000049000000000000004A000000000000004B000000000000004C000000000000004D000000000000004E000000000000004F0000000000000050000000000000005100000000000000520000000000000053000000000000005400000000000000550000000000000056000000000000005700000000000000580000000000000059000000000000005A000000000000005B000000000000005C000000000000005D000000000000005E000000000000005F0000000000000060000000000000006100000000000000620000000000000063000000000000006400000000000000"> : tensor<101xi64> as !ts.tensor
  func.return
}

// A tensor whose bytes live outside the text (a saved archive's weights): the type follows
// from the resource's tensor type; it may be typed less precisely or sit in a list.
// CHECK-LABEL: func.func @dense_resources() -> !ts.tensor<[2,3], f32> {
// CHECK-NEXT: %w = ts.constant dense_resource<w0> : tensor<2x3xf32>
// CHECK-NEXT: %b = ts.constant dense_resource<blob_1> : tensor<3xf32> as !ts.tensor
// CHECK-NEXT: %s = ts.constant dense_resource<w0> : tensor<i64>
// CHECK-NEXT: %l = ts.constant [dense_resource<w0> : tensor<2x3xf32>, dense<1> : tensor<2xi64>] : !ts.list<!ts.tensor>
// CHECK-NEXT: func.return %w : !ts.tensor<[2,3], f32>
func.func @dense_resources() -> !ts.tensor<[2,3], f32> {
  %w = ts.constant dense_resource<w0> : tensor<2x3xf32>
  %b = ts.constant dense_resource<blob_1> : tensor<3xf32> as !ts.tensor
  %s = ts.constant dense_resource<w0> : tensor<i64>
  %l = ts.constant [dense_resource<w0> : tensor<2x3xf32>, dense<1> : tensor<2xi64>] : !ts.list<!ts.tensor>
  func.return %w : !ts.tensor<[2,3], f32>
}
