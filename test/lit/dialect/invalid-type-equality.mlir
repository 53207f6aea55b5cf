// Verifier checks that compare list, optional, tuple, union and future types by their
// element types.
// RUN: ts-opt %s --split-input-file --verify-diagnostics
// (Regression: these types once compared equal whatever their parameters.)

func.func @return_type(%l: !ts.list<!ts.int>) -> !ts.list<!ts.str> {
  // expected-error @+1 {{operand is used with type !ts.list<!ts.str>, but has been previously used or defined with type !ts.list<!ts.int>}}
  func.return %l : !ts.list<!ts.str>
}

// -----

func.func @list_extend(%l: !ts.list<!ts.int>, %m: !ts.list<!ts.str>) {
  // expected-error @+1 {{the other list has type !ts.list<!ts.str>, expected !ts.list<!ts.int>}}
  ts.list.extend %l, %m : (!ts.list<!ts.int>, !ts.list<!ts.str>) -> ()
  func.return
}

// -----

func.func @list_concat(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{the result has type !ts.list<!ts.int>, expected !ts.list<!ts.str>}}
  %c = ts.list.concat %l, %l : (!ts.list<!ts.int>, !ts.list<!ts.int>) -> !ts.list<!ts.str>
  func.return
}

// -----

func.func @nested_list_element(%l: !ts.list<!ts.str>) {
  // expected-error @+1 {{element #0 has type !ts.list<!ts.str>, expected !ts.list<!ts.int>}}
  %n = ts.list.construct %l : (!ts.list<!ts.str>) -> !ts.list<!ts.list<!ts.int>>
  func.return
}

// -----

func.func @dict_keys(%d: !ts.dict<!ts.str, !ts.int>) {
  // expected-error @+1 {{the result has type !ts.list<!ts.str>, expected !ts.list<!ts.int>}}
  %k = ts.dict.keys %d : (!ts.dict<!ts.str, !ts.int>) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @dict_items(%d: !ts.dict<!ts.str, !ts.int>) {
  // expected-error @+1 {{the result has type !ts.list<!ts.tuple<!ts.str, !ts.int>>, expected !ts.list<!ts.tuple<!ts.int, !ts.str>>}}
  %i = ts.dict.items %d : (!ts.dict<!ts.str, !ts.int>) -> !ts.list<!ts.tuple<!ts.int, !ts.str>>
  func.return
}

// -----

func.func @nested_tuple_element(%t: !ts.tuple<!ts.str>) {
  // expected-error @+1 {{element #0 has type !ts.tuple<!ts.str>, expected !ts.tuple<!ts.int>}}
  %n = ts.tuple.construct %t : (!ts.tuple<!ts.str>) -> !ts.tuple<!ts.tuple<!ts.int>>
  func.return
}

// -----

func.func @if_optional(%c: !ts.bool, %a: !ts.optional<!ts.int>, %b: !ts.optional<!ts.str>) {
  // expected-error @+1 {{the else branch yields !ts.optional<!ts.str> for result #0 of type !ts.optional<!ts.int>}}
  %r = ts.if %c -> (!ts.optional<!ts.int>) {
    ts.yield %a : !ts.optional<!ts.int>
  } else {
    ts.yield %b : !ts.optional<!ts.str>
  }
  func.return
}

// -----

func.func @loop_carried_list(%n: !ts.int, %c: !ts.bool, %l: !ts.list<!ts.int>, %m: !ts.list<!ts.str>) {
  // expected-error @+1 {{the loop body yields !ts.list<!ts.str> for result #0 of type !ts.list<!ts.int>}}
  %r = ts.loop %n, %c iter(%i, %x = %l) : (!ts.list<!ts.int>) {
    ts.condition %c, %m : !ts.list<!ts.str>
  }
  func.return
}

// -----

func.func @cast_lists(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{cannot cast !ts.list<!ts.int> to the unrelated type !ts.list<!ts.str>}}
  %s = ts.unchecked_cast %l : !ts.list<!ts.int> to !ts.list<!ts.str>
  func.return
}

// -----

func.func @cast_unions(%u: !ts.union<!ts.int, !ts.str>) {
  // expected-error @+1 {{cannot cast !ts.union<!ts.int, !ts.str> to the unrelated type !ts.union<!ts.float, !ts.bool>}}
  %s = ts.unchecked_cast %u : !ts.union<!ts.int, !ts.str> to !ts.union<!ts.float, !ts.bool>
  func.return
}

// -----

func.func @wait_future(%f: !ts.future<!ts.list<!ts.int>>) {
  // expected-error @+1 {{waiting on !ts.future<!ts.list<!ts.int>> gives !ts.list<!ts.int>, not !ts.list<!ts.str>}}
  %x = "ts.wait"(%f) : (!ts.future<!ts.list<!ts.int>>) -> !ts.list<!ts.str>
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "xs" : !ts.list<!ts.int>
}
func.func @get_attr_list(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{attribute 'xs' has type !ts.list<!ts.int>, not !ts.list<!ts.str>}}
  %x = ts.get_attr %self["xs"] : !ts.class<"__torch__.M"> -> !ts.list<!ts.str>
  func.return
}

// -----

func.func @g(%x: !ts.list<!ts.int>) {
  func.return
}
func.func @call_with_list(%x: !ts.list<!ts.str>) {
  // expected-error @+1 {{argument #0 has type !ts.list<!ts.str>, the function takes !ts.list<!ts.int>}}
  ts.call_function @g(%x) : (!ts.list<!ts.str>) -> ()
  func.return
}
