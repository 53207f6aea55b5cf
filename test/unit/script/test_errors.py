"""Compile and run-time errors of `script`, checked against TorchScript 2.13's observed output.

Each case asserts the exception class, the first line of the message (TorchScript's wording,
torchscript-behaviour.md §3.2), and the excerpt: `File "<this file>", line N` naming the real line,
that line's text, and a `~~~ <--- HERE` marker under the offending columns. The accepted marker
spans are TorchScript's own span and the span of the whole offending node.
"""
import inspect
import os
import re
from typing import List, Optional, Tuple

import pytest

import tsjit as torch
import tsjit.nn as nn

Tensor = torch.Tensor
FILE_LINE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')


def excerpts(message):
    """The (file, line, marked source line, marked text, column) of each excerpt, in order."""
    lines, found = message.splitlines(), []
    for i, text in enumerate(lines):
        head = FILE_LINE.match(text)
        if not head:
            continue
        j = next(k for k in range(i + 1, len(lines)) if lines[k].rstrip().endswith("<--- HERE"))
        marker = lines[j].split("<--- HERE")[0].rstrip()
        col = len(marker) - len(marker.lstrip())
        assert set(marker.strip()) == {"~"}, lines[j]
        found.append((head["file"], int(head["line"]), lines[j - 1], lines[j - 1][col:len(marker)], col))
    return found


def line_of(fn, snippet):
    """The 1-based line of this file holding `snippet` inside `fn`'s source."""
    source, start = inspect.getsourcelines(fn)
    hits = [start + i for i, text in enumerate(source) if snippet in text]
    assert len(hits) == 1, (snippet, hits)
    return hits[0]


def assert_points_at(excerpt, fn, snippet, spans):
    """`excerpt` names this file and the line of `snippet`, marking one of `spans` there."""
    path, line, text, marked, col = excerpt
    assert os.path.realpath(path) == os.path.realpath(__file__)
    assert line == line_of(fn, snippet)
    assert snippet in text
    assert marked in spans, f"marked {marked!r}, expected one of {spans}"
    assert col == text.find(marked), f"marker at column {col}, {marked!r} is at {text.find(marked)}"


def compile_error(target, error_class):
    with pytest.raises(error_class) as info:
        torch.jit.script(target)
    return str(info.value)


def check(target, error_class, first_line, fn, snippet, spans):
    """Script `target`; expect `error_class` whose message starts with `first_line`, located."""
    message = compile_error(target, error_class)
    assert message.strip().splitlines()[0].strip().startswith(first_line), message
    assert_points_at(excerpts(message)[0], fn, snippet, spans)
    return message


# --- the "Unsupported" table, row by row ------------------------------------------------------

def test_untyped_param_used_as_int():
    def f(x):
        for i in range(x):
            pass
        return x
    check(f, torch.jit.CompileError, "all inputs of range must be ints, found Tensor (inferred) in argument 0:",
          f, "for i in range(x):", ("range(x", "range(x)"))


def test_type_mismatch_across_branches():
    def f(x: Tensor, c: bool):
        if c:
            y = x
        else:
            y = 1
        return y
    check(f, RuntimeError,
          "Type mismatch: y is set to type Tensor in the true branch and type int in the false branch:",
          f, "if c:", ("if c:",))


def test_append_int_to_empty_tensor_list():
    def f():
        xs = []
        xs.append(1)
        return xs
    message = check(f, RuntimeError, "aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!):",
                    f, "xs.append(1)", ("xs.append", "xs.append(1)"))
    assert ("Could not match type int to t in argument 'el': Type variable 't' previously matched "
            "to type Tensor is matched to type int.") in message


def test_optional_used_unrefined():
    def f(x: Tensor, y: Optional[Tensor]):
        return x + y
    message = check(f, RuntimeError, "Arguments for call are not valid.", f, "return x + y", ("x + y",))
    assert "The following variants are available:" in message
    assert ("Expected a value of type 'Tensor' for argument 'other' but instead found type "
            "'Optional[Tensor]'.") in message
    assert "The original call is:" in message


VARARGS = "Compiled functions can't take variable number of arguments or use keyword-only arguments with defaults:"


def test_star_args():
    def f(*args):
        return args[0]
    check(f, torch.jit.NotSupportedError, VARARGS, f, "def f(*args):", ("*args", "args"))


def test_star_star_kwargs():
    def f(x, **kwargs):
        return x
    check(f, torch.jit.NotSupportedError, VARARGS, f, "def f(x, **kwargs):", ("**kwargs", "*kwargs", "kwargs"))


def test_keyword_only_with_default():
    def f(x, *, y: int = 1):
        return x
    check(f, torch.jit.NotSupportedError, VARARGS, f, "def f(x, *, y: int = 1):", ("1", "y: int = 1"))


def test_try_block():
    def f(x):
        try:
            return x
        except Exception:
            return x
    check(f, torch.jit.UnsupportedNodeError, "try blocks aren't supported:", f, "try:", ("try", "try:"))


def test_lambda():
    def f(x):
        g = lambda y: y  # noqa: E731
        return x
    check(f, torch.jit.UnsupportedNodeError, "Lambda aren't supported:",
          f, "g = lambda y: y", ("l", "lambda", "lambda y: y"))


SCRIPTED_LAMBDA = lambda x: x + 1  # noqa: E731


def test_scripting_a_lambda():
    message = compile_error(SCRIPTED_LAMBDA, torch.jit.UnsupportedNodeError)
    assert message.startswith("Lambda aren't supported (script a def instead):")
    [(path, line, text, marked, col)] = excerpts(message)
    assert "SCRIPTED_LAMBDA = lambda x: x + 1" in text and marked == "lambda x: x + 1"


def test_import_inside_function():
    def f(x):
        import math  # noqa: F401
        return x
    check(f, torch.jit.UnsupportedNodeError, "import statements aren't supported:",
          f, "import math", ("import", "import math"))


def test_set_literal():
    def f(x: int):
        s = {x, 1}  # noqa: F841
        return x
    check(f, torch.jit.UnsupportedNodeError, "Set aren't supported:", f, "s = {x, 1}", ("{", "{x, 1}"))


def test_yield():
    def f(x):
        yield x
    check(f, torch.jit.UnsupportedNodeError, "Yield aren't supported:", f, "yield x", ("y", "yield", "yield x"))


def test_global():
    def f(x):
        global SOME_GLOBAL
        return x
    check(f, torch.jit.UnsupportedNodeError, "global variables aren't supported:",
          f, "global SOME_GLOBAL", ("global", "global SOME_GLOBAL"))


def test_nested_def():
    def f(x):
        def inner(y):
            return y
        return x
    check(f, torch.jit.UnsupportedNodeError, "function definitions aren't supported:",
          f, "def inner(y):", ("def", "def inner(y):"))


def test_async_def():
    async def f(x):
        return x

    def g(x):
        async def inner(y):
            return y
        return x

    class M(nn.Module):
        async def helper(self, x):
            return x

        def forward(self, x):
            return self.helper(x)

    check(f, torch.jit.UnsupportedNodeError, "async function definitions aren't supported:",
          f, "async def f(x):", ("async def f(x):",))
    check(g, torch.jit.UnsupportedNodeError, "async function definitions aren't supported:",
          g, "async def inner(y):", ("async def", "async def inner(y):"))
    message = check(M(), torch.jit.UnsupportedNodeError, "async function definitions aren't supported:",
                    M.helper, "async def helper(self, x):", ("async def helper(self, x):",))
    assert "self.helper(x)" in message  # the call chain shows where it was reached from


def test_comprehension_with_if():
    def f(xs: List[int]):
        return [x for x in xs if x > 0]
    check(f, torch.jit.NotSupportedError, "Comprehension ifs are not supported yet:",
          f, "return [x for x", ("[x for x in xs if x > 0]", "if x > 0", "x > 0"))


def test_comprehension_with_two_generators():
    def f(xs: List[int]):
        return [x + y for x in xs for y in xs]
    check(f, torch.jit.NotSupportedError, "Only a single generator is currently supported:",
          f, "return [x + y", ("[x + y for x in xs for y in xs]", "for y in xs"))


def test_starred_unpacking():
    def f(xs: List[int]):
        a, *rest = xs
        return a
    check(f, RuntimeError, "cannot statically infer the expected size of a list in this context:",
          f, "a, *rest = xs", ("xs", "a, *rest", "a, *rest = xs"))


def test_tuple_indexed_by_variable():
    def f(t: Tuple[int, str], i: int):
        return t[i]
    check(f, RuntimeError, "Cannot index into a Tuple[int, str] with a non-integer literal because we "
          "cannot resolve the output type:", f, "return t[i]", ("t[i]",))


def test_different_return_types():
    def f(x: Tensor, c: bool):
        if c:
            return x
        return 1
    check(f, RuntimeError, "Previous return statement returned a value of type Tensor but this return "
          "statement returns a value of type int:", f, "return 1", ("return 1",))


def test_recursion():
    def f(x: int) -> int:
        return f(x - 1)
    check(f, RuntimeError, "function 'f' is called recursively. Recursive calls are not supported:",
          f, "return f(x - 1)", ("f", "f(x - 1)"))


def test_class_inheritance():
    class Base:
        def __init__(self):
            self.a = 1

    class Derived(Base):
        def __init__(self):
            self.a = 2

    message = compile_error(Derived, RuntimeError)
    assert message.strip().splitlines()[0].startswith(
        "TorchScript classes does not support inheritance yet. Please directly inherit from 'object'.")


def test_modulelist_indexed_by_variable():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.ReLU(), nn.ReLU()])

        def forward(self, x, i: int):
            return self.layers[i](x)
    check(M(), RuntimeError, "Expected integer literal for index but got a variable or non-integer. "
          "ModuleList/Sequential indexing is only supported with integer literals.",
          M.forward, "return self.layers[i](x)", ("self.layers[i]",))


def test_missing_module_attribute():
    class MissingAttr(nn.Module):
        def forward(self, x):
            return x + self.not_there
    check(MissingAttr(), RuntimeError, "Module 'MissingAttr' has no attribute 'not_there' :",
          MissingAttr.forward, "return x + self.not_there", ("self.not_there",))


class BadAttrType(nn.Module):
    def __init__(self):
        super().__init__()
        self.obj = object()

    def forward(self, x):
        return self.obj


def test_module_attribute_of_unconvertible_type():
    check(BadAttrType(), RuntimeError, "Module 'BadAttrType' has no attribute 'obj' (This attribute exists on the "
          "Python module, but we failed to convert Python type: 'object' to a TorchScript type.",
          BadAttrType.forward, "return self.obj", ("self.obj",))


def test_unconvertible_attribute_suggests_annotation():
    message = compile_error(BadAttrType(), RuntimeError)
    assert "Its type was inferred; try adding a type annotation for the attribute.)" in message
    assert message.count("failed to convert Python type") == 1


def test_unknown_builtin_open():
    def f(path: str):
        return open(path)
    check(f, RuntimeError, "Python builtin <built-in function open> is currently not supported in Torchscript:",
          f, "return open(path)", ("open", "open(path)"))


def test_unknown_tensor_method():
    def f(x: Tensor):
        return x.not_a_method()
    check(f, RuntimeError, "'Tensor' object has no attribute or method 'not_a_method'.:",
          f, "return x.not_a_method()", ("x.not_a_method", "x.not_a_method()"))


def test_unknown_method_on_unannotated_param_says_inferred():
    def f(x):
        return x.not_a_method()
    check(f, RuntimeError, "'Tensor (inferred)' object has no attribute or method 'not_a_method'.:",
          f, "return x.not_a_method()", ("x.not_a_method", "x.not_a_method()"))


def test_while_else():
    def f(x: int):
        while x > 0:
            x -= 1
        else:
            x = 5
        return x
    message = compile_error(f, torch.jit.FrontendError)
    first = message.splitlines()[0]
    assert "while" in first and "else" in first and "supported" in first, first
    assert_points_at(excerpts(message)[0], f, "while x > 0:", ("while", "while x > 0:"))


def test_sorted_reverse():
    def f(xs: List[int]):
        return sorted(xs, reverse=True)
    message = check(f, RuntimeError, "Arguments for call are not valid", f, "return sorted(xs, reverse=True)",
                    ("sorted", "sorted(xs, reverse=True)"))
    assert "Keyword argument reverse unknown." in message


def test_missing_source():
    namespace = {"__name__": "generated"}
    exec("def f(x):\n    return x\n", namespace)
    with pytest.raises(OSError, match=r"^Can't get source for <function f") as info:
        torch.jit.script(namespace["f"])
    assert "TorchScript requires source access in order to carry out compilation" in str(info.value)


# --- call chains -------------------------------------------------------------------------------

def opens(x: int):
    return open(x)


def calls_opens(x: int):
    return opens(x)


def test_error_in_called_module_level_function_shows_the_chain():
    message = check(calls_opens, RuntimeError, "Python builtin <built-in function open> is currently not supported",
                    opens, "return open(x)", ("open", "open(x)"))
    chain = [line for line in message.splitlines() if "is being compiled since" in line]
    assert chain == ["'opens' is being compiled since it was called from 'calls_opens'"]
    assert_points_at(excerpts(message)[1], calls_opens, "return opens(x)", ("opens", "opens(x", "opens(x)"))


def test_error_in_called_function_names_the_caller():
    def helper(x: int):
        return open(x)

    def caller(x: int):
        return helper(x)

    message = check(caller, RuntimeError, "Python builtin <built-in function open> is currently not supported",
                    helper, "return open(x)", ("open", "open(x)"))
    assert "'helper' is being compiled since it was called from 'caller'" in message
    assert_points_at(excerpts(message)[1], caller, "return helper(x)", ("helper", "helper(x", "helper(x)"))


def test_chain_through_two_functions_and_a_method():
    def inner(x: int):
        return open(x)

    def middle(x: int):
        return inner(x)

    class M(nn.Module):
        def forward(self, x: int):
            return middle(x)

    message = compile_error(M(), RuntimeError)
    chain = [line for line in message.splitlines() if "is being compiled since" in line]
    assert chain == ["'inner' is being compiled since it was called from 'middle'",
                     "'middle' is being compiled since it was called from 'M.forward'"]
    where = excerpts(message)
    assert_points_at(where[0], inner, "return open(x)", ("open", "open(x)"))
    assert_points_at(where[1], middle, "return inner(x)", ("inner", "inner(x", "inner(x)"))
    assert_points_at(where[2], M.forward, "return middle(x)", ("middle", "middle(x", "middle(x)"))


def test_error_in_called_method_names_the_calling_method():
    class M(nn.Module):
        def helper(self, x: Tensor):
            return x.not_a_method()

        def forward(self, x):
            return self.helper(x)

    message = compile_error(M(), RuntimeError)
    assert "'M.helper' is being compiled since it was called from 'M.forward'" in message
    where = excerpts(message)
    assert_points_at(where[0], M.helper, "return x.not_a_method()", ("x.not_a_method", "x.not_a_method()"))
    assert_points_at(where[1], M.forward, "return self.helper(x)", ("self.helper", "self.helper(x", "self.helper(x)"))


# --- run-time errors -----------------------------------------------------------------------------

def test_raise_surfaces_as_jit_error():
    @torch.jit.script
    def f(x: int):
        if x > 0:
            raise ValueError("bad")
        return x

    assert f(-1) == -1
    with pytest.raises(torch.jit.Error) as info:
        f(1)
    assert str(info.value).splitlines()[-1] == "builtins.ValueError: bad"


def test_assert_failure_surfaces_as_jit_error():
    @torch.jit.script
    def f(x: int):
        assert x < 0, "msg"
        return x

    assert f(-1) == -1
    with pytest.raises(torch.jit.Error) as info:
        f(1)
    assert str(info.value).splitlines()[-1].endswith("AssertionError: msg")
