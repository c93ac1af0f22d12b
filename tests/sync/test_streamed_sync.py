"""A sync writes the feed to a file next to the store and reads it item by item (issue 16):
the same store as a whole parse, a refusal midway changes nothing, and the file never stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from servers import FeedServer
from syncing import publish

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import Limits, parse
from msguide.feed.signature import KeyFiles, generate_keys
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed
from msguide.store.seed import logical_dump
from msguide.sync import accept as accept_module
from msguide.sync.controller import SyncController
from msguide.sync.download import PREFIX
from msguide.sync.outcome import SourceOutcome
from msguide.sync.state import SyncStateFile
from storekit import item_rows

GOOD = 2_300  # more than one import batch (2,000) before the mistake


def document(count: int, sequence: int = 1, bad_at: int | None = None) -> dict[str, Any]:
    words = "referral support helpline guidance " * 10
    items = [
        item(f"item-{n}", f"Item {n}", summary=f"Summary {n}", content_text=f"{n} {words}")
        for n in range(count)
    ]
    if bad_at is not None:
        items[bad_at]["url"] = "javascript:alert(1)"  # a link scheme no feed may use
    return feed_document(sequence=sequence, items=items)


def sync(qtbot: Any, store: Store, server: FeedServer, keys: KeyFiles, tmp_path: Path) -> Any:
    """Sync the one source with the real controller; the outcome, and what was in the store's
    folder each time download progress was reported."""
    source = SourcePolicy(url=server.url(), id="test-source", keys=(keys.public_base64,))
    policy = Policy(sources=(source,))
    controller = SyncController(
        store, policy=policy, state=SyncStateFile(tmp_path / "sync-state.json")
    )
    seen: list[list[Path]] = []
    controller.progress.connect(lambda *_: seen.append(downloads(store)))
    with qtbot.waitSignal(controller.finished, timeout=60_000) as finished:
        controller.start(policy.sources)
    controller.shutdown()
    outcomes: tuple[SourceOutcome, ...] = finished.args[0]
    return outcomes, seen


def downloads(store: Store) -> list[Path]:
    return sorted(store.path.parent.glob(PREFIX + "*"))


def blobs_of(store: Store) -> list[bytes]:
    with store.read() as connection:
        return [
            bytes(row[0])
            for row in connection.exec_driver_sql(
                "SELECT raw FROM revision_blobs ORDER BY revision_id"
            )
        ]


@pytest.fixture
def never_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync of a feed in the usual layout must never parse it whole."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the synced feed was parsed whole")

    monkeypatch.setattr(accept_module, "parse", refuse)


def test_a_synced_feed_is_read_item_by_item_into_the_store_a_whole_parse_makes(
    qtbot: Any,
    server: FeedServer,
    keys: KeyFiles,
    store: Store,
    tmp_path: Path,
    never_whole: None,
) -> None:
    first = document(GOOD)
    second = document(GOOD - 20, sequence=2)
    second["items"][7]["summary"] = "Summary seven"
    with Store.open(tmp_path / "whole" / "store.sqlite") as whole:
        for doc in (first, second):
            raw = publish(server, doc, keys)
            [outcome], _ = sync(qtbot, store, server, keys, tmp_path)
            assert outcome.status == "updated", outcome.message
            import_feed(whole, parse(raw, Limits()), raw, Provenance(origin="test"))
            assert item_rows(store) == item_rows(whole)
            assert blobs_of(store) == blobs_of(whole)  # each revision's exact bytes
    assert outcome.result is not None
    assert len(outcome.result.removed) == 20 and len(outcome.result.changed) == 1


def test_a_feed_refused_midway_leaves_the_store_and_its_backups_as_they_were(
    qtbot: Any, server: FeedServer, keys: KeyFiles, store: Store, tmp_path: Path
) -> None:
    store.backup_folder = tmp_path / "backups"
    publish(server, document(GOOD), keys)
    [first], _ = sync(qtbot, store, server, keys, tmp_path)
    assert first.status == "updated", first.message
    dump = logical_dump(store.path)
    backups = {p.name: p.read_bytes() for p in store.backup_folder.iterdir()}

    publish(server, document(GOOD, sequence=2, bad_at=GOOD - 100), keys)
    [refused], seen = sync(qtbot, store, server, keys, tmp_path)

    assert refused.status == "refused" and refused.exit_code == 3
    assert f"items[{GOOD - 100}]" in refused.message, refused.message
    assert logical_dump(store.path) == dump
    assert {p.name: p.read_bytes() for p in store.backup_folder.iterdir()} == backups
    assert any(seen), "the body went to a download file"
    assert downloads(store) == []


@pytest.mark.parametrize("ending", ["updated", "refused", "network failure", "cancelled"])
def test_the_download_file_is_removed_however_the_sync_ends(
    ending: str,
    qtbot: Any,
    server: FeedServer,
    keys: KeyFiles,
    store: Store,
    tmp_path: Path,
) -> None:
    raw = to_bytes(document(500))
    signer = generate_keys(None) if ending == "refused" else keys  # a key that is not pinned
    behaviour = {"network failure": "truncate", "cancelled": "stall"}.get(ending, "slow")
    publish(server, raw, signer, behaviour=behaviour, chunks=5, delay=0.02)
    source = SourcePolicy(url=server.url(), id="test-source", keys=(keys.public_base64,))
    policy = Policy(sources=(source,))
    controller = SyncController(
        store, policy=policy, state=SyncStateFile(tmp_path / "sync-state.json")
    )
    seen: list[list[Path]] = []

    def on_progress(*_: object) -> None:
        seen.append(downloads(store))
        if ending == "cancelled":
            controller.cancel()

    controller.progress.connect(on_progress)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as finished:
        controller.start(policy.sources)
    controller.shutdown()

    statuses = [o.status for o in finished.args[0]]
    assert statuses == {"network failure": ["failed"], "cancelled": []}.get(ending, [ending])
    assert any(seen), "the body went to a download file while it arrived"
    # A cancelled sync's file is removed by its writer thread, just after the sync ends.
    qtbot.waitUntil(lambda: downloads(store) == [], timeout=5_000)
