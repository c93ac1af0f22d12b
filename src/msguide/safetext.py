"""The one sanitiser for messages that quote input: file names, URLs, policy keys, arguments.

A message may quote anything a person, a file or a server gave msguide. Printed raw, an ESC
starts a terminal escape sequence (OSC 8 links, title changes, cleared screens), a U+202E
reverses the rest of the line in a terminal or a dialog, and a lone surrogate (a file name that
is not UTF-8) makes the output unencodable. `safe_text` makes each such character *visible*
instead: C0 controls become their "control picture" (ESC is shown as ␛), every other control,
format character (direction marks, zero-width space, BOM, tag characters), line or paragraph
separator and surrogate becomes `<U+XXXX>`. Zero-width (non-)joiners stay: scripts and emoji
need them and they cannot reorder or hide text.

The CLI (text and --json), the log and the window's error sentences all go through this; feed
*content* has its own, stricter rules (msguide.feed.text). Idempotent: the result only holds
characters it leaves alone.
"""

from __future__ import annotations

import re

# Unicode categories Cc, Cf, Cs, Zl and Zp (Unicode 15), minus U+200C and U+200D.
# tests/cli/test_safe_text.py checks this list against the running Python's unicodedata.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_KEPT_IN_MULTILINE = {"\n", "\t"}


def _visible(match: re.Match[str], multiline: bool) -> str:
    char = match.group()
    if multiline and char in _KEPT_IN_MULTILINE:
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def safe_text(text: object, *, multiline: bool = False) -> str:
    """`text` (or `str(text)`) with every control, direction mark and surrogate made visible.

    `multiline` keeps newlines and tabs (the log's tracebacks); CR always shows as ␍.
    """
    shown = text if isinstance(text, str) else str(text)
    if _UNSAFE.search(shown) is None:
        return shown
    return _UNSAFE.sub(lambda m: _visible(m, multiline), shown)


def safe_json(value: object) -> object:
    """A JSON-ready value with every string in it passed through `safe_text` (error objects)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(k): safe_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_json(v) for v in value]
    return value
