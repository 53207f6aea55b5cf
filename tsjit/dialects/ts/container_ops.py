"""Lists, tuples and dicts: construction, indexing and mutation (prim::ListConstruct, aten::append, ...).

Lists and dicts are mutable, so ops that read them carry a read effect and ops that change
them a write effect (CSE must not merge two reads across an append). Tuples are immutable
and their ops Pure. Every op prints as `ts.list.get %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.int`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir import Attribute, Operation
from xdsl.irdl import IRDLOperation, irdl_op_definition, traits_def, var_operand_def, var_result_def
from xdsl.traits import MemoryAllocEffect, OpTrait, Pure
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.schema import READS, WRITES
from tsjit.dialects.ts.types import (
    BoolType,
    DictType,
    IntType,
    ListType,
    NoneType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    is_subtype,
)

Check = Callable[[Operation, list[Attribute], list[Attribute]], None]


def _fail(msg: str) -> None:
    raise VerifyException(msg)


def _expect(cond: bool, msg: str) -> None:
    if not cond:
        _fail(msg)


def _arity(n_in: int | None, n_out: int | None) -> Check:
    def check(op, ins, outs):
        _expect(n_in is None or len(ins) == n_in, f"expected {n_in} operands, got {len(ins)}")
        _expect(n_out is None or len(outs) == n_out, f"expected {n_out} results, got {len(outs)}")

    return check


def _container(ins: list[Attribute], cls: type, what: str) -> Attribute:
    _expect(bool(ins) and isinstance(ins[0], cls), f"operand #0 must be a {what}, got {ins[0] if ins else 'nothing'}")
    return ins[0]


def _is_int(t: Attribute, what: str) -> None:
    _expect(isinstance(t, IntType), f"{what} must be !ts.int, got {t}")


def _fits(t: Attribute, expected: Attribute, what: str) -> None:
    _expect(is_subtype(t, expected), f"{what} has type {t}, expected {expected}")


# -- the checks of each op: (op, operand types, result types) -> raise on error --------------------

def _list_construct(op, ins, outs):
    _arity(None, 1)(op, ins, outs)
    lst = outs[0]
    _expect(isinstance(lst, ListType), f"result must be a !ts.list, got {lst}")
    for i, t in enumerate(ins):
        _fits(t, lst.element_type, f"element #{i}")


def _list_unpack(op, ins, outs):
    lst = _container(ins, ListType, "list")
    for i, t in enumerate(outs):
        _fits(lst.element_type, t, f"result #{i}")


def _list_get(op, ins, outs):
    _arity(2, 1)(op, ins, outs)
    lst = _container(ins, ListType, "list")
    _is_int(ins[1], "the index")
    _fits(lst.element_type, outs[0], "the result")


def _list_set(op, ins, outs):
    _arity(3, 0)(op, ins, outs)
    lst = _container(ins, ListType, "list")
    _is_int(ins[1], "the index")
    _fits(ins[2], lst.element_type, "the new element")


def _list_append(op, ins, outs):
    _arity(2, 0)(op, ins, outs)
    _fits(ins[1], _container(ins, ListType, "list").element_type, "the appended element")


def _list_insert(op, ins, outs):
    _arity(3, 0)(op, ins, outs)
    _is_int(ins[1], "the index")
    _fits(ins[2], _container(ins, ListType, "list").element_type, "the inserted element")


def _list_pop(op, ins, outs):
    _arity(2, 1)(op, ins, outs)
    _is_int(ins[1], "the index")
    _fits(_container(ins, ListType, "list").element_type, outs[0], "the result")


def _same_lists(n_in: int, result: bool) -> Check:
    def check(op, ins, outs):
        _arity(n_in, 1 if result else 0)(op, ins, outs)
        lst = _container(ins, ListType, "list")
        for t in ins[1:] if n_in == 2 else []:
            _fits(t, lst, "the other list")
        if result:
            _fits(lst, outs[0], "the result")

    return check


def _list_search(result: bool) -> Check:
    """list.remove (no result) and list.index / list.count (an int): a list and an element."""
    def check(op, ins, outs):
        _arity(2, 1 if result else 0)(op, ins, outs)
        _fits(ins[1], _container(ins, ListType, "list").element_type, "the searched element")
        if result:
            _is_int(outs[0], "the result")

    return check


def _list_set_index(op, ins, outs):
    _arity(2, 0)(op, ins, outs)
    _container(ins, ListType, "list")
    _is_int(ins[1], "the index")


def _list_mul(op, ins, outs):
    _arity(2, 1)(op, ins, outs)
    _is_int(ins[1], "the count")
    _fits(_container(ins, ListType, "list"), outs[0], "the result")


def _dict_same(n_in: int, result: bool) -> Check:
    """dict.copy (-> the same type), dict.clear, dict.update (two dicts of one type)."""
    def check(op, ins, outs):
        _arity(n_in, 1 if result else 0)(op, ins, outs)
        d = _container(ins, DictType, "dict")
        for t in ins[1:]:
            _fits(t, d, "the other dict")
        if result:
            _fits(d, outs[0], "the result")

    return check


def _dict_popitem(op, ins, outs):
    _arity(1, 1)(op, ins, outs)
    d = _container(ins, DictType, "dict")
    _fits(TupleType([d.key_type, d.value_type]), outs[0], "the result")

def _list_slice(op, ins, outs):
    _arity(4, 1)(op, ins, outs)
    lst = _container(ins, ListType, "list")
    for t in ins[1:3]:
        _expect(isinstance(t, IntType | NoneType) or t == OptionalType(IntType()), f"slice bounds are int?, got {t}")
    _is_int(ins[3], "the step")
    _fits(lst, outs[0], "the result")


def _contains(op, ins, outs):
    _arity(2, 1)(op, ins, outs)
    _expect(isinstance(outs[0], BoolType), "result must be !ts.bool")
    c = ins[0]
    _expect(isinstance(c, ListType | DictType | StrType), f"operand #0 must be a list, dict or str, got {c}")
    key = c.element_type if isinstance(c, ListType) else c.key_type if isinstance(c, DictType) else c
    _fits(ins[1], key, "the searched value")


def _len(op, ins, outs):
    _arity(1, 1)(op, ins, outs)
    _expect(isinstance(ins[0], ListType | DictType | StrType | TensorType),
            f"len() takes a list, dict, str or tensor, got {ins[0]}")
    _is_int(outs[0], "the result")


def _tuple_construct(op, ins, outs):
    _arity(None, 1)(op, ins, outs)
    _expect(isinstance(outs[0], TupleType), f"result must be a !ts.tuple, got {outs[0]}")
    _expect(len(outs[0].types.data) == len(ins), "tuple arity differs from the number of elements")
    for i, (t, e) in enumerate(zip(ins, outs[0].types.data)):
        _fits(t, e, f"element #{i}")


def _tuple_unpack(op, ins, outs):
    tup = _container(ins, TupleType, "tuple")
    _expect(len(tup.types.data) == len(outs), f"unpacking {len(tup.types.data)} elements into {len(outs)} results")
    for i, (e, t) in enumerate(zip(tup.types.data, outs)):
        _fits(e, t, f"result #{i}")


def _tuple_index(op, ins, outs):
    _arity(2, 1)(op, ins, outs)
    tup = _container(ins, TupleType, "tuple")
    _is_int(ins[1], "the index")
    from tsjit.dialects.ts.folding import NotConstant, constant_of

    try:
        index = constant_of(op.operands[1])
    except NotConstant:
        return
    _expect(-len(tup.types.data) <= index < len(tup.types.data), f"tuple index {index} out of range")
    _fits(tup.types.data[index], outs[0], "the result")


def _dict_construct(op, ins, outs):
    _arity(None, 1)(op, ins, outs)
    d = outs[0]
    _expect(isinstance(d, DictType), f"result must be a !ts.dict, got {d}")
    _expect(len(ins) % 2 == 0, "operands are key, value pairs")
    for i in range(0, len(ins), 2):
        _fits(ins[i], d.key_type, f"key #{i // 2}")
        _fits(ins[i + 1], d.value_type, f"value #{i // 2}")


def _dict_access(n_extra: int, result: str | None) -> Check:
    """dict ops taking a key (+ n_extra values); result: 'value', 'optional' or None."""

    def check(op, ins, outs):
        _arity(2 + n_extra, 0 if result is None else 1)(op, ins, outs)
        d = _container(ins, DictType, "dict")
        _fits(ins[1], d.key_type, "the key")
        for t in ins[2:]:
            _fits(t, d.value_type, "the value")
        if result is not None:
            _fits(d.value_type, outs[0], "the result")

    return check


def _dict_view(make: Callable[[DictType], Attribute]) -> Check:
    def check(op, ins, outs):
        _arity(1, 1)(op, ins, outs)
        _fits(make(_container(ins, DictType, "dict")), outs[0], "the result")

    return check


def _container_op(name: str, check: Check, effects: Sequence[OpTrait], doc: str) -> type[IRDLOperation]:
    def verify_(self: Operation) -> None:
        check(self, [v.type for v in self.operands], [r.type for r in self.results])

    cls = type(
        "".join(p.capitalize() for p in name.split(".")) + "Op",
        (IRDLOperation,),
        {
            "name": f"ts.{name}",
            "__doc__": doc,
            "args": var_operand_def(),
            "res": var_result_def(),
            "traits": traits_def(*effects),
            "assembly_format": "operands attr-dict `:` functional-type(operands, results)",
            "verify_": verify_,
        },
    )
    return irdl_op_definition(cls)


ALLOC = (MemoryAllocEffect(),)
PURE = (Pure(),)

#: name -> (check, effects, what it is in TorchScript)
CONTAINER_OPS: dict[str, tuple[Check, Sequence[OpTrait], str]] = {
    "list.construct": (_list_construct, ALLOC, "prim::ListConstruct: a new list of the operands"),
    "list.unpack": (_list_unpack, READS, "prim::ListUnpack: a list of known length into values"),
    "list.get": (_list_get, READS, "aten::__getitem__.t (negative indices count from the end)"),
    "list.set": (_list_set, WRITES, "aten::_set_item.t"),
    "list.append": (_list_append, WRITES, "aten::append.t"),
    "list.insert": (_list_insert, WRITES, "aten::insert.t"),
    "list.pop": (_list_pop, WRITES, "aten::pop.t"),
    "list.extend": (_same_lists(2, False), WRITES, "aten::extend.t"),
    "list.clear": (_same_lists(1, False), WRITES, "aten::clear.t"),
    "list.sort": (_same_lists(1, False), WRITES, "aten::sort (in place)"),
    "list.reverse": (_same_lists(1, False), WRITES, "aten::reverse.t (in place)"),
    "list.copy": (_same_lists(1, True), READS, "aten::list.t: a shallow copy"),
    "list.concat": (_same_lists(2, True), READS, "aten::add.t: a new list"),
    "list.slice": (_list_slice, READS, "aten::slice.t: a new list"),
    "list.delete": (_list_set_index, WRITES, "aten::Delete.t: del l[i] (negative indices count from the end)"),
    "list.remove": (_list_search(False), WRITES, "aten::remove.t: the first element equal to the operand"),
    "list.index": (_list_search(True), READS, "aten::index.list_t: the position of the first equal element"),
    "list.count": (_list_search(True), READS, "aten::count.t: how many elements are equal to the operand"),
    "list.mul": (_list_mul, READS, "aten::mul.left_t: a new list, the operand repeated n times"),
    "contains": (_contains, READS, "aten::__contains__ on a list, dict or str"),
    "len": (_len, READS, "aten::len of a list, dict, str or tensor"),
    "tuple.construct": (_tuple_construct, PURE, "prim::TupleConstruct"),
    "tuple.unpack": (_tuple_unpack, PURE, "prim::TupleUnpack"),
    "tuple.index": (_tuple_index, PURE, "prim::TupleIndex (a constant index fixes the result type)"),
    "dict.construct": (_dict_construct, ALLOC, "prim::DictConstruct from key, value pairs"),
    "dict.get": (_dict_access(0, "value"), READS, "aten::__getitem__.Dict (raises if missing)"),
    "dict.get_default": (_dict_access(1, "value"), READS, "aten::get.default_*: d.get(k, default)"),
    "dict.set": (_dict_access(1, None), WRITES, "aten::_set_item.Dict"),
    "dict.pop": (_dict_access(0, "value"), WRITES, "aten::pop.Dict"),
    "dict.delete": (_dict_access(0, None), WRITES, "aten::Delete.Dict"),
    "dict.pop_default": (_dict_access(1, "value"), WRITES, "aten::pop.Dict_default: d.pop(k, default)"),
    "dict.setdefault": (_dict_access(1, "value"), WRITES, "aten::setdefault"),
    "dict.popitem": (_dict_popitem, WRITES, "aten::popitem: removes and returns the first (key, value)"),
    "dict.copy": (_dict_same(1, True), READS, "aten::copy.Dict / aten::dict: a shallow copy"),
    "dict.clear": (_dict_same(1, False), WRITES, "aten::clear.Dict"),
    "dict.update": (_dict_same(2, False), WRITES, "aten::update: d[k] = v for each item of the operand"),
    "dict.keys": (_dict_view(lambda d: ListType(d.key_type)), READS, "aten::keys"),
    "dict.values": (_dict_view(lambda d: ListType(d.value_type)), READS, "aten::values"),
    "dict.items": (_dict_view(lambda d: ListType(TupleType([d.key_type, d.value_type]))), READS, "aten::items"),
}

CONTAINER_OP_CLASSES: dict[str, type[IRDLOperation]] = {
    name: _container_op(name, check, effects, doc) for name, (check, effects, doc) in CONTAINER_OPS.items()
}
globals().update({cls.__name__: cls for cls in CONTAINER_OP_CLASSES.values()})
