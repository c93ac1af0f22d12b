"""Favourites that travel: list them, and move them to another computer as a small file.

The file holds which items are favourites (source and item ids) and, for people reading it,
their titles; nothing else. There are no free-text notes on purpose: case details must not be
stored on a laptop (README, "Favourites that travel"). Importing merges: favourites already
held stay, and ids the current content lacks are kept (user state is keyed by ids and survives
content changes) and listed as unavailable until their item comes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from msguide.clock import utc_now
from msguide.errors import ExitCode, MsguideError
from msguide.feed.text import has_control_characters
from msguide.store.db import Store

FILE_FORMAT = 1
FORMAT_KEY = "msguide_favourites"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_ID_LENGTH = 256


class FavouritesFileError(MsguideError):
    """The favourites file is damaged, hostile or not one; nothing was changed (exit 3)."""

    exit_code = ExitCode.INVALID_FEED
    code = "invalid_favourites"


@dataclass(frozen=True, slots=True)
class Favourite:
    source: str
    id: str
    title: str  # "" when the item is not in the current content
    kind: str
    created_at: str

    @property
    def available(self) -> bool:
        return bool(self.kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "title": self.title or None,
            "kind": self.kind or None,
            "available": self.available,
            "added": self.created_at,
        }


def list_favourites(store: Store) -> list[Favourite]:
    """Every favourite, available ones in the order they were added, then unavailable ones."""
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT f.source_id, f.item_id, COALESCE(i.title, ''), COALESCE(i.kind, ''), "
            "f.created_at FROM favourites f LEFT JOIN items i "
            "ON i.source_id = f.source_id AND i.item_id = f.item_id "
            "ORDER BY i.id IS NULL, f.created_at, f.source_id, f.item_id"
        ).all()
    return [Favourite(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class GoneFavourite:
    """A favourite whose item is not in the current content."""

    source: str
    id: str
    title: str  # as the newest stored revision that held the item had it; "" if none does


def gone_favourites(store: Store) -> list[GoneFavourite]:
    """The favourites whose item has gone, oldest first, with the title each last had.

    The favourites table keeps only ids, so the title comes from the stored feeds kept for
    rollback (newest first). Those are parsed, with the parser's text rules, only when there
    is a favourite to name.
    """
    gone = [f for f in list_favourites(store) if not f.available]
    if not gone:
        return []
    titles = _titles_in_stored_revisions(store, {(f.source, f.id) for f in gone})
    return [GoneFavourite(f.source, f.id, titles.get((f.source, f.id), "")) for f in gone]


def _titles_in_stored_revisions(
    store: Store, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    from msguide.errors import FeedError
    from msguide.store.revision_bytes import stored_items

    sources = sorted({source for source, _id in wanted})
    marks = ",".join("?" * len(sources))
    titles: dict[tuple[str, str], str] = {}
    with store.read() as connection:
        revisions = connection.exec_driver_sql(
            f"SELECT r.id, r.source_id FROM revisions r JOIN revision_blobs b "
            f"ON b.revision_id = r.id WHERE r.source_id IN ({marks}) "
            "ORDER BY r.source_id, r.sequence DESC",
            sources,
        ).all()
        for revision_id, source in revisions:
            missing = {key for key in wanted if key[0] == source and key not in titles}
            if not missing:
                continue  # every gone favourite of this source is named already
            # Item by item: a kept feed can be 190 MB, and parsed whole it took five times that.
            try:
                for item in stored_items(connection, revision_id):
                    key = (source, item.id)
                    if key in missing:
                        titles[key] = item.title
                        missing.discard(key)
                        if not missing:
                            break
            except FeedError:
                continue  # a revision an older msguide accepted: its titles are not read
    return titles


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    already: int
    unavailable: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        parts = [f"Added {self.added} favourite{'' if self.added == 1 else 's'}"]
        if self.already:
            parts.append(f"{self.already} already held")
        if self.unavailable:
            parts.append(
                f"{len(self.unavailable)} not in the current content (kept, and shown once "
                "their items come back)"
            )
        return "; ".join(parts) + "."


def export_favourites(store: Store) -> bytes:
    """The favourites file: ids to merge elsewhere, titles for people to read."""
    entries = [
        {"source": f.source, "id": f.id, **({"title": f.title} if f.title else {})}
        for f in list_favourites(store)
    ]
    document = {
        FORMAT_KEY: FILE_FORMAT,
        "exported": utc_now(),
        "note": "msguide favourites: which items, nothing else. Import with File > Import "
        "favourites, or `msguide favourites import FILE`.",
        "favourites": entries,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_favourites_file(raw: bytes) -> list[tuple[str, str]]:
    """The (source, item id) pairs of a favourites file. Raises `FavouritesFileError`."""
    if len(raw) > MAX_FILE_BYTES:
        raise FavouritesFileError(
            f"the file is {len(raw) // 1024} KB, far larger than a favourites file can be"
        )
    try:
        document = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FavouritesFileError(
            "the file is not an msguide favourites file (it is not valid JSON text)"
        ) from None
    if not isinstance(document, dict) or document.get(FORMAT_KEY) != FILE_FORMAT:
        raise FavouritesFileError(
            "the file is not an msguide favourites file (File > Export favourites makes one)"
        )
    entries = document.get("favourites")
    if not isinstance(entries, list):
        raise FavouritesFileError('the favourites file has no list of "favourites"')
    if len(entries) > MAX_ENTRIES:
        raise FavouritesFileError(
            f"the favourites file lists {len(entries)} items; the most allowed is {MAX_ENTRIES}"
        )
    pairs: list[tuple[str, str]] = []
    for number, entry in enumerate(entries, 1):
        source = entry.get("source") if isinstance(entry, dict) else None
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if not (_plain_id(source) and _plain_id(item_id)):
            raise FavouritesFileError(
                f"favourite {number} of the file has no valid source and id; nothing was imported"
            )
        assert isinstance(source, str) and isinstance(item_id, str)
        pairs.append((source, item_id))
    return list(dict.fromkeys(pairs))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _plain_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and bool(value.strip())
        and not has_control_characters(value)
    )


def import_favourites(store: Store, pairs: list[tuple[str, str]]) -> ImportSummary:
    """Merge `pairs` into the favourites, in one transaction."""
    now = utc_now()
    with store.write() as session:
        connection = session.connection()
        held = {
            (row[0], row[1])
            for row in connection.exec_driver_sql("SELECT source_id, item_id FROM favourites")
        }
        new = [pair for pair in pairs if pair not in held]
        if new:
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO favourites (source_id, item_id, created_at) VALUES (?,?,?)",
                [(source, item_id, now) for source, item_id in new],
            )
        present = {
            (row[0], row[1])
            for row in connection.exec_driver_sql("SELECT source_id, item_id FROM items")
        }
    unavailable = tuple(pair for pair in new if pair not in present)
    return ImportSummary(len(new), len(pairs) - len(new), unavailable)


def find_item(store: Store, item_id: str, source: str | None = None) -> list[tuple[str, str]]:
    """(source, title) of the items with `item_id` (in `source`, when given)."""
    with store.read() as connection:
        sql = "SELECT source_id, title FROM items WHERE item_id = ?"
        params: tuple[str, ...] = (item_id,)
        if source:
            sql += " AND source_id = ?"
            params += (source,)
        return [(row[0], row[1]) for row in connection.exec_driver_sql(sql + " ORDER BY 1", params)]
