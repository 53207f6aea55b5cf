"""`str` methods as TorchScript runs them (register_string_ops.cpp): `ts.str.title`, `ts.str.center`, ...

TorchScript strings are C++ byte strings: every method works on the UTF-8 bytes with the C
locale's <ctype.h> (only ASCII letters have a case, only ASCII digits are digits), `len` counts
bytes and slicing can cut a character in two. The functions here do the same on the bytes of a
Python str (a cut character is kept with the "surrogateescape" error handler), so they differ
from Python's methods where TorchScript's do: `"-42".zfill(5)` is `'00-42'`, `"a_b".isidentifier()`
is False, `find(s, sub, 0, -1)` searches the whole string, `"é".upper()` is `'é'`.
All are Pure and fold when their operands are constants (those returning tuples do not fold).
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.irdl import IRDLOperation

from tsjit.dialects.ts.schema import schema_op

_SPACES = b" \n\t\f\v"  # aten::strip's default chars (no \r)
#: the bytes splitlines (and split()) cut at: "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029" byte by byte
_LINE_BREAKS = frozenset(b"\n\r\v\f\x1c\x1d\x1e\x85" + "\u2028\u2029".encode())
_WHITESPACE = _LINE_BREAKS | frozenset(b" \t")
_PUNCT = frozenset(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def to_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def from_bytes(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _on_bytes(fn: Callable[..., bytes]) -> Callable[..., str]:
    """A str -> str method computed on the bytes."""
    return lambda s, *args: from_bytes(fn(to_bytes(s), *args))


def _range(n: int, start: int, end: int) -> tuple[int, int]:
    """TorchScript's start/end of find, count, startswith...: end=-1 (the default) is the end."""
    if start < 0:
        start = max(0, n + start)
    if end < 0:
        end = max(0, n + end + 1)
    return start, end


def _find(s: str, sub: str, start: int, end: int, reverse: bool = False) -> int:
    b, p = to_bytes(s), to_bytes(sub)
    start, end = _range(len(b), start, end)
    part = b[start:end] if end > start else b""
    if len(part) < len(p):
        return -1
    pos = part.rfind(p) if reverse else part.find(p)
    return -1 if pos < 0 else pos + start


def _index(s: str, sub: str, start: int, end: int, reverse: bool = False) -> int:
    pos = _find(s, sub, start, end, reverse)
    if pos < 0:
        raise ValueError("ValueError: substring not found")
    return pos


def _count(s: str, sub: str, start: int, end: int) -> int:
    b, p = to_bytes(s), to_bytes(sub)
    if start > len(b):
        return 0
    start, end = _range(len(b), start, end)
    if not p:  # TorchScript loops forever here; count the positions as Python does
        return b.count(p, start, end)
    n, pos = 0, b.find(p, start)
    while 0 <= pos < end:
        n += 1
        pos = b.find(p, pos + len(p))
    return n


def _affix(s: str, affix: str, start: int, end: int, suffix: bool) -> bool:
    b, p = to_bytes(s), to_bytes(affix)
    start, end = _range(len(b), start, end)
    part = b[start:end] if end > start else b""
    return part.endswith(p) if suffix else part.startswith(p)


def _fill(s: str, fill: str) -> bytes:
    if len(to_bytes(fill)) != 1:
        raise TypeError("TypeError: The fill character must be exactly one character long")
    return to_bytes(fill)


def _center(s: str, width: int, fill: str) -> str:
    f, b = _fill(s, fill), to_bytes(s)
    if len(b) > width:
        return s
    pad = width - len(b)
    left, right = pad // 2, (pad + 1) // 2
    if width % 2:
        left, right = right, left
    return from_bytes(f * left + b + f * right)


def _just(s: str, width: int, fill: str, left: bool) -> str:
    f, b = _fill(s, fill), to_bytes(s)
    pad = f * max(0, width - len(b))
    return from_bytes(b + pad if left else pad + b)


def _title(b: bytes) -> bytes:
    out, after_alpha = bytearray(), False
    for c in b:
        out += bytes([c]).lower() if after_alpha else bytes([c]).upper()
        after_alpha = bytes([c]).isalpha()
    return bytes(out)


def _istitle(s: str) -> bool:
    result, after_alpha = False, False
    for c in to_bytes(s):
        ch = bytes([c])
        if after_alpha and ch != ch.lower() or not after_alpha and ch != ch.upper():
            return False
        if not after_alpha and ch.isalpha():
            result = True
        after_alpha = ch.isalpha()
    return result


def _isidentifier(s: str) -> bool:
    b = to_bytes(s)
    return bool(b) and not b[:1].isdigit() and b.isalnum()  # TorchScript's Python 2 rule: no '_'


def _isprintable(s: str) -> bool:
    return all(bytes([c]).isalnum() or c in _PUNCT or c == 32 for c in to_bytes(s))


def _expandtabs(s: str, tabsize: int) -> str:
    out, column = bytearray(), 0
    for c in to_bytes(s):
        if c != 9:
            out.append(c)
            column += 1
        elif tabsize > 0:
            while True:
                out.append(32)
                column += 1
                if column % tabsize == 0:
                    break
    return from_bytes(bytes(out))


def _cut(b: bytes, at: frozenset, keep_empty: bool, keepends: bool = False) -> list[str]:
    """Split at every byte of `at` (one byte each, so "\\r\\n" gives an empty piece)."""
    pieces, prev = [], 0
    for i, c in enumerate(b):
        if c in at:
            if keep_empty or i > prev:
                pieces.append(from_bytes(b[prev:i]))
            if keepends:
                pieces.append(from_bytes(b[i:i + 1]))
            prev = i + 1
    if prev != len(b):
        pieces.append(from_bytes(b[prev:]))
    return pieces


def split(s: str, sep: str | None) -> list[str]:
    """aten::split.str: split() cuts at whitespace bytes (TorchScript's set), split(sep) as Python."""
    if sep is None:
        return _cut(to_bytes(s), _WHITESPACE, keep_empty=False)
    if not sep:
        raise ValueError("ValueError: empty separator")
    return [from_bytes(p) for p in to_bytes(s).split(to_bytes(sep))]


def _split_max(s: str, sep: str | None, most: int) -> list[str]:
    """split(sep, max); split(None, max) ignores max, as TorchScript does."""
    if sep is None or most < 0:
        return split(s, sep)
    if not sep:
        raise ValueError("ValueError: empty separator")
    return [from_bytes(p) for p in to_bytes(s).split(to_bytes(sep), most)]


def _rsplit(s: str, sep: str, most: int) -> list[str]:
    if not sep:
        raise ValueError("ValueError: empty separator")
    return [from_bytes(p) for p in to_bytes(s).rsplit(to_bytes(sep), most if most >= 0 else -1)]


def _partition(s: str, sep: str, reverse: bool) -> tuple[str, str, str]:
    b, p = to_bytes(s), to_bytes(sep)
    pos = b.rfind(p) if reverse else b.find(p)
    if pos < 0:
        return ("", "", s) if reverse else (s, "", "")
    return from_bytes(b[:pos]), sep, from_bytes(b[pos + len(p):])


def getitem(s: str, index: int) -> str:
    """aten::__getitem__.str: one byte."""
    b = to_bytes(s)
    if not -len(b) <= index < len(b):
        raise IndexError("string index out of range")
    return from_bytes(b[index:index + 1] if index != -1 else b[-1:])


def slice_(s: str, start: int | None, end: int | None, step: int) -> str:
    """aten::slice.str: s[start:end:step] on the bytes."""
    if step == 0:
        raise ValueError("List slice should have non-zero step")
    return from_bytes(to_bytes(s)[start:end:step])


def _is(test: Callable[[bytes], bool]) -> Callable[[str], bool]:
    return lambda s: test(to_bytes(s))


_STR2 = "(str s, str sub, int start, int end)"

#: name -> (schema, python function used for folding and by the numpy backend)
STRING_OPS: dict[str, tuple[str, Callable]] = {
    # case, tests (empty strings are False, except isprintable)
    "str.title": ("(str s) -> str", _on_bytes(_title)),
    "str.capitalize": ("(str s) -> str", _on_bytes(bytes.capitalize)),
    "str.swapcase": ("(str s) -> str", _on_bytes(bytes.swapcase)),
    "str.isdigit": ("(str s) -> bool", _is(bytes.isdigit)),
    "str.isalpha": ("(str s) -> bool", _is(bytes.isalpha)),
    "str.isspace": ("(str s) -> bool", _is(bytes.isspace)),
    "str.isalnum": ("(str s) -> bool", _is(bytes.isalnum)),
    "str.islower": ("(str s) -> bool", _is(bytes.islower)),
    "str.isupper": ("(str s) -> bool", _is(bytes.isupper)),
    "str.isdecimal": ("(str s) -> bool", _is(bytes.isdigit)),
    "str.isnumeric": ("(str s) -> bool", _is(bytes.isdigit)),
    "str.istitle": ("(str s) -> bool", _istitle),
    "str.isidentifier": ("(str s) -> bool", _isidentifier),
    "str.isprintable": ("(str s) -> bool", _isprintable),
    # stripping, padding
    "str.strip_chars": ("(str s, str chars) -> str", _on_bytes(lambda b, c: b.strip(to_bytes(c)))),
    "str.lstrip": ("(str s, str chars) -> str", _on_bytes(lambda b, c: b.lstrip(to_bytes(c)))),
    "str.rstrip": ("(str s, str chars) -> str", _on_bytes(lambda b, c: b.rstrip(to_bytes(c)))),
    "str.zfill": ("(str s, int width) -> str", _on_bytes(lambda b, w: b"0" * max(0, w - len(b)) + b)),
    "str.center": ("(str s, int width, str fillchar) -> str", _center),
    "str.ljust": ("(str s, int width, str fillchar) -> str", lambda s, w, f: _just(s, w, f, True)),
    "str.rjust": ("(str s, int width, str fillchar) -> str", lambda s, w, f: _just(s, w, f, False)),
    "str.expandtabs": ("(str s, int tabsize) -> str", _expandtabs),
    # searching
    "str.find_range": (f"{_STR2} -> int", _find),
    "str.rfind": (f"{_STR2} -> int", lambda s, p, a, e: _find(s, p, a, e, True)),
    "str.index": (f"{_STR2} -> int", _index),
    "str.rindex": (f"{_STR2} -> int", lambda s, p, a, e: _index(s, p, a, e, True)),
    "str.count": (f"{_STR2} -> int", _count),
    "str.startswith_range": (f"{_STR2} -> bool", lambda s, p, a, e: _affix(s, p, a, e, False)),
    "str.endswith_range": (f"{_STR2} -> bool", lambda s, p, a, e: _affix(s, p, a, e, True)),
    # cutting
    "str.splitlines": ("(str s, bool keepends) -> str[]",
                       lambda s, keep: _cut(to_bytes(s), _LINE_BREAKS, True, keep)),
    "str.partition": ("(str s, str sep) -> Any", lambda s, p: _partition(s, p, False)),
    "str.rpartition": ("(str s, str sep) -> Any", lambda s, p: _partition(s, p, True)),
    "str.split_max": ("(str s, str? sep, int max) -> str[]", _split_max),
    "str.rsplit": ("(str s, str sep, int max) -> str[]", _rsplit),
    "str.replace_max": ("(str s, str old, str new, int max) -> str",
                        _on_bytes(lambda b, old, new, most: b.replace(to_bytes(old), to_bytes(new), most))),
    "str.slice": ("(str s, int? start, int? end, int step) -> str", slice_),
}

#: the str method each op is, where the names differ (`.code` prints `s.strip("x")` for str.strip_chars)
METHOD_NAMES = {"str.strip_chars": "strip", "str.find_range": "find", "str.startswith_range": "startswith",
                "str.endswith_range": "endswith", "str.split_max": "split", "str.replace_max": "replace"}

#: ops whose result is not a str/bool/int/list constant: no folding
_NO_FOLD = {"str.partition", "str.rpartition"}


def _make(name: str, schema: str, fn: Callable) -> type[IRDLOperation]:
    fold = None if name in _NO_FOLD else (lambda op, *args: fn(*args))
    return schema_op(name, schema, fold=fold)


STRING_OP_CLASSES: dict[str, type[IRDLOperation]] = {
    name: _make(name, schema, fn) for name, (schema, fn) in STRING_OPS.items()}
globals().update({cls.__name__: cls for cls in STRING_OP_CLASSES.values()})
