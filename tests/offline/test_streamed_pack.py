"""An offline pack's feed is extracted to a file and read item by item (issue 16): the same
store as a whole parse, and a feed refused midway changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from offlinekit import DOCX, PDF, files_under, sha
from packkit import FORM, GUIDE, manifest_of, members, pack_feed, relist, write_zip

from feedmaker import item, to_bytes
from msguide.errors import FeedError
from msguide.feed.parse import parse
from msguide.feed.signature import KeyFiles, sign
from msguide.offline import unpack
from msguide.offline.cache import OfflineCache
from msguide.offline.pack import create_pack
from msguide.offline.unpack import import_pack
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed
from msguide.store.seed import logical_dump
from storekit import item_rows

GOOD = 2_300  # more than one import batch (2,000) before the mistake


def document(sequence: int, bad_at: int | None = None) -> dict[str, Any]:
    doc = pack_feed()
    doc["_msguide"]["sequence"] = sequence
    words = "referral support helpline guidance " * 10
    doc["items"] += [
        item(f"item-{n}", f"Item {n}", summary=f"Summary {n}", content_text=f"{n} {words}")
        for n in range(GOOD)
    ]
    if bad_at is not None:
        doc["items"][bad_at]["url"] = "javascript:alert(1)"  # a link scheme no feed may use
    return doc


def make_pack(folder: Path, keys: KeyFiles, doc: dict[str, Any]) -> tuple[Path, bytes]:
    """A pack of `doc` (signed) and both its documents, made from a store on another machine."""
    folder.mkdir()
    raw = to_bytes(doc)
    signature = sign(raw, keys.secret, None)
    with Store.open(folder / "origin.sqlite") as store:
        provenance = Provenance("test", signature=signature, signature_state="verified")
        import_feed(store, parse(raw), raw, provenance)
        cache = OfflineCache(store, folder / "cache", 10**9)
        for body, mime in ((GUIDE, PDF), (FORM, DOCX)):
            staged = folder / "staged"
            staged.write_bytes(body)
            cache.add(staged, sha(body), len(body), mime, origin="test")
        create_pack(store, cache, folder / "pack.zip", None)
    return folder / "pack.zip", raw


def policy_for(keys: KeyFiles) -> Policy:
    url = "https://feeds.example.org/feed.json"
    return Policy(sources=(SourcePolicy(url, "test-source", (keys.public_base64,)),))


def test_a_pack_feed_is_read_item_by_item_into_the_store_a_whole_parse_makes(
    keys: KeyFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, raw = make_pack(tmp_path / "origin", keys, document(1))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the pack's feed was parsed whole")

    monkeypatch.setattr(unpack, "parse", refuse)
    with (
        Store.open(tmp_path / "ours.sqlite") as ours,
        Store.open(tmp_path / "whole.sqlite") as whole,
    ):
        cache = OfflineCache(ours, tmp_path / "cache", 10**9)
        result = import_pack(ours, cache, pack, policy=policy_for(keys))
        import_feed(whole, parse(raw), raw, Provenance("test"))
        assert item_rows(ours) == item_rows(whole)
        with ours.read() as connection:
            kept = connection.exec_driver_sql("SELECT raw FROM revision_blobs").scalar_one()
    assert bytes(kept) == raw
    assert len(result.feeds[0].added) == len(item_rows(whole)) and result.documents_added == 2
    assert sorted(cache.held()) == sorted([sha(GUIDE), sha(FORM)])


def test_a_pack_feed_refused_midway_leaves_store_backups_and_cache_as_they_were(
    keys: KeyFiles, tmp_path: Path
) -> None:
    first, _ = make_pack(tmp_path / "first", keys, document(1))
    second, _ = make_pack(tmp_path / "second", keys, document(2))
    # The second pack with its feed swapped for one whose item 2,200 is invalid, signed and
    # listed properly: only reading the items can find the mistake.
    entries = members(second)
    manifest = manifest_of(entries)
    [feed] = manifest["feeds"]
    bad = to_bytes(document(2, bad_at=GOOD - 100))
    entries[feed["feed"]] = bad
    entries[feed["signature"]] = sign(bad, keys.secret, None)
    entries["manifest.json"] = relist(manifest, entries)
    write_zip(second, entries)

    with Store.open(tmp_path / "store.sqlite") as store:
        store.backup_folder = tmp_path / "backups"
        cache = OfflineCache(store, tmp_path / "cache", 10**9)
        import_pack(store, cache, first, policy=policy_for(keys))
        dump = logical_dump(store.path)
        backups = {p.name: p.read_bytes() for p in store.backup_folder.iterdir()}
        cached = {p: p.read_bytes() for p in files_under(cache.folder)}
        assert len(cached) >= 2

        with pytest.raises(FeedError) as refused:
            import_pack(store, cache, second, policy=policy_for(keys))

        assert f"items[{GOOD - 100}]" in str(refused.value)
        assert logical_dump(store.path) == dump
        assert {p.name: p.read_bytes() for p in store.backup_folder.iterdir()} == backups
        assert {p: p.read_bytes() for p in files_under(cache.folder)} == cached
