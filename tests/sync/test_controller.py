"""SyncController in a running Qt event loop: signals, cancel, and a GUI loop that never stalls."""

from __future__ import annotations

import gc
import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from servers import FeedServer
from syncing import publish

from feedmaker import feed_document, item
from msguide.feed.signature import KeyFiles
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.history import history
from msguide.sync.controller import SyncController
from msguide.sync.outcome import SourceOutcome
from msguide.sync.schedule import due_sources, is_due
from msguide.sync.state import SyncStateFile


def controller_for(
    store: Store, server: FeedServer, keys: KeyFiles, tmp_path: Path
) -> tuple[SyncController, tuple[SourcePolicy, ...]]:
    source = SourcePolicy(url=server.url(), id="test-source", keys=(keys.public_base64,))
    policy = Policy(sources=(source,))
    controller = SyncController(
        store, policy=policy, state=SyncStateFile(tmp_path / "sync-state.json")
    )
    return controller, policy.sources


def test_the_gui_event_loop_keeps_ticking_while_a_slow_sync_imports(
    qtbot: Any, server: FeedServer, keys: KeyFiles, store: Store, tmp_path: Path
) -> None:
    items = [
        item(f"item-{n}", f"Resource {n}", content_text="Guidance. " * 40) for n in range(2000)
    ]
    publish(server, feed_document(items=items), keys, behaviour="slow", chunks=20, delay=0.04)
    controller, sources = controller_for(store, server, keys, tmp_path)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    # The whole suite's objects live in this process: a full collection of them (which holds
    # the GIL) is the test harness's pause, not the app's. Freeze them for the measurement.
    gc.collect()
    gc.freeze()
    try:
        timer.start()
        with qtbot.waitSignal(controller.finished, timeout=30_000) as finished:
            controller.start(sources)
        timer.stop()
    finally:
        gc.unfreeze()

    [outcome] = finished.args[0]
    assert outcome.status == "updated" and len(outcome.result.added) == 2000
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) > 30, "the sync lasted long enough to measure"
    assert max(gaps) < 0.020 + 0.100, f"the event loop stalled for {max(gaps):.3f} s"


def test_signals_tell_the_story_of_one_sync(
    qtbot: Any, server: FeedServer, keys: KeyFiles, store: Store, tmp_path: Path
) -> None:
    raw = publish(server, feed_document(), keys, behaviour="slow", chunks=4, delay=0.02)
    controller, sources = controller_for(store, server, keys, tmp_path)
    started: list[int] = []
    progress: list[tuple[str, int, int]] = []
    outcomes: list[SourceOutcome] = []
    controller.started.connect(started.append)
    controller.progress.connect(lambda url, got, total: progress.append((url, got, total)))
    controller.outcome.connect(outcomes.append)

    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        assert controller.start(sources) is True
        assert controller.start(sources) is False, "one sync at a time"
        assert outcomes == [], "nothing is emitted from inside start()"
    assert started == [1]
    assert progress[-1] == (server.url(), len(raw), len(raw))
    assert list(finished.args[0]) == outcomes and outcomes[0].status == "updated"
    assert not controller.is_running() and not controller.cancelled

    with qtbot.waitSignal(controller.finished, timeout=10_000) as again:
        controller.start(sources)
    assert again.args[0][0].status == "unchanged"


def test_cancel_stops_the_download_and_changes_nothing(
    qtbot: Any, server: FeedServer, keys: KeyFiles, store: Store, tmp_path: Path
) -> None:
    publish(server, feed_document(), keys, behaviour="stall")
    controller, sources = controller_for(store, server, keys, tmp_path)
    outcomes: list[SourceOutcome] = []
    controller.outcome.connect(outcomes.append)
    controller.progress.connect(lambda *_: controller.cancel())

    started = time.monotonic()
    with qtbot.waitSignal(controller.finished, timeout=5_000) as finished:
        controller.start(sources)
    assert time.monotonic() - started < 1.5, "well before the 30 s stall timeout"
    assert finished.args[0] == () and outcomes == []
    assert controller.cancelled and not controller.is_running()
    assert history(store) == []


def test_an_offline_source_reports_the_date_of_the_content_shown(
    qtbot: Any, server: FeedServer, keys: KeyFiles, store: Store, tmp_path: Path
) -> None:
    publish(server, feed_document(), keys)
    controller, sources = controller_for(store, server, keys, tmp_path)
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.start(sources)
    server.close()

    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.start(sources)
    [outcome] = finished.args[0]
    assert outcome.status == "offline" and not outcome.ok
    assert outcome.content_date == "2025-04-01T09:00:00Z"
    assert "the content from 2025-04-01 is still shown" in outcome.message


NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last_checked", "due"),
    [
        (None, True),
        ("2025-05-01T11:00:00Z", False),
        ("2025-05-01T06:00:00Z", True),
        ("2025-05-01T06:00:01Z", False),
        ("2025-05-02T12:00:00Z", True),  # in the future: the clock was put back
        ("not a time", True),
        (NOW - timedelta(hours=7), True),
    ],
)
def test_is_due(last_checked: Any, due: bool) -> None:
    assert is_due(last_checked, 6, NOW) is due


def test_due_sources_reads_the_last_check_of_each_source(tmp_path: Path) -> None:
    state = SyncStateFile(tmp_path / "sync-state.json")
    fresh, stale = (
        SourcePolicy("https://a.example/f.json"),
        SourcePolicy("https://b.example/f.json"),
    )
    state.update(fresh.url, last_checked_at="2025-05-01T11:00:00Z")
    state.update(stale.url, last_checked_at="2025-04-30T11:00:00Z")
    assert due_sources([fresh, stale], state, 6, NOW) == [stale]
    (tmp_path / "sync-state.json").write_text("{not json")
    assert due_sources([fresh, stale], state, 6, NOW) == [fresh, stale]
