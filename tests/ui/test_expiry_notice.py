"""A feed past its `expires` gets a notice in the window: plain text that names the source, the
date and what to do, announced once, and gone when the content is current again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from pytestqt.qtbot import QtBot

from msguide.ui import announce
from msguide.ui.expiry_notice import expiry_text
from windowkit import WindowFactory

SEED = json.loads((Path(__file__).resolve().parents[2] / "data" / "seed-feed.json").read_text())
SOURCE = SEED["_msguide"]["source"]["name"]
AFTER_EXPIRY = "2028-01-01T00:00:00Z"  # the bundled feed expires on 28 November 2027
BEFORE_EXPIRY = "2027-01-01T00:00:00Z"


def test_the_notice_names_the_source_the_date_and_what_to_do(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SEED["_msguide"]["expires"].startswith("2027-11-28")
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", AFTER_EXPIRY)
    spoken: list[str] = []
    monkeypatch.setattr(announce, "announce", lambda _widget, text, **_: spoken.append(text))
    window, _service = open_window()

    expected = (
        f"{SOURCE}: the publisher marked this content valid only until 28 November 2027, "
        "so it may be out of date. Ask your administrator for a newer feed."
    )
    assert window.notice.isVisible() and window.notice_close.isVisible()
    assert window.notice.text() == expected
    interface = QAccessible.queryAccessibleInterface(window.notice)
    assert interface is not None and interface.text(QAccessible.Text.Name) == expected

    # The content is read again (a sync, an import): the notice is not repeated.
    with qtbot.waitSignal(window.statusShown, timeout=5000):
        window.refresh_all()
    assert window.notice.text() == expected
    assert spoken.count(expected) == 1

    # Current content again (a newer feed, here the clock): the notice goes.
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", BEFORE_EXPIRY)
    with qtbot.waitSignal(window.statusShown, timeout=5000):
        window.refresh_all()
    assert window.notice.text() == "" and not window.notice.isVisible()


def test_current_content_gets_no_notice(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", BEFORE_EXPIRY)
    window, _service = open_window()
    assert not window.notice.isVisible() and window.notice.text() == ""


def test_where_updates_can_be_checked_the_notice_says_so() -> None:
    text = expiry_text("A partnership", "2027-11-28T00:00:00Z", can_check=True)
    assert text == (
        "A partnership: the publisher marked this content valid only until 28 November 2027, "
        "so it may be out of date. Check for updates (F5), or ask your administrator for a "
        "newer feed."
    )
