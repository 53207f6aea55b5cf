"""xDSL's Parser with a lexer that runs in time linear in its input.

xDSL 0.74 matches a string literal with `"(?:[^"\\...]+|escape)*"`: a repeated group around a
repeated class, which backtracks exponentially when the closing quote is missing (an
unterminated literal of 32 characters takes minutes). The rule here accepts the same strings
one character at a time, so every character can be matched in only one way.
"""
from __future__ import annotations

import re

from xdsl.context import Context
from xdsl.ir import Attribute
from xdsl.parser import Parser as XdslParser
from xdsl.parser.generic_parser import ParserState
from xdsl.utils.exceptions import ParseError
from xdsl.utils.lexer import Input, Position
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRToken


class LinearLexer(MLIRLexer):
    _unescaped_characters_regex = re.compile(r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')

    def _lex_prefixed_ident(self, start_pos: Position) -> MLIRToken:
        try:
            return super()._lex_prefixed_ident(start_pos)
        except ParseError as e:  # xDSL forgot the f of its f-string
            first = self.input.at(start_pos)
            raise ParseError(e.span, e.msg.replace("{first_char}", f"'{first}'")) from None


class Parser(XdslParser):
    """Parses as xDSL's Parser does; the first token is lexed here, so construct it inside the
    `try` that handles ParseError. A dialect type or attribute whose parameters do not build
    one is a parse error at its text (xDSL raises ValueError from deep inside)."""

    def __init__(self, ctx: Context, text: str | bytes, name: str = "<unknown>"):
        super().__init__(ctx, "", name)
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        self._parser_state = ParserState(LinearLexer(Input(text, name)))

    def _parse_dialect_type_or_attribute_body(self, attr_name: str, is_type: bool, is_opaque: bool,
                                              starting_opaque_pos: Position | None) -> Attribute:
        start = self.pos
        try:
            return super()._parse_dialect_type_or_attribute_body(attr_name, is_type, is_opaque, starting_opaque_pos)
        except (ValueError, TypeError, IndexError, KeyError, OverflowError) as e:
            what = f"type !{attr_name}" if is_type else f"attribute #{attr_name}"
            why = "the wrong number of parameters" if "zip()" in str(e) else str(e).split("\n")[0]
            self.raise_error(f"invalid {what}: {why}", start, max(start, self.pos))
