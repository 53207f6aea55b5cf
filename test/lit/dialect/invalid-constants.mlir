// ts.constant: the value must have the result type (a tensor value may be typed less precisely).
// RUN: ts-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{constant value 3 : i64 does not have type !ts.float}}
%c = ts.constant 3 as !ts.float

// -----

// int is not typed as number: constants carry their exact type.
// expected-error @+1 {{does not have type !ts.number}}
%c = ts.constant 3 as !ts.number

// -----

// expected-error @+1 {{does not have type !ts.int}}
%c = ts.constant 2.5 as !ts.int

// -----

// expected-error @+1 {{constant value "x" does not have type !ts.none}}
%c = ts.constant "x" as !ts.none

// -----

// expected-error @+1 {{does not have type !ts.str}}
%c = ts.constant device "cpu" as !ts.str

// -----

// expected-error @+1 {{constant value [1 : i64, "a"] does not have type !ts.list<!ts.int>}}
%c = ts.constant [1, "a"] : !ts.list<!ts.int>

// -----

// expected-error @+1 {{does not have type !ts.list<!ts.float>}}
%c = ts.constant [1, 2] : !ts.list<!ts.float>

// -----

// expected-error @+1 {{does not have type !ts.list<!ts.list<!ts.int>>}}
%c = ts.constant [[1], [2.0]] : !ts.list<!ts.list<!ts.int>>

// -----

// A list literal is a list, never a tuple.
// expected-error @+1 {{does not have type !ts.tuple<!ts.int, !ts.int>}}
%c = ts.constant [1, 2] : !ts.tuple<!ts.int, !ts.int>

// -----

// expected-error @+1 {{does not have type !ts.tensor<[3], f32>}}
%c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<[3], f32>

// -----

// expected-error @+1 {{does not have type !ts.tensor<[2], f64>}}
%c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<[2], f64>

// -----

// expected-error @+1 {{does not have type !ts.tensor<[2,1]>}}
%c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor<[2,1]>

// -----

// expected-error @+1 {{does not have type !ts.list<!ts.float>}}
%c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.list<!ts.float>

// -----

// expected-error @+1 {{does not have type !ts.list<!ts.tensor<[3], f32>>}}
%c = ts.constant [dense<1.0> : tensor<2xf32>] : !ts.list<!ts.tensor<[3], f32>>

// -----

// The generic form is verified the same way.
// expected-error @+1 {{constant value "s" does not have type !ts.int}}
%c = "ts.constant"() <{value = "s"}> : () -> !ts.int

// -----

// expected-error @+1 {{constant value 3 : i64 does not have type !ts.float}}
%c = "ts.constant"() <{value = 3 : i64}> : () -> !ts.float

// -----

// expected-error @+1 {{expected a constant: int, float, bool, string, none, device, list or dense tensor}}
%c = ts.constant @sym {note}

// -----

// A list needs its type.
// expected-error @+1 {{Expected ':'}}
%c = ts.constant [1, 2] {note}
