"""msguide.safetext: the one sanitiser for messages that quote input (issue 14, item 4)."""

from __future__ import annotations

import json
import logging
import sys
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from msguide.errors import FeedError, UsageError
from msguide.jsonout import json_text
from msguide.logsetup import setup_logging, stop_logging
from msguide.safetext import safe_json, safe_text

UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
KEPT = {"\u200c", "\u200d"}  # zero-width (non-)joiner: scripts and emoji need them


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in UNSAFE_CATEGORIES and char not in KEPT


def test_every_control_format_separator_and_surrogate_is_made_visible() -> None:
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if is_unsafe(chr(code)) and safe_text(chr(code)) == chr(code)
    ]
    assert missed == []


def test_what_each_kind_looks_like() -> None:
    assert safe_text("a\x1b]0;x\x07b") == "a\u241b]0;x\u2407b"
    assert safe_text("file\u202egnp.exe") == "file<U+202E>gnp.exe"
    assert safe_text("\udcff.json") == "<U+DCFF>.json"
    assert safe_text("\x7f\x85\u200b\ufeff") == "\u2421<U+0085><U+200B><U+FEFF>"
    assert safe_text("line\nnext\tcol\r") == "line\u240anext\u2409col\u240d"
    assert safe_text("line\nnext\tcol\r", multiline=True) == "line\nnext\tcol\u240d"
    assert safe_text("Ünïcödé, 日本語, عربي, 👩\u200d⚕️") == "Ünïcödé, 日本語, عربي, 👩\u200d⚕️"
    assert safe_text(Path("/tmp/\x1b")) == "/tmp/\u241b"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=60), st.booleans())
def test_property_no_unsafe_character_survives_and_it_is_idempotent(
    text: str, multiline: bool
) -> None:
    shown = safe_text(text, multiline=multiline)
    allowed = {"\n", "\t"} if multiline else set()
    assert not [c for c in shown if is_unsafe(c) and c not in allowed]
    assert safe_text(shown, multiline=multiline) == shown
    if not any(is_unsafe(c) for c in text):
        assert shown == text
    json_text(shown).encode("utf-8")  # always encodable


def test_errors_sanitise_their_message_and_path() -> None:
    error = FeedError("bad \x1b[2J value", path="items[0].\u202eid")
    assert str(error) == "items[0].<U+202E>id: bad \u241b[2J value"
    assert error.to_json()["error"]["message"] == str(error)  # type: ignore[index]
    assert safe_json({"a\x1b": ["\udcff", 3, None]}) == {"a\u241b": ["<U+DCFF>", 3, None]}


def test_json_output_replaces_lone_surrogates() -> None:
    assert json.loads(json_text({"name": "x\udcff"})) == {"name": "x\ufffd"}
    ascii_only = json_text({"name": "x\u202e"}, ascii_only=True)
    assert ascii_only.isascii() and json.loads(ascii_only) == {"name": "x\u202e"}


def test_the_log_never_holds_raw_escapes(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    assert path is not None
    try:
        log = logging.getLogger("msguide")
        log.warning("quoted: %s", "\x1b]0;owned\x07\u202e")
        try:
            raise UsageError("\x1b[2J in an exception")
        except UsageError as error:
            log.error("failed", exc_info=error)
        try:
            raise RuntimeError("raw \x1b[2J in a traceback")
        except RuntimeError as error:
            log.error("failed", exc_info=error)
    finally:
        stop_logging()
    text = path.read_text(encoding="utf-8")
    assert "quoted: \u241b]0;owned\u2407<U+202E>" in text
    assert "RuntimeError: raw \u241b[2J in a traceback" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "Traceback (most recent call last):\n" in text  # tracebacks keep their lines


def test_the_windows_error_sentences_show_escapes_visibly() -> None:
    from msguide.ui.admin.wording import explain
    from msguide.ui.text import error_sentence

    for shown in (error_sentence(RuntimeError("\x1b[2J\u202e")), explain(OSError("\x1b\u202e"))):
        assert "\x1b" not in shown and "\u202e" not in shown and "\u241b" in shown
