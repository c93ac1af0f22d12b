"""A gone favourite is named by the title its item had in the newest kept feed that held it,
read item by item from the kept bytes (a kept feed can be 190 MB; parsed whole, five times it)."""

from __future__ import annotations

import pytest

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.store import revision_bytes
from msguide.store.db import Store
from msguide.store.favourites import gone_favourites
from msguide.store.importer import Provenance, import_feed
from msguide.store.userstate import set_favourite

FILLER = [item(f"filler-{n}", f"Filler {n}", summary="referral guidance " * 40) for n in range(600)]


def _import(store: Store, sequence: int, items: list[dict[str, object]]) -> None:
    raw = to_bytes(feed_document(sequence=sequence, items=items))
    import_feed(store, parse(raw), raw, Provenance(origin="test"))


def test_a_gone_favourite_is_named_from_the_kept_feed_read_item_by_item(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The favourite's item comes after 600 others (well past one 256 KB read of the kept bytes).
    _import(store, 1, [*FILLER, item("kept-guide", "Old title"), item("last", "Last")])
    _import(store, 2, [*FILLER, item("kept-guide", "Referral guide, 2025"), item("last", "Last")])
    set_favourite(store, "test-source", "kept-guide", True)
    _import(store, 3, [*FILLER, item("last", "Last")])

    def whole_parse(*_: object) -> None:
        raise AssertionError("a kept feed was parsed whole")

    monkeypatch.setattr(revision_bytes, "parse", whole_parse)
    [gone] = gone_favourites(store)
    assert (gone.source, gone.id, gone.title) == (
        "test-source",
        "kept-guide",
        "Referral guide, 2025",
    )
