"""The bundled seed: reproducible from data/seed-feed.json, installed once, never overwriting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from msguide.feed.parse import parse
from msguide.services import open_user_store
from msguide.store.export import current_feed
from msguide.store.seed import build_seed, install_seed, logical_dump

PROJECT = Path(__file__).resolve().parents[2]
SEED_FEED = PROJECT / "data" / "seed-feed.json"
SEED_STORE = PROJECT / "data" / "seed.sqlite"


def test_committed_seed_matches_a_fresh_build(tmp_path: Path) -> None:
    rebuilt = tmp_path / "seed.sqlite"
    build_seed(SEED_FEED, rebuilt)
    assert logical_dump(rebuilt) == logical_dump(SEED_STORE), (
        "data/seed.sqlite is stale: run `msguide build-seed` and commit both files"
    )


def test_seed_holds_exactly_the_seed_feed(tmp_path: Path) -> None:
    from msguide.store.db import Store

    with Store.open(SEED_STORE, read_only=True) as store:
        assert current_feed(store, "hiow-msp") == parse(SEED_FEED.read_bytes())
        assert store.journal_mode in ("WAL", "DELETE")


def test_seed_feed_is_real_content() -> None:
    feed = parse(SEED_FEED.read_bytes())
    kinds = [i.kind for i in feed.items]
    assert kinds.count("resource") >= 20 and kinds.count("contact") >= 15
    assert all(i.url is None or i.url.startswith("https://") for i in feed.items)
    assert json.loads(SEED_FEED.read_text(encoding="utf-8"))["_msguide"]["source"]["id"] == (
        "hiow-msp"
    )


def test_first_start_copies_the_seed_and_never_overwrites(home: Path) -> None:
    opened = open_user_store()
    assert opened.seeded
    store_path = opened.store.path
    opened.store.close()
    assert store_path.exists() and store_path.parent == home / "data"
    store_path.write_bytes(b"the user's store")  # whatever is there is never replaced
    assert install_seed(SEED_STORE, store_path) is False
    assert store_path.read_bytes() == b"the user's store"


def test_a_store_in_a_folder_named_with_uri_characters_can_be_dumped(tmp_path: Path) -> None:
    folder = tmp_path / "team #2 ?drafts% 100"
    folder.mkdir()
    copy = folder / "seed.sqlite"
    shutil.copyfile(SEED_STORE, copy)
    assert logical_dump(copy) == logical_dump(SEED_STORE)
