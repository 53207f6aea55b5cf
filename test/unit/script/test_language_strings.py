"""str slicing, methods and formatting in script, against torch.

TorchScript's strings are byte strings handled with C's <ctype.h>, so several methods differ from
Python's (zfill ignores signs, center pads odd widths the other way, isidentifier rejects '_',
splitlines cuts "\\r\\n" in two, format only fills `{}`): those cases give TorchScript's answer;
the others are compared with plain Python when torch is not installed (see
test_language_containers.py for the harness).
"""
from __future__ import annotations

import pytest
from language_cases import load, real_torch
from test_language_containers import outcome

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SOURCE = '''
import torch
from typing import List


def slices(s: str, a: int, b: int):
    return s[1:3], s[::-1], s[:-1], s[2:], s[::2], s[-3:-1], s[5:1], s[1:100], s[a:b], s[a:], s[:b:2]


def slice_step0(s: str):
    return s[::0]


def cases(s: str):
    return s.title(), s.capitalize(), s.swapcase(), s.lower(), s.upper()


def strips(s: str):
    return s.lstrip(), s.rstrip(), s.strip("xy"), s.lstrip("x"), s.rstrip("xy"), s.strip()


def strip_none(s: str):
    return s.strip(None)


def finds(s: str):
    return (s.find("a"), s.rfind("a"), s.find("a", 2), s.rfind("a", 0, 3), s.find("zz"), s.rfind("zz"),
            s.rindex("a"), s.index("n"), s.count("a"), s.count("a", 1), s.count("a", 1, 4),
            s.startswith("an", 1), s.endswith("an", 0, 5), "ab" in s, "an" not in s)


def find_to_minus_one(s: str):
    return s.find("a", 0, -1)


def rindex_missing(s: str):
    return s.rindex("zz")


def tests(s: str):
    return (s.isdigit(), s.isalpha(), s.isspace(), s.isalnum(), s.islower(), s.isupper(), s.istitle(),
            s.isdecimal(), s.isnumeric(), s.isprintable())


def identifier(s: str):
    return s.isidentifier()


def padding(s: str):
    return s.zfill(8), s.center(10), s.center(11, "*"), s.ljust(8), s.rjust(8, "-"), s.center(1), s.ljust(7, ".")


def bad_fill(s: str):
    return s.center(10, "ab")


def cutting(s: str):
    return s.partition(","), s.rpartition(","), s.partition("zz"), s.rpartition("zz"), s.split(",", 1), s.rsplit(","), \\
        s.rsplit(",", 1), s.replace(",", ";", 1)


def lines(s: str):
    return s.splitlines(), s.splitlines(True)


def tabs(s: str):
    return s.expandtabs(), s.expandtabs(4)


def formats(x: float, n: int, s: str):
    return "{:.2f}".format(x), "{:>5}|{}".format(n, s), "{}".format(s), "{} and {}".format(n, s), "{0}".format(s)


def format_variable(fmt: str, s: str):
    return fmt.format(s)


def fstring_spec(x: float):
    return f"{x:.2f}"


def joins(xs: List[str]):
    return ",".join(xs), "".join(xs), "-".join(["a"])


def repeat(s: str):
    return s * 2


def casefold(s: str):
    return s.casefold()


def bytes_not_characters(s: str):
    return len(s), s.upper(), s.isalpha(), s.title()
'''

INVALID = ("compile error", "Arguments for call are not valid.")
CASES = [
    ("slices", ("hello world", 1, -1), None),
    ("slice_step0", ("abc",), ("run error", "List slice should have non-zero step")),
    ("cases", ("hello wORLD 3x_y",), None),
    ("strips", ("  xyhixy  ",), None),
    ("strips", ("xyhixy\r",), ("xyhixy\r", "xyhixy\r", "hixy\r", "yhixy\r", "xyhixy\r", "xyhixy\r")),  # \r is no space
    ("strip_none", (" a ",), ("compile error", 'aten::strip(str self, str chars=" \\n\\t\\f\\v") -> str')),
    ("finds", ("banana",), None),
    ("find_to_minus_one", ("xya",), 2),  # end=-1 is the end of the string
    ("rindex_missing", ("a",), ("run error", "ValueError: substring not found")),
    *(("tests", (s,), None) for s in ("123", "abc", " \t", "Ab1", "Hello World", "ABC", "", "1x")),
    ("identifier", ("a1",), True),
    ("identifier", ("a_1",), False),  # TorchScript's Python 2 rule
    ("padding", ("abc",), None),
    ("padding", ("-42",), ("00000-42", "   -42    ", "****-42****", "-42     ", "------42", "-42", "-42....")),
    ("padding", ("ab",), ("000000ab", "    ab    ", "*****ab****", "ab      ", "------ab", "ab", "ab.....")),
    ("bad_fill", ("a",), ("run error", "TypeError: The fill character must be exactly one character long")),
    ("cutting", ("a,b,c",), None),
    ("cutting", ("abc",), None),
    ("lines", ("a\nb\nc\n",), (["a", "b", "c"], ["a", "\n", "b", "\n", "c", "\n"])),  # ends are pieces
    ("lines", ("a\r\nb",), (["a", "", "b"], ["a", "\r", "", "\n", "b"])),
    ("tabs", ("a\tbc\td",), None),
    ("formats", (3.14159, 42, "hi"), ("{:.2f}", "{:>5}|42", "hi", "42 and hi", "{0}")),  # only {} is filled
    ("format_variable", ("<{}> {:x}", "s"), "<s> {:x}"),
    ("fstring_spec", (2.5,), ("compile error", "Don't support formatting in JoinedStr")),
    ("joins", (["a", "b"],), None),
    ("repeat", ("ab",), INVALID),
    ("casefold", ("A",), ("compile error", "'str' object has no attribute or method 'casefold'.")),
    ("bytes_not_characters", ("é!",), (3, "é!", False, "é!")),
]


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    path = tmp_path_factory.mktemp("strings")
    ours = load(path, SOURCE, "lang_strings", real=False)
    theirs = load(path, SOURCE, "lang_strings", real=True) if real_torch() is not None else None
    return ours, theirs


@pytest.mark.parametrize("fn, args, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_like_torchscript(mods, fn, args, expected):
    ours, theirs = mods
    got = outcome(ours, fn, args)
    if theirs is not None:
        assert got == outcome(theirs, fn, args)
    if expected is None:
        expected = getattr(ours, fn)(*args)
    elif isinstance(expected, tuple) and expected[0] in ("compile error", "run error"):
        assert got[0] == expected[0] and got[1].startswith(expected[1]), got
        return
    assert got == expected


def test_code_prints_the_methods(mods):
    code = mods[0].torch.jit.script(mods[0].slices).code
    assert "torch.slice(s, 1, 3), torch.slice(s, None, None, -1), torch.slice(s, None, -1)" in code
    code = mods[0].torch.jit.script(mods[0].strips).code
    assert 'torch.strip(s, "xy")' in code and "torch.strip(s)" in code and "torch.lstrip(s, " in code
