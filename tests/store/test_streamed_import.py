"""`msguide import FILE` reads the feed item by item: the same store as a whole import, in a
fraction of the memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import Limits, parse
from msguide.importing import import_file
from msguide.policy import Policy
from msguide.store import importer
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed
from storekit import item_rows

LIMITS = Limits(max_bytes=64 * 1024 * 1024)


def big_feed(count: int, sequence: int = 1) -> bytes:
    words = "exploitation referral support helpline guidance victims " * 40
    items = [
        item(f"item-{n}", f"Item {n} ✓", summary=f"Summary {n}", content_text=f"{n} {words}")
        for n in range(count)
    ]
    document = feed_document(items=items)
    document["_msguide"]["sequence"] = sequence
    return to_bytes(document)


def test_a_streamed_import_stores_what_a_whole_import_stores(tmp_path: Path) -> None:
    first, second = big_feed(300), big_feed(280, sequence=2)
    changed = second.replace(b'"Summary 7"', b'"Summary seven"')
    with Store.open(tmp_path / "whole.sqlite") as whole, Store.open(tmp_path / "s.sqlite") as ours:
        for n, raw in enumerate((first, changed)):
            path = tmp_path / f"feed-{n}.json"
            path.write_bytes(raw)
            expected = import_feed(whole, parse(raw, LIMITS), raw, Provenance(origin="test"))
            result = import_file(ours, path, policy=Policy(), limits=LIMITS)
            assert (result.added, result.changed, result.removed) == (
                expected.added,
                expected.changed,
                expected.removed,
            )
            assert item_rows(ours) == item_rows(whole)
            with ours.read() as connection:
                kept = connection.exec_driver_sql(
                    "SELECT raw FROM revision_blobs ORDER BY revision_id DESC LIMIT 1"
                ).scalar_one()
                found = connection.exec_driver_sql(
                    "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'seven'"
                ).scalar_one()
            assert bytes(kept) == raw  # the revision's exact bytes, copied from the file
        assert found == 1  # the changed text was indexed, the old text taken out
        assert result.changed[0].fields == ("summary",) and len(result.removed) == 20
        before = {i.id: (i.title, i.kind) for i in parse(first, LIMITS).items}
        assert [(c.title, c.kind) for c in result.removed] == [before[c.id] for c in result.removed]


def traced_peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_streamed_import_holds_far_less_than_a_whole_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 100)  # a small feed in many batches
    raw = big_feed(2500)
    path = tmp_path / "feed.json"
    path.write_bytes(raw)
    with Store.open(tmp_path / "a.sqlite") as a, Store.open(tmp_path / "b.sqlite") as b:
        whole = traced_peak(
            lambda: import_feed(a, parse(path.read_bytes(), LIMITS), raw, Provenance("test"))
        )
        streamed = traced_peak(lambda: import_file(b, path, policy=Policy(), limits=LIMITS))
    assert streamed < whole / 3, f"{streamed / 1e6:.1f} MB streamed, {whole / 1e6:.1f} MB whole"
    assert streamed < len(raw), f"{streamed / 1e6:.1f} MB for a {len(raw) / 1e6:.1f} MB feed"


def test_a_rollback_reads_the_kept_bytes_item_by_item_in_little_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 100)
    first = big_feed(2500)
    second = big_feed(2400, sequence=2).replace(b'"Summary 7"', b'"Summary seven"')
    with Store.open(tmp_path / "a.sqlite") as store, Store.open(tmp_path / "b.sqlite") as only:
        import_feed(only, parse(first, LIMITS), first, Provenance("test"))
        import_feed(store, parse(first, LIMITS), first, Provenance("test"))
        import_feed(store, parse(second, LIMITS), second, Provenance("test"))
        at_second = item_rows(store)

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the kept bytes were parsed whole")

        monkeypatch.setattr(importer, "parse", refuse)
        peak = traced_peak(lambda: importer.rollback(store, "test-source", 1))
        assert item_rows(store) == item_rows(only)
        importer.rollback(store, "test-source", 2)
        assert item_rows(store) == at_second
    assert peak < len(first), f"{peak / 1e6:.1f} MB to roll back a {len(first) / 1e6:.1f} MB feed"
