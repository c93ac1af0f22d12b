"""Search and browse the store: ranked full-text hits and filtered lists, with snippets.

`find` returns the ordered rowids for a query and filters (cheap, even at 100k items);
`hits` fetches display rows with highlighted snippets for just the rowids about to be shown.
`search` does both for callers that want one list (the command line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from msguide.store.content import chunks
from msguide.store.query import fts_query

if TYPE_CHECKING:
    from sqlalchemy import Connection

# Markers around highlighted words in snippets. Feed text can never contain them: control
# characters are made visible when a feed is parsed (msguide.feed.text).
MARK_START = "\x02"
MARK_END = "\x03"
SNIPPET_WORDS = 18

Kind = Literal["resource", "news", "contact"]
Order = Literal["relevance", "feed", "newest", "recent", "title"]


@dataclass(frozen=True, slots=True)
class Filters:
    """What to narrow a list to. Empty fields do not filter."""

    audience: str | None = None
    category: str | None = None
    kind: Kind | None = None
    source: str | None = None
    favourites: bool = False
    recent: bool = False
    unread: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One row of a result list, safe to hand to another thread."""

    rowid: int
    source: str
    id: str
    kind: str
    title: str
    url: str | None
    publisher: str
    format: str | None
    date: str | None
    snippet: str
    score: float
    pinned: bool
    favourite: bool
    read: bool
    phone: str = ""
    is_new: bool = False
    is_updated: bool = False
    offline: bool = False

    def plain_snippet(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "publisher": self.publisher,
            "format": self.format,
            "date": self.date,
            "snippet": self.plain_snippet(),
            "highlights": highlight_spans(self.snippet),
            "score": round(self.score, 4),
            "pinned": self.pinned,
            "favourite": self.favourite,
            "phone": self.phone or None,
            "offline": self.offline,
        }


def highlight_spans(marked: str) -> list[list[int]]:
    """[start, end] character offsets of highlighted words in the unmarked snippet."""
    spans: list[list[int]] = []
    position = 0
    start = -1
    for char in marked:
        if char == MARK_START:
            start = position
        elif char == MARK_END:
            if start >= 0:
                spans.append([start, position])
            start = -1
        else:
            position += 1
    return spans


def _filter_sql(filters: Filters, table: str = "items") -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.kind:
        where.append(f"{table}.kind = ?")
        params.append(filters.kind)
    if filters.source:
        where.append(f"{table}.source_id = ?")
        params.append(filters.source)
    if filters.audience:
        where.append(f"{table}.id IN (SELECT item_rowid FROM item_audiences WHERE audience_id = ?)")
        params.append(filters.audience)
    if filters.category:
        where.append(
            f"{table}.id IN (SELECT item_rowid FROM item_categories WHERE category_id = ?)"
        )
        params.append(filters.category)
    if filters.favourites:
        where.append(
            f"EXISTS (SELECT 1 FROM favourites f WHERE f.source_id = {table}.source_id "
            f"AND f.item_id = {table}.item_id)"
        )
    if filters.unread:
        where.append(
            f"NOT EXISTS (SELECT 1 FROM read_marks m WHERE m.source_id = "
            f"{table}.source_id AND m.item_id = {table}.item_id)"
        )
    if filters.recent:
        where.append(
            f"EXISTS (SELECT 1 FROM recent_views v WHERE v.source_id = "
            f"{table}.source_id AND v.item_id = {table}.item_id)"
        )
    return where, params


_BROWSE_ORDER = {
    "feed": "items.pinned DESC, items.position",
    "title": "items.title COLLATE NOCASE",
    "newest": "COALESCE(items.date_modified, items.date_published) IS NULL, "
    "COALESCE(items.date_published, items.date_modified) DESC, items.position",
    "recent": "(SELECT viewed_at FROM recent_views v WHERE v.source_id = items.source_id "
    "AND v.item_id = items.item_id) DESC",
}


def find(
    connection: Connection,
    text: str,
    filters: Filters = Filters(),
    *,
    order: Order = "relevance",
    limit: int = -1,
) -> list[tuple[int, float]]:
    """(rowid, score) for every match, best first; without searchable text, in list order."""
    match = fts_query(text)
    where, params = _filter_sql(filters)
    if match is None:
        sql = "SELECT items.id, 0.0 FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        browse = "feed" if order == "relevance" else order
        if filters.recent and order == "relevance":
            browse = "recent"
        if filters.kind == "news" and order == "relevance":
            browse = "newest"
        sql += f" ORDER BY {_BROWSE_ORDER[browse]} LIMIT ?"
        return [(r[0], r[1]) for r in connection.exec_driver_sql(sql, (*params, limit))]
    if where:
        sql = (
            "SELECT items_fts.rowid, items_fts.rank FROM items_fts "
            "JOIN items ON items.id = items_fts.rowid "
            f"WHERE items_fts MATCH ? AND {' AND '.join(where)} "
            "ORDER BY items_fts.rank LIMIT ?"
        )
    else:
        sql = "SELECT rowid, rank FROM items_fts WHERE items_fts MATCH ? ORDER BY rank LIMIT ?"
    # bm25 ranks are negative, best lowest; scores are shown best highest.
    return [(r[0], -r[1]) for r in connection.exec_driver_sql(sql, (match, *params, limit))]


_HIT_COLUMNS = (
    "items.id, items.source_id, items.item_id, items.kind, items.title, items.url, "
    "items.publisher, items.format, COALESCE(items.date_modified, items.date_published), "
    "items.pinned, items.phone, "
    "EXISTS (SELECT 1 FROM favourites f WHERE f.source_id = items.source_id "
    "AND f.item_id = items.item_id), "
    "EXISTS (SELECT 1 FROM read_marks m WHERE m.source_id = items.source_id "
    "AND m.item_id = items.item_id), "
    "(items.added_revision_id = s.current_revision_id AND EXISTS (SELECT 1 FROM revisions r "
    "WHERE r.source_id = items.source_id AND r.id < s.current_revision_id)), "
    "(items.changed_revision_id = s.current_revision_id "
    "AND items.added_revision_id != items.changed_revision_id)"
)


def hits(
    connection: Connection,
    rowids: Sequence[int],
    text: str = "",
    scores: dict[int, float] | None = None,
) -> list[Hit]:
    """Display rows for `rowids`, in that order, with snippets highlighting `text`."""
    match = fts_query(text)
    found: dict[int, Hit] = {}
    for chunk in chunks(rowids):
        marks = ",".join("?" * len(chunk))
        if match is None:
            sql = (
                f"SELECT {_HIT_COLUMNS}, substr(items.summary, 1, 240) FROM items "
                f"JOIN sources s ON s.id = items.source_id WHERE items.id IN ({marks})"
            )
            params: tuple[Any, ...] = tuple(chunk)
        else:
            sql = (
                f"SELECT {_HIT_COLUMNS}, snippet(items_fts, -1, ?, ?, '…', {SNIPPET_WORDS}) "
                "FROM items_fts JOIN items ON items.id = items_fts.rowid "
                "JOIN sources s ON s.id = items.source_id "
                f"WHERE items_fts MATCH ? AND items_fts.rowid IN ({marks})"
            )
            params = (MARK_START, MARK_END, match, *chunk)
        for row in connection.exec_driver_sql(sql, params):
            found[row[0]] = Hit(
                rowid=row[0],
                source=row[1],
                id=row[2],
                kind=row[3],
                title=row[4],
                url=row[5],
                publisher=row[6],
                format=row[7],
                date=row[8],
                pinned=bool(row[9]),
                phone=row[10],
                favourite=bool(row[11]),
                read=bool(row[12]),
                is_new=bool(row[13]),
                is_updated=bool(row[14]),
                snippet=row[15] or "",
                score=(scores or {}).get(row[0], 0.0),
            )
    return [found[r] for r in rowids if r in found]


def search(
    connection: Connection,
    text: str,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    order: Order = "relevance",
) -> list[Hit]:
    found = find(connection, text, filters, order=order, limit=limit)
    scores = dict(found)
    return hits(connection, [r for r, _ in found], text, scores)
