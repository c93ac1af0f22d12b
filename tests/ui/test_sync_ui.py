"""Sync in the window: on start when due, F5, status for updated / offline / refused."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from servers import FeedServer, Route
from syncing import PolicyWriter, publish

from msguide.ui.main_window import MainWindow

SEED_FEED = Path(__file__).resolve().parents[2] / "data" / "seed-feed.json"


def newer_seed() -> dict:  # type: ignore[type-arg]
    document = json.loads(SEED_FEED.read_text(encoding="utf-8"))
    document["_msguide"]["sequence"] += 1
    document["items"][0]["summary"] = "Updated summary of the statutory guidance."
    document["items"].append(
        {
            "id": "new-local-pathway",
            "url": "https://example.org/pathway",
            "title": "Brand new local pathway leaflet",
            "summary": "Fresh guidance.",
            "_msguide": {
                "kind": "resource",
                "audiences": ["professionals"],
                "categories": ["local-pathways"],
            },
        }
    )
    return document


@pytest.fixture
def server() -> Iterator[FeedServer]:
    serving = FeedServer()
    yield serving
    serving.close()


@pytest.fixture
def policy(tmp_path: Path, home: Path) -> PolicyWriter:
    # The `home` fixture points MSGUIDE_POLICY here.
    return PolicyWriter(tmp_path / "no-policy.toml")


def wait_for_sync(qtbot: QtBot, window: MainWindow) -> tuple:  # type: ignore[type-arg]
    with qtbot.waitSignal(window.sync_ui.finished, timeout=15_000) as blocker:
        pass
    return blocker.args[0]  # type: ignore[no-any-return,index]


def test_sync_on_start_marks_new_items_and_says_what_changed(
    qtbot: QtBot,
    server: FeedServer,
    policy: PolicyWriter,
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    publish(server, newer_seed(), None)
    policy.source(server.url(), None, source_id="hiow-msp")
    window, _service = open_window()
    with qtbot.waitSignal(window.sync_ui.finished, timeout=15_000) as blocker:
        pass
    [outcome] = blocker.args[0]
    assert outcome.status == "updated"
    qtbot.waitUntil(
        lambda: (
            any(h.id == "new-local-pathway" for h in window.results_model.hits)
            or window.results_model.total > 47
        ),
        timeout=5000,
    )
    window.search_field.setText("brand new pathway")
    qtbot.waitUntil(
        lambda: (
            window.results_model.hits and window.results_model.hits[0].id == "new-local-pathway"
        ),
        timeout=5000,
    )
    assert window.results_model.hits[0].is_new
    assert window.sync_ui.status.text().startswith("Up to date")
    assert "1 new, 1 updated, 0 removed" in window.statusBar().currentMessage()


def test_f5_when_offline_says_which_content_is_shown(
    qtbot: QtBot,
    server: FeedServer,
    policy: PolicyWriter,
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    url = server.url()
    server.close()  # nothing listens there any more
    policy.source(url, None, source_id="hiow-msp")
    window, _service = open_window()
    if window.sync_ui.controller is not None and window.sync_ui.controller.is_running():
        wait_for_sync(qtbot, window)
    with qtbot.waitSignal(window.sync_ui.finished, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.sync_ui.status.text() == "Offline: showing content from 28 November 2026"
    assert window.results_model.total == 47


def test_refused_feed_is_reported_and_content_kept(
    qtbot: QtBot,
    server: FeedServer,
    policy: PolicyWriter,
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    server.routes["/feed.json"] = Route(b'{"version": "https://jsonfeed.org/version/1.1",')
    policy.source(server.url(), None, source_id="hiow-msp")
    window, _service = open_window()
    outcomes = wait_for_sync(qtbot, window)
    assert outcomes[0].status == "refused"
    assert window.sync_ui.status.text().startswith("Update refused")
    assert window.notice.isVisible() and "truncated" in window.notice.text()
    assert window.results_model.total == 47


def test_no_feed_configured_says_so(window: MainWindow) -> None:
    assert window.sync_ui.status.text() == "No feed configured: showing the bundled content"
