"""Helpers for the reliability tests: feed revisions, sound-store checks and content snapshots.

Every reliability test ends by comparing `content(path)` with the snapshot of exactly the old
or exactly the new revision, so "never a mix" is checked row by row, index included.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.store.db import Store
from msguide.store.importer import ImportResult, Provenance, import_feed

# Fixed, so that two imports of the same bytes write the same rows (imported_at included).
NOW = "2025-04-02T10:00:00Z"
ORIGIN = Provenance(origin="reliability test")

CONTENT_TABLES = (
    "sources",
    "revisions",
    "revision_blobs",
    "audiences",
    "categories",
    "items",
    "item_tags",
    "item_audiences",
    "item_categories",
    "attachments",
)
USER_TABLES = ("favourites", "read_marks", "recent_views")
# Words every generated item carries in some revision: the index must find exactly the rows
# the content tables hold.
PROBES = ("guidance", "referral", "changed", "added", "topic*", "safeguarding")


def revision(count: int, sequence: int) -> bytes:
    """A feed of `count` items. Sequence 2 changes every 3rd, drops every 7th, adds a tenth."""
    items: list[dict[str, Any]] = []
    for n in range(count):
        if sequence >= 2 and n % 7 == 3:
            continue
        changed = sequence >= 2 and n % 3 == 0
        items.append(
            item(
                f"item-{n}",
                f"Resource {n} on topic {n % 97}" + (" (changed)" if changed else ""),
                summary=f"Referral guidance number {n}, revision {sequence if changed else 1}.",
                content_text="Safeguarding and referral practice for front-line staff. " * 4,
                tags=[f"tag-{n % 13}", "guidance"],
                categories=["nrm"] if n % 2 else ["toolkits"],
            )
        )
    if sequence >= 2:
        items += [
            item(f"added-{n}", f"Added resource {n}", summary="Added in sequence 2.")
            for n in range(count // 10)
        ]
    return to_bytes(feed_document(sequence=sequence, items=items))


def load(store: Store, raw: bytes, **kwargs: Any) -> ImportResult:
    return import_feed(store, parse(raw), raw, ORIGIN, now=NOW, **kwargs)


@dataclass(frozen=True)
class Content:
    """What a store holds, table by table (row count and digest), and what the index finds."""

    tables: dict[str, tuple[int, str]]
    found: dict[str, tuple[int, ...]]


def snapshot(connection: Connection, tables: tuple[str, ...] = CONTENT_TABLES) -> Content:
    digests: dict[str, tuple[int, str]] = {}
    for table in tables:
        rows = sorted(repr(tuple(r)) for r in connection.exec_driver_sql(f"SELECT * FROM {table}"))
        digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
        digests[table] = (len(rows), digest[:16])
    found = {
        probe: tuple(
            connection.exec_driver_sql(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid", (probe,)
            ).scalars()
        )
        for probe in PROBES
    }
    return Content(digests, found)


def assert_sound(connection: Connection) -> None:
    """SQLite's full integrity check and FTS5's own index check both pass."""
    assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
    connection.exec_driver_sql("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")


def content(path: Path) -> Content:
    """Open the store the way msguide does, check it is sound, and snapshot its content."""
    with Store.open(path) as store, store.read() as connection:
        assert_sound(connection)
        return snapshot(connection)


def user_state(path: Path) -> Content:
    with Store.open(path) as store, store.read() as connection:
        return snapshot(connection, USER_TABLES)


def store_at(path: Path, *raws: bytes) -> Path:
    """A store at `path` holding the given revisions, imported in order, with no -wal left."""
    with Store.open(path) as store:
        for raw in raws:
            load(store, raw)
    return path


def copy_store(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target
