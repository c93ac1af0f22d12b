"""Items' sort keys: an update rewrites the rows that moved, not every row after them."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.store.db import Store
from msguide.store.importer import POSITION_GAP, Provenance, _positions, import_feed


def _increasing(keys: list[int]) -> bool:
    return all(a < b for a, b in pairwise(keys))


def test_a_first_import_spaces_the_keys() -> None:
    assert _positions([None] * 4) == [0, POSITION_GAP, 2 * POSITION_GAP, 3 * POSITION_GAP]


def test_kept_items_keep_their_keys_and_new_ones_fit_between() -> None:
    old = [0, 1024, None, 2048, None]
    new = _positions(old)
    assert new[0] == 0 and new[1] == 1024 and new[3] == 2048
    assert _increasing(new)


def test_a_moved_item_alone_gets_a_new_key() -> None:
    assert _positions([3072, 0, 1024, 2048]) == [-1024, 0, 1024, 2048]


def test_no_room_left_renumbers_everything() -> None:
    assert _positions([0, 1, None, 2]) == [0, 1024, 2048, 3072]


@given(st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6)), max_size=40, unique=True))
def test_keys_always_follow_feed_order(old: list[int | None]) -> None:
    new = _positions(old)
    assert len(new) == len(old)
    assert _increasing(new)


def _positions_by_id(store: Store) -> dict[str, int]:
    with store.read() as connection:
        rows = connection.exec_driver_sql("SELECT item_id, position FROM items").all()
    return {r[0]: r[1] for r in rows}


def test_an_update_leaves_unmoved_rows_alone(store: Store) -> None:
    items = [item(f"i{n}", f"Item {n}") for n in range(6)]
    raw = to_bytes(feed_document(items=items))
    import_feed(store, parse(raw), raw, Provenance(origin="test"))
    before = _positions_by_id(store)
    # i1 removed, a new item between i3 and i4: every other item keeps its place.
    newer = [items[0], items[2], items[3], item("new", "A new item"), items[4], items[5]]
    raw = to_bytes(feed_document(sequence=2, items=newer))
    import_feed(store, parse(raw), raw, Provenance(origin="test"))
    after = _positions_by_id(store)
    kept = ["i0", "i2", "i3", "i4", "i5"]
    assert {i: after[i] for i in kept} == {i: before[i] for i in kept}
    assert sorted(after, key=after.__getitem__) == ["i0", "i2", "i3", "new", "i4", "i5"]
