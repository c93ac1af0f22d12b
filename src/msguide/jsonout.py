"""`--json` output that is always valid JSON, whatever text it carries and wherever it goes.

Text from the command line can hold lone surrogates (a file name that is not UTF-8 arrives as
`\\udcff`), which no encoder accepts; a console or pipe on Windows may not be UTF-8 at all.
So surrogates become U+FFFD and a stream that cannot take every character gets `\\u` escapes.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from typing import TextIO

_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(stream: TextIO) -> bool:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def json_text(data: object, *, ascii_only: bool = False) -> str:
    """`data` as indented JSON text holding no lone surrogate."""
    text = json.dumps(data, ensure_ascii=ascii_only, indent=2)
    return text if ascii_only else _SURROGATE.sub("\ufffd", text)


def print_json(data: object, stream: TextIO | None = None) -> None:
    """Write `data` as JSON and a newline to `stream` (stdout by default)."""
    out = stream or sys.stdout
    if out is None:  # the windowed Windows program has no console
        return
    if _utf8(out):
        out.write(json_text(data) + "\n")
    else:
        # ensure_ascii escapes surrogates as \\udcff: replace them first so the JSON is valid.
        out.write(json_text(json.loads(json_text(data)), ascii_only=True) + "\n")
