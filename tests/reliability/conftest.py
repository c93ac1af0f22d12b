"""Fixtures for the reliability tests: a lived-in home, and a disk that fills."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

sys.path.insert(0, str(Path(__file__).parent))

from homes import NEW, OLD, SEED_RAW, LivedIn
from storecheck import Content, content, copy_store, load, store_at


@pytest.fixture
def disk_limit() -> Iterator[Callable[[int], None]]:
    """`disk_limit(pages)`: every store connection opened afterwards may grow by `pages` only.

    SQLite's `max_page_count` fails a write with SQLITE_FULL ("database or disk is full"), just
    like a full disk. Set through a listener on all SQLAlchemy engines, so the store and the
    command line need no test hook; removed again when the test ends.
    """
    limit: dict[str, int] = {}

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if "extra" in limit:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + limit['extra']}")

    def set_limit(extra_pages: int) -> None:
        limit["extra"] = extra_pages

    event.listen(Engine, "connect", on_connect)
    try:
        yield set_limit
    finally:
        event.remove(Engine, "connect", on_connect)


@pytest.fixture(scope="session")
def _lived_in_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LivedIn]:
    """Built once per run (imports are the slow part); each test gets a copy."""
    from msguide import services
    from msguide.paths import locations
    from msguide.store.seed import build_seed
    from msguide.store.userstate import mark_read, record_view, set_favourite

    root = tmp_path_factory.mktemp("lived-in")
    seed_feed = root / "seed-feed.json"
    seed_feed.write_bytes(SEED_RAW)
    seed = root / "bundled" / "seed.sqlite"
    build_seed(seed_feed, seed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MSGUIDE_HOME", str(root / "home"))
        patch.setattr(services, "bundled", lambda _relative: seed)
        opened = services.open_user_store()
        assert opened.seeded
        with opened.store as store:
            load(store, OLD)
            set_favourite(store, "test-source", "item-1", True)
            set_favourite(store, "test-source", "item-2", True)
            load(store, NEW)
            set_favourite(store, "test-source", "item-4", True)
            mark_read(store, [("test-source", "item-5")])
            record_view(store, "test-source", "item-6")
        where = locations()

    def reference(name: str, *raws: bytes) -> Content:
        path = copy_store(seed, root / f"reference-{name}.sqlite")
        return content(store_at(path, *raws))

    template = LivedIn(
        where, seed, reference("seed"), reference("old", OLD), reference("new", OLD, NEW)
    )
    return root, template


@pytest.fixture
def lived_in(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    _lived_in_template: tuple[Path, LivedIn],
) -> LivedIn:
    """A fresh copy of the lived-in home at MSGUIDE_HOME, with its own bundled seed."""
    from msguide import services
    from msguide.paths import locations

    root, template = _lived_in_template
    shutil.copytree(root / "home", home, copy_function=shutil.copyfile)
    seed = tmp_path / "bundled" / "seed.sqlite"
    seed.parent.mkdir()
    shutil.copyfile(template.seed, seed)
    monkeypatch.setattr(services, "bundled", lambda _relative: seed)
    return LivedIn(
        locations(),
        seed,
        template.seed_content,
        template.old_content,
        template.new_content,
    )
