"""Make untrusted feed text inert: no control or direction-override character survives parsing.

Control characters become their visible Unicode "control picture" (U+2400 block), so a person
sees that something odd was in the feed; bidirectional embeddings, overrides and isolates (the
"Trojan Source" characters) and lone surrogates become U+FFFD. The UI relies on this: text it
shows can never reorder itself or smuggle a marker byte into a highlighted snippet.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

_NEEDS_CLEANING = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_HAS_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# Invisible characters that make two single-line texts (titles, names, tags) look alike while
# they differ: zero-width spaces, word joiners, BOMs, soft hyphens, direction marks, tag
# characters. Removed. The zero-width (non-)joiner is needed between letters of scripts such
# as Persian or Devanagari and inside emoji, so it goes only where no such neighbour needs it:
# at either end, or next to ASCII.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u2060-\u2064\u206a-\u206f\ufeff"
    "\U000e0001\U000e0020-\U000e007f]"
    "|(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])"
)


# One scan decides whether a single-line text needs any work (nearly all need none).
_SINGLE_LINE_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ud800-\udfff\ufeff\U000e0001\U000e0020-\U000e007f]"
)


def _table(multiline: bool) -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
    table[0x7F] = "\u2421"
    table.update(dict.fromkeys(range(128, 160), REPLACEMENT))
    table.update(dict.fromkeys(range(8234, 8239), REPLACEMENT))
    table.update(dict.fromkeys(range(8294, 8298), REPLACEMENT))
    table.update(dict.fromkeys(range(55296, 57344), REPLACEMENT))
    if multiline:
        table[0x0A] = "\n"
        table[0x09] = "\t"
        table[0x2028] = "\n"
        table[0x2029] = "\n\n"
    else:
        table[0x0A] = " "
        table[0x09] = " "
        table[0x2028] = " "
        table[0x2029] = " "
    return table


_MULTILINE = _table(multiline=True)
_SINGLE_LINE = _table(multiline=False)


def inert_text(text: str, *, multiline: bool = False) -> str:
    """Return `text` with controls shown as symbols; newlines kept only when `multiline`.
    Single-line text also loses the invisible characters that make look-alikes."""
    if multiline:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _NEEDS_CLEANING.search(text) is None:
            return text
        return text.translate(_MULTILINE)
    if _SINGLE_LINE_SUSPECT.search(text) is None:
        return text
    if _INVISIBLE.search(text) is not None:
        # Until nothing is left: removing one joiner can leave another next to ASCII.
        while (shorter := _INVISIBLE.sub("", text)) != text:
            text = shorter
    if _HAS_CONTROL.search(text) is None:
        return text
    return text.replace("\r\n", " ").translate(_SINGLE_LINE)


def has_control_characters(text: str) -> bool:
    """True when `text` holds any character `inert_text` would change in a single-line field."""
    return _HAS_CONTROL.search(text) is not None
