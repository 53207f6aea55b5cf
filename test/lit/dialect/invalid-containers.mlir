// Container op verifiers: lists, tuples, dicts, contains and len.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

// --- lists ---------------------------------------------------------------------------------

func.func @list_construct_element(%i: !ts.int, %s: !ts.str) {
  // expected-error @+1 {{element #1 has type !ts.str, expected !ts.int}}
  %l = ts.list.construct %i, %s : (!ts.int, !ts.str) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @list_construct_result(%i: !ts.int) {
  // expected-error @+1 {{result must be a !ts.list, got !ts.tuple<!ts.int>}}
  %l = ts.list.construct %i : (!ts.int) -> !ts.tuple<!ts.int>
  func.return
}

// -----

func.func @list_unpack_result(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{result #1 has type !ts.int, expected !ts.str}}
  %a, %b = ts.list.unpack %l : (!ts.list<!ts.int>) -> (!ts.int, !ts.str)
  func.return
}

// -----

func.func @list_unpack_no_list() {
  // expected-error @+1 {{operand #0 must be a list, got nothing}}
  %a = ts.list.unpack : () -> !ts.int
  func.return
}

// -----

func.func @list_get_index(%l: !ts.list<!ts.int>, %s: !ts.str) {
  // expected-error @+1 {{the index must be !ts.int, got !ts.str}}
  %e = ts.list.get %l, %s : (!ts.list<!ts.int>, !ts.str) -> !ts.int
  func.return
}

// -----

func.func @list_get_result(%l: !ts.list<!ts.optional<!ts.int>>, %i: !ts.int) {
  // expected-error @+1 {{the result has type !ts.optional<!ts.int>, expected !ts.int}}
  %e = ts.list.get %l, %i : (!ts.list<!ts.optional<!ts.int>>, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @list_get_arity(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{expected 2 operands, got 1}}
  %e = ts.list.get %l : (!ts.list<!ts.int>) -> !ts.int
  func.return
}

// -----

func.func @list_set_element(%l: !ts.list<!ts.int>, %i: !ts.int, %f: !ts.float) {
  // expected-error @+1 {{the new element has type !ts.float, expected !ts.int}}
  ts.list.set %l, %i, %f : (!ts.list<!ts.int>, !ts.int, !ts.float) -> ()
  func.return
}

// -----

func.func @list_append_element(%l: !ts.list<!ts.int>, %f: !ts.float) {
  // expected-error @+1 {{the appended element has type !ts.float, expected !ts.int}}
  ts.list.append %l, %f : (!ts.list<!ts.int>, !ts.float) -> ()
  func.return
}

// -----

func.func @list_append_result(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{expected 0 results, got 1}}
  %r = ts.list.append %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @list_insert_element(%l: !ts.list<!ts.int>, %i: !ts.int, %f: !ts.float) {
  // expected-error @+1 {{the inserted element has type !ts.float, expected !ts.int}}
  ts.list.insert %l, %i, %f : (!ts.list<!ts.int>, !ts.int, !ts.float) -> ()
  func.return
}

// -----

func.func @list_pop_result(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{the result has type !ts.int, expected !ts.str}}
  %p = ts.list.pop %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.str
  func.return
}

// -----

func.func @list_clear_tuple(%t: !ts.tuple<!ts.int>) {
  // expected-error @+1 {{operand #0 must be a list, got !ts.tuple<!ts.int>}}
  ts.list.clear %t : (!ts.tuple<!ts.int>) -> ()
  func.return
}

// -----

func.func @list_sort_result(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{expected 0 results, got 1}}
  %c = ts.list.sort %l : (!ts.list<!ts.int>) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @list_reverse_arity(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{expected 1 operands, got 2}}
  ts.list.reverse %l, %l : (!ts.list<!ts.int>, !ts.list<!ts.int>) -> ()
  func.return
}

// -----

func.func @list_copy_no_result(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{expected 1 results, got 0}}
  ts.list.copy %l : (!ts.list<!ts.int>) -> ()
  func.return
}

// -----

func.func @list_concat_str(%l: !ts.list<!ts.int>, %s: !ts.str) {
  // expected-error @+1 {{operand #0 must be a list, got !ts.str}}
  %c = ts.list.concat %s, %l : (!ts.str, !ts.list<!ts.int>) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @list_slice_bounds(%l: !ts.list<!ts.int>, %f: !ts.float, %i: !ts.int) {
  // expected-error @+1 {{slice bounds are int?, got !ts.float}}
  %s = ts.list.slice %l, %f, %i, %i : (!ts.list<!ts.int>, !ts.float, !ts.int, !ts.int) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @list_slice_step(%l: !ts.list<!ts.int>, %none: !ts.none) {
  // expected-error @+1 {{the step must be !ts.int, got !ts.none}}
  %s = ts.list.slice %l, %none, %none, %none : (!ts.list<!ts.int>, !ts.none, !ts.none, !ts.none) -> !ts.list<!ts.int>
  func.return
}

// --- contains and len ----------------------------------------------------------------------

// -----

func.func @contains_value(%l: !ts.list<!ts.int>, %s: !ts.str) {
  // expected-error @+1 {{the searched value has type !ts.str, expected !ts.int}}
  %b = ts.contains %l, %s : (!ts.list<!ts.int>, !ts.str) -> !ts.bool
  func.return
}

// -----

func.func @contains_dict_key(%d: !ts.dict<!ts.str, !ts.int>, %i: !ts.int) {
  // expected-error @+1 {{the searched value has type !ts.int, expected !ts.str}}
  %b = ts.contains %d, %i : (!ts.dict<!ts.str, !ts.int>, !ts.int) -> !ts.bool
  func.return
}

// -----

func.func @contains_container(%i: !ts.int) {
  // expected-error @+1 {{operand #0 must be a list, dict or str, got !ts.int}}
  %b = ts.contains %i, %i : (!ts.int, !ts.int) -> !ts.bool
  func.return
}

// -----

func.func @contains_result(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{result must be !ts.bool}}
  %b = ts.contains %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @len_of_int(%i: !ts.int) {
  // expected-error @+1 {{len() takes a list, dict, str or tensor, got !ts.int}}
  %n = ts.len %i : (!ts.int) -> !ts.int
  func.return
}

// -----

func.func @len_result(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{the result must be !ts.int, got !ts.float}}
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.float
  func.return
}

// --- tuples --------------------------------------------------------------------------------

// -----

func.func @tuple_construct_arity(%i: !ts.int) {
  // expected-error @+1 {{tuple arity differs from the number of elements}}
  %t = ts.tuple.construct %i, %i : (!ts.int, !ts.int) -> !ts.tuple<!ts.int>
  func.return
}

// -----

func.func @tuple_construct_element(%i: !ts.int) {
  // expected-error @+1 {{element #0 has type !ts.int, expected !ts.str}}
  %t = ts.tuple.construct %i : (!ts.int) -> !ts.tuple<!ts.str>
  func.return
}

// -----

func.func @tuple_construct_result(%i: !ts.int) {
  // expected-error @+1 {{result must be a !ts.tuple, got !ts.list<!ts.int>}}
  %t = ts.tuple.construct %i : (!ts.int) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @tuple_unpack_count(%t: !ts.tuple<!ts.int, !ts.str>) {
  // expected-error @+1 {{unpacking 2 elements into 1 results}}
  %a = ts.tuple.unpack %t : (!ts.tuple<!ts.int, !ts.str>) -> !ts.int
  func.return
}

// -----

func.func @tuple_unpack_type(%t: !ts.tuple<!ts.int, !ts.str>) {
  // expected-error @+1 {{result #0 has type !ts.int, expected !ts.str}}
  %a, %b = ts.tuple.unpack %t : (!ts.tuple<!ts.int, !ts.str>) -> (!ts.str, !ts.str)
  func.return
}

// -----

func.func @tuple_index_range(%t: !ts.tuple<!ts.int, !ts.str>) {
  %i = ts.constant 2
  // expected-error @+1 {{tuple index 2 out of range}}
  %x = ts.tuple.index %t, %i : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
  func.return
}

// -----

func.func @tuple_index_negative_range(%t: !ts.tuple<!ts.int, !ts.str>) {
  %i = ts.constant -3
  // expected-error @+1 {{tuple index -3 out of range}}
  %x = ts.tuple.index %t, %i : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
  func.return
}

// -----

func.func @tuple_index_type(%t: !ts.tuple<!ts.int, !ts.str>) {
  %i = ts.constant 0
  // expected-error @+1 {{the result has type !ts.int, expected !ts.str}}
  %x = ts.tuple.index %t, %i : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
  func.return
}

// -----

func.func @tuple_index_of_list(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{operand #0 must be a tuple, got !ts.list<!ts.int>}}
  %x = ts.tuple.index %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.int
  func.return
}

// --- dicts ---------------------------------------------------------------------------------

// -----

func.func @dict_construct_pairs(%k: !ts.str, %v: !ts.int) {
  // expected-error @+1 {{operands are key, value pairs}}
  %d = ts.dict.construct %k, %v, %k : (!ts.str, !ts.int, !ts.str) -> !ts.dict<!ts.str, !ts.int>
  func.return
}

// -----

func.func @dict_construct_key(%v: !ts.int) {
  // expected-error @+1 {{key #0 has type !ts.int, expected !ts.str}}
  %d = ts.dict.construct %v, %v : (!ts.int, !ts.int) -> !ts.dict<!ts.str, !ts.int>
  func.return
}

// -----

func.func @dict_construct_value(%k: !ts.str, %v: !ts.int) {
  // expected-error @+1 {{value #1 has type !ts.str, expected !ts.int}}
  %d = ts.dict.construct %k, %v, %k, %k : (!ts.str, !ts.int, !ts.str, !ts.str) -> !ts.dict<!ts.str, !ts.int>
  func.return
}

// -----

func.func @dict_construct_result(%k: !ts.str, %v: !ts.int) {
  // expected-error @+1 {{result must be a !ts.dict, got !ts.list<!ts.int>}}
  %d = ts.dict.construct %k, %v : (!ts.str, !ts.int) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @dict_get_key(%d: !ts.dict<!ts.str, !ts.int>, %i: !ts.int) {
  // expected-error @+1 {{the key has type !ts.int, expected !ts.str}}
  %v = ts.dict.get %d, %i : (!ts.dict<!ts.str, !ts.int>, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @dict_get_result(%d: !ts.dict<!ts.str, !ts.int>, %k: !ts.str) {
  // expected-error @+1 {{the result has type !ts.int, expected !ts.str}}
  %v = ts.dict.get %d, %k : (!ts.dict<!ts.str, !ts.int>, !ts.str) -> !ts.str
  func.return
}

// -----

func.func @dict_get_default_value(%d: !ts.dict<!ts.str, !ts.int>, %k: !ts.str) {
  // expected-error @+1 {{the value has type !ts.str, expected !ts.int}}
  %v = ts.dict.get_default %d, %k, %k : (!ts.dict<!ts.str, !ts.int>, !ts.str, !ts.str) -> !ts.int
  func.return
}

// -----

func.func @dict_set_value(%d: !ts.dict<!ts.str, !ts.int>, %k: !ts.str) {
  // expected-error @+1 {{the value has type !ts.str, expected !ts.int}}
  ts.dict.set %d, %k, %k : (!ts.dict<!ts.str, !ts.int>, !ts.str, !ts.str) -> ()
  func.return
}

// -----

func.func @dict_set_on_list(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{operand #0 must be a dict, got !ts.list<!ts.int>}}
  ts.dict.set %l, %i, %i : (!ts.list<!ts.int>, !ts.int, !ts.int) -> ()
  func.return
}

// -----

func.func @dict_pop_result(%d: !ts.dict<!ts.str, !ts.int>, %k: !ts.str) {
  // expected-error @+1 {{the result has type !ts.int, expected !ts.str}}
  %v = ts.dict.pop %d, %k : (!ts.dict<!ts.str, !ts.int>, !ts.str) -> !ts.str
  func.return
}

// -----

func.func @dict_delete_result(%d: !ts.dict<!ts.str, !ts.int>, %k: !ts.str) {
  // expected-error @+1 {{expected 0 results, got 1}}
  %v = ts.dict.delete %d, %k : (!ts.dict<!ts.str, !ts.int>, !ts.str) -> !ts.int
  func.return
}

// -----

func.func @dict_keys_not_list(%d: !ts.dict<!ts.str, !ts.int>) {
  // expected-error @+1 {{the result has type !ts.list<!ts.str>, expected !ts.str}}
  %v = ts.dict.keys %d : (!ts.dict<!ts.str, !ts.int>) -> !ts.str
  func.return
}

// -----

func.func @dict_values_of_list(%l: !ts.list<!ts.int>) {
  // expected-error @+1 {{operand #0 must be a dict, got !ts.list<!ts.int>}}
  %v = ts.dict.values %l : (!ts.list<!ts.int>) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @dict_items_arity() {
  // expected-error @+1 {{expected 1 operands, got 0}}
  %v = ts.dict.items : () -> !ts.list<!ts.int>
  func.return
}
