"""Import applies the diff in one transaction; rollback restores; user state survives both."""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path
from typing import Any

import pytest

from feedmaker import feed_bytes, feed_document, item, newer_document, to_bytes
from msguide.errors import RollbackRefusedError, StorageError, UntrustedFeedError
from msguide.feed.parse import parse
from msguide.store import importer
from msguide.store.db import Store
from msguide.store.export import current_feed, export_feed
from msguide.store.history import history
from msguide.store.importer import Provenance, import_feed, rollback
from msguide.store.search import Filters, search
from msguide.store.userstate import set_favourite

ORIGIN = Provenance(origin="test")


def load(store: Store, raw: bytes, **kwargs: object) -> importer.ImportResult:
    return import_feed(store, parse(raw), raw, ORIGIN, **kwargs)  # type: ignore[arg-type]


def ids(store: Store, text: str = "", **filters: object) -> list[str]:
    with store.read() as connection:
        return [h.id for h in search(connection, text, Filters(**filters), limit=1000)]  # type: ignore[arg-type]


def content_snapshot(store: Store) -> list[tuple[object, ...]]:
    """Every content row and the full-text index's view of it."""
    with store.read() as connection:
        rows = [
            tuple(r)
            for r in connection.exec_driver_sql(
                "SELECT item_id, title, summary, fingerprint FROM items ORDER BY item_id"
            )
        ]
        fts = [
            tuple(r)
            for r in connection.exec_driver_sql(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH 'a* OR e* OR n*' ORDER BY rowid"
            )
        ]
        connection.exec_driver_sql("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
        return rows + fts


def test_first_import_adds_everything(store: Store) -> None:
    result = load(store, feed_bytes())
    assert result.applied
    assert [c.id for c in result.added] == ["nrm-adult", "ceraf", "stats-2024", "helpline"]
    assert result.changed == () and result.removed == ()
    assert ids(store) == ["nrm-adult", "ceraf", "stats-2024", "helpline"]
    [revision] = history(store)
    assert revision.current and revision.sequence == 1 and revision.added == 4
    assert revision.sha256 == hashlib.sha256(feed_bytes()).hexdigest()


def test_newer_feed_applies_exactly_the_diff(store: Store) -> None:
    load(store, feed_bytes())
    result = load(store, to_bytes(newer_document()))
    assert [c.id for c in result.added] == ["duty-to-notify"]
    assert [(c.id, c.fields) for c in result.changed] == [("nrm-adult", ("summary",))]
    [ceraf] = [i for i in parse(feed_bytes()).items if i.id == "ceraf"]
    assert result.removed == (importer.ItemChange("ceraf", ceraf.title, ceraf.kind),)
    assert result.previous_sequence == 1
    assert ids(store, "assessment") == []
    assert ids(store, "notify") == ["duty-to-notify"]
    assert ids(store, "updated") == ["nrm-adult"]
    assert content_snapshot(store)


def test_identical_feed_is_a_quiet_no_op(store: Store) -> None:
    load(store, feed_bytes())
    before = content_snapshot(store)
    result = load(store, feed_bytes())
    assert not result.applied and result.message == "already up to date"
    assert content_snapshot(store) == before
    assert len(history(store)) == 1


def test_lower_sequence_is_refused_as_rollback_unless_forced(store: Store) -> None:
    load(store, to_bytes(newer_document()))
    before = content_snapshot(store)
    with pytest.raises(RollbackRefusedError, match="older than sequence 2"):
        load(store, feed_bytes(sequence=1))
    assert content_snapshot(store) == before
    result = load(store, feed_bytes(sequence=1), force=True)
    assert result.applied and result.sequence == 1
    assert "ceraf" in ids(store)


def test_same_sequence_with_other_bytes_is_refused_even_when_forced(store: Store) -> None:
    load(store, feed_bytes())
    doc = feed_document()
    doc["title"] = "Sneaky change"
    for force in (False, True):
        with pytest.raises(RollbackRefusedError, match="already imported with different"):
            load(store, to_bytes(doc), force=force)


def test_rollback_is_measured_against_the_highest_sequence_ever_accepted(store: Store) -> None:
    load(store, feed_bytes(sequence=1))
    load(store, to_bytes(newer_document()))
    rollback(store, "test-source", 1)
    with pytest.raises(RollbackRefusedError):
        load(store, feed_bytes(sequence=1, title="Replay with a new title"))


def test_dry_run_reports_the_diff_and_changes_nothing(store: Store) -> None:
    load(store, feed_bytes())
    before = content_snapshot(store)
    result = load(store, to_bytes(newer_document()), dry_run=True)
    assert result.dry_run and not result.applied
    assert [c.id for c in result.added] == ["duty-to-notify"]
    assert content_snapshot(store) == before
    assert len(history(store)) == 1


def test_feed_for_another_source_is_refused(store: Store) -> None:
    with pytest.raises(UntrustedFeedError, match="belongs to source"):
        load(store, feed_bytes(source_id="other"), expected_source="test-source")
    assert ids(store) == []


def test_rollback_and_roll_forward(store: Store) -> None:
    load(store, feed_bytes())
    set_favourite(store, "test-source", "nrm-adult", True)
    set_favourite(store, "test-source", "ceraf", True)
    load(store, to_bytes(newer_document()))
    assert ids(store, favourites=True) == ["nrm-adult"]
    result = rollback(store, "test-source", 1)
    assert [c.id for c in result.added] == ["ceraf"]
    assert [c.id for c in result.removed] == ["duty-to-notify"]
    assert sorted(ids(store, favourites=True)) == ["ceraf", "nrm-adult"]
    assert [r.sequence for r in history(store) if r.current] == [1]
    rollback(store, "test-source", 2)
    assert [r.sequence for r in history(store) if r.current] == [2]
    assert "duty-to-notify" in ids(store)


def test_rollback_to_unknown_sequence_says_so(store: Store) -> None:
    load(store, feed_bytes())
    with pytest.raises(StorageError, match="no revision with sequence 9"):
        rollback(store, "test-source", 9)
    with pytest.raises(StorageError, match='no source "nope"'):
        rollback(store, "nope", 1)


def test_failure_during_apply_leaves_previous_content_intact(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, feed_bytes())
    before = content_snapshot(store)
    history_before = history(store)

    def explode(*_args: object) -> None:
        raise OSError("simulated failure half-way through the import")

    monkeypatch.setattr(importer, "_replace_taxa", explode)
    with pytest.raises(OSError, match="simulated"):
        load(store, to_bytes(newer_document()))
    assert content_snapshot(store) == before
    assert history(store) == history_before


def test_export_round_trips_through_import(store: Store, tmp_path: Path) -> None:
    doc = feed_document()
    doc["items"].append(
        item(
            "with-attachment",
            "Guide with a PDF",
            attachments=[
                {
                    "url": "https://example.org/guide.pdf",
                    "mime_type": "application/pdf",
                    "title": "Guide",
                    "size_in_bytes": 1234,
                    "_msguide": {"sha256": "a" * 64},
                }
            ],
        )
    )
    raw = to_bytes(doc)
    load(store, raw)
    exported = export_feed(store, "test-source")
    assert parse(exported) == parse(raw)
    with Store.open(tmp_path / "other.sqlite") as other:
        load(other, exported)
        assert current_feed(other, "test-source") == current_feed(store, "test-source")


def test_items_keep_feed_order_after_reordering(store: Store) -> None:
    load(store, feed_bytes())
    doc = feed_document(sequence=2)
    doc["items"].reverse()
    load(store, to_bytes(doc))
    assert [i.id for i in current_feed(store, "test-source").items] == [
        "helpline",
        "stats-2024",
        "ceraf",
        "nrm-adult",
    ]


def test_two_sources_live_side_by_side(store: Store) -> None:
    load(store, feed_bytes())
    load(store, feed_bytes(source_id="national", items=[item("nrm-adult", "Countrywide copy")]))
    assert ids(store, "countrywide") == ["nrm-adult"]
    assert ids(store, source="national") == ["nrm-adult"]
    assert len(ids(store, source="test-source")) == 4


def test_old_revision_bytes_are_pruned_but_history_stays(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "KEEP_REVISION_BYTES", 2)
    for sequence in range(1, 5):
        load(store, feed_bytes(sequence=sequence, title=f"Feed {sequence}"))
    revisions = history(store)
    assert [r.sequence for r in revisions] == [4, 3, 2, 1]
    assert [r.restorable for r in revisions] == [True, True, False, False]
    with pytest.raises(StorageError, match="no longer kept"):
        rollback(store, "test-source", 1)


def test_kept_revision_bytes_stay_within_their_size_budget(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Count alone let a 100k-item store grow to 20 times its feed: the bytes kept add up to
    at most the budget, newest first (here exactly three feeds' worth)."""
    feeds = [feed_bytes(sequence=n, title=f"Feed {n}") for n in range(1, 6)]
    monkeypatch.setattr(importer, "KEEP_REVISION_BYTES_BUDGET", sum(map(len, feeds[-3:])))
    for raw in feeds:
        load(store, raw)
    assert [r.restorable for r in history(store)] == [True, True, True, False, False]
    with pytest.raises(StorageError, match=r"no longer kept.*cannot be restored"):
        rollback(store, "test-source", 2)
    assert rollback(store, "test-source", 3).applied


def test_the_revision_before_the_current_one_is_always_kept(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However large the revisions, a rollback of one step always works, also after a
    rollback: an import keeps the bytes of the revision it replaces."""
    monkeypatch.setattr(importer, "KEEP_REVISION_BYTES", 1)
    monkeypatch.setattr(importer, "KEEP_REVISION_BYTES_BUDGET", 0)
    for sequence in range(1, 5):
        load(store, feed_bytes(sequence=sequence, title=f"Feed {sequence}"))
    assert [r.restorable for r in history(store)] == [True, True, False, False]
    assert rollback(store, "test-source", 3).applied
    load(store, feed_bytes(sequence=5, title="Feed 5"))
    assert [r.restorable for r in history(store)] == [True, True, True, False, False]
    assert rollback(store, "test-source", 3).applied  # the content before sequence 5


def test_a_new_fingerprint_recipe_does_not_mark_every_item_changed(store: Store) -> None:
    load(store, feed_bytes())
    with store.write() as session:  # as if an older msguide had stored other fingerprints
        session.connection().exec_driver_sql("UPDATE items SET fingerprint = 'old-recipe'")
    result = load(store, to_bytes(newer_document()))
    assert [c.id for c in result.changed] == ["nrm-adult"]  # the one real change
    assert [c.id for c in result.added] == ["duty-to-notify"]
    again = load(store, feed_bytes(sequence=3))
    assert {c.id for c in again.changed} == {"nrm-adult"}  # fingerprints were refreshed


def test_the_cycle_collector_rests_while_a_feed_is_imported_or_rolled_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parsed feed is a mass of objects without cycles: a collector pass while the import
    (or a rollback) diffs and writes walks them all for nothing. It runs again once the import
    is over, also after a refusal."""
    many = [item(f"item-{n}", f"Item {n}", summary=f"Summary {n}") for n in range(2000)]
    raw = to_bytes(feed_document(items=many))
    feed = parse(raw)
    applying: list[bool] = []
    passes: list[bool] = []  # for each pass of the collector: whether it ran while applying
    real_apply = importer._apply

    def apply(*args: Any, **kwargs: Any) -> importer.ImportResult:
        applying.append(True)
        try:
            return real_apply(*args, **kwargs)
        finally:
            applying.clear()

    def count(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(bool(applying))

    monkeypatch.setattr(importer, "_apply", apply)
    gc.callbacks.append(count)
    try:
        import_feed(store, feed, raw, ORIGIN)
        load(store, to_bytes(feed_document(sequence=2, items=many[:1])))
        rollback(store, "test-source", 1)  # 2000 items again, read from the kept bytes
        with pytest.raises(RollbackRefusedError):
            load(store, feed_bytes())  # sequence 1 again, other bytes
        assert gc.isenabled()
        garbage = [[[]] for _ in range(5000)]  # allocations: the collector runs again
    finally:
        gc.callbacks.remove(count)
    assert garbage and passes  # the collector ran
    assert True not in passes  # but never while the import applied the feed
