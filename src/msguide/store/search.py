"""Search and browse the store: ranked full-text hits and filtered lists, with snippets.

`find` returns the ordered rowids for a query and filters (cheap, even at 100k items);
`hits` fetches display rows with highlighted snippets for just the rowids about to be shown.
`search` does both for callers that want one list (the command line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from msguide.store.content import STATE_COLUMNS, chunks
from msguide.store.query import RANK_WEIGHTS
from msguide.store.reader import found_nothing, raw_sqlite
from msguide.store.synonyms import match_expression

if TYPE_CHECKING:
    from msguide.store.reader import Reader

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
    offline: bool = False  # only items with a verified offline copy (msguide.offline)


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


def _filter_sql(filters: Filters, rowid: str = "items.id") -> tuple[list[str], list[Any]]:
    """The filters as SQL conditions, with their parameters.

    With the default `rowid` the conditions may test the `items` row itself (browsing scans
    items anyway). For any other `rowid` (a full-text match's) every filter becomes a set of
    rowids to be in: SQLite builds each set once per query from an index, and testing a match
    against it costs far less than joining every match to its large `items` row.
    """
    where: list[str] = []
    params: list[Any] = []
    own = [
        (column, value)
        for column, value in (("kind", filters.kind), ("source_id", filters.source))
        if value
    ]
    if own:
        if rowid == "items.id":
            where += [f"items.{column} = ?" for column, _ in own]
        else:
            tests = " AND ".join(f"{column} = ?" for column, _ in own)
            where.append(f"{rowid} IN (SELECT id FROM items WHERE {tests})")
        params += [value for _, value in own]
    if filters.audience:
        where.append(f"{rowid} IN (SELECT item_rowid FROM item_audiences WHERE audience_id = ?)")
        params.append(filters.audience)
    if filters.category:
        where.append(f"{rowid} IN (SELECT item_rowid FROM item_categories WHERE category_id = ?)")
        params.append(filters.category)
    # User state is keyed by (source_id, item_id): join from the (small) state table.
    for wanted, table, test in (
        (filters.favourites, "favourites", "IN"),
        (filters.unread, "read_marks", "NOT IN"),
        (filters.recent, "recent_views", "IN"),
    ):
        if wanted:
            where.append(
                f"{rowid} {test} (SELECT i.id FROM {table} u JOIN items i "
                "ON i.source_id = u.source_id AND i.item_id = u.item_id)"
            )
    if filters.offline:
        # Cached files are few; each finds its attachments through ix_attachments_sha256.
        where.append(
            f"{rowid} IN (SELECT a.item_rowid FROM cached_files c "
            "JOIN attachments a ON a.sha256 = c.sha256)"
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


# Pinned items are what a publisher says practitioners need first: they rank 1.5x higher
# among matches (the pinned set is tiny and read once through a partial index).
_RANKED = (
    f"rowid, bm25(items_fts, {RANK_WEIGHTS}) * CASE WHEN +items_fts.rowid IN "
    "(SELECT id FROM items WHERE pinned) THEN 1.5 ELSE 1.0 END AS score"
)


def _selection(
    connection: Reader, text: str, filters: Filters, browsed: str, matched: str
) -> tuple[str, list[Any], bool]:
    """`SELECT … FROM …` of the items a list holds for `text` and `filters` (the `browsed`
    columns of `items`, or the `matched` columns of a full-text match), its parameters, and
    whether it is a full-text match. The text is widened by the feeds' synonyms."""
    match = match_expression(connection, text)
    if match is None:
        where, params = _filter_sql(filters)
        sql = f"SELECT {browsed} FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params, False
    # The `+` keeps SQLite from handing the rowid sets to FTS5, which would re-run the whole
    # MATCH once per rowid in them.
    where, params = _filter_sql(filters, rowid="+items_fts.rowid")
    sql = f"SELECT {matched} FROM items_fts WHERE items_fts MATCH ?"
    sql += "".join(f" AND {condition}" for condition in where)
    return sql, [match, *params], True


def find(
    connection: Reader,
    text: str,
    filters: Filters = Filters(),
    *,
    order: Order = "relevance",
    limit: int = -1,
) -> list[tuple[int, float]]:
    """(rowid, score) for every match, best first; without searchable text, in list order."""
    sql, params, matched = _selection(connection, text, filters, "items.id, 0.0", _RANKED)
    if not matched:
        browse = "feed" if order == "relevance" else order
        if filters.recent and order == "relevance":
            browse = "recent"
        if filters.kind == "news" and order == "relevance":
            browse = "newest"
        sql += f" ORDER BY {_BROWSE_ORDER[browse]} LIMIT ?"
        return [(r[0], r[1]) for r in _rows(connection, sql, (*params, limit))]
    # bm25() sorted by SQLite is the configured rank, computed once per match; FTS5's own
    # ORDER BY rank evaluates the MATCH twice. bm25 ranks are negative, best lowest; scores
    # are shown best highest.
    sql += " ORDER BY score, rowid LIMIT ?"
    ranked = [(r[0], -r[1]) for r in _rows(connection, sql, (*params, limit))]
    if not ranked and limit != 0:
        found_nothing(connection)  # maybe a damaged index that said nothing (Store.read)
    return ranked


def count(connection: Reader, text: str, filters: Filters = Filters()) -> int:
    """How many items `find` would return, without ranking them (FTS5 counts its doclists)."""
    sql, params, _matched = _selection(connection, text, filters, "count(*)", "count(*)")
    return int(_rows(connection, sql, params)[0][0])


@dataclass(frozen=True, slots=True)
class FirstPage:
    """What a list shows first: the best `found` matches, how many match in all, and display
    rows for the top of the list."""

    found: list[tuple[int, float]]
    total: int
    hits: list[Hit]
    # False for a page of shown rows that still match, not ranked (`narrowed_page`): the exact
    # page follows.
    exact: bool = True

    @property
    def complete(self) -> bool:
        return len(self.found) >= self.total


def first_page(
    connection: Reader,
    text: str,
    filters: Filters = Filters(),
    *,
    order: Order = "relevance",
    rows: int = 100,
    shown: int = 40,
    snippets: bool = True,
) -> FirstPage:
    """The best `rows` matches and display rows for the first `shown`: what search as you
    type needs per keystroke. Ranking every match can wait (and is dropped if the person
    types on); counting them is cheap. Without `snippets` each row shows the start of its
    summary instead: highlighted snippets cost up to a frame for 30 rows on a loaded machine,
    so the app paints first and asks for them after (`hits`)."""
    found = find(connection, text, filters, order=order, limit=rows)
    total = len(found) if len(found) < rows else count(connection, text, filters)
    scores = dict(found)
    top = hits(connection, [r for r, _ in found[:shown]], text if snippets else "", scores)
    return FirstPage(found, total, top)


# Up to this many matches, ranking every one exactly costs about a millisecond at most (bm25
# costs per match, not per item), so a narrowed page is not worth showing first.
EXACT_BELOW = 1000


def narrowed_page(
    connection: Reader,
    text: str,
    filters: Filters,
    candidates: Sequence[int],
    *,
    scores: dict[int, float] | None = None,
    rows: int = 100,
    shown: int = 40,
    exact_below: int = EXACT_BELOW,
) -> FirstPage:
    """A first page for a key typed over a shown list: `candidates` (the shown rows, in their
    order) that still match `text`, with the `scores` they were shown with, and every match
    counted, all in one pass over the matches without ranking any (`exact` is False). A
    typed prefix can match nearly every item, and bm25 over them all costs a frame at 10k
    items; the exact page (`first_page`) follows.

    The exact page is returned instead when at most `exact_below` items match (ranking them
    is cheap) or when no candidate still matches (nothing to show meanwhile)."""
    match = match_expression(connection, text)
    if match is None or not candidates:
        return first_page(connection, text, filters, rows=rows, shown=shown, snippets=False)
    marks = ",".join("?" * len(candidates))
    # One pass: count every match and note which candidates are among them. bm25 is never
    # called, so FTS5 does not read the position lists nor count each phrase's rows again.
    counted = (
        f"count(*), group_concat(CASE WHEN +items_fts.rowid IN ({marks}) THEN items_fts.rowid END)"
    )
    sql, params, _matched = _selection(connection, text, filters, counted, counted)
    total, listed = _rows(connection, sql, [*candidates, *params])[0]
    matching = {int(r) for r in listed.split(",")} if listed else set()
    if total <= exact_below or not matching:
        found = find(connection, text, filters, limit=rows)
        top = hits(connection, [r for r, _ in found[:shown]], "", dict(found))
        return FirstPage(found, int(total), top)
    given = scores or {}
    found = [(r, given.get(r, 0.0)) for r in dict.fromkeys(candidates) if r in matching][:rows]
    top = hits(connection, [r for r, _ in found[:shown]], "", dict(found))
    return FirstPage(found, int(total), top, exact=False)


def _rows(connection: Reader, sql: str, params: Sequence[Any]) -> list[Any]:
    """Every row of a query, straight from sqlite3 on the same connection.

    For lists of every match (up to 100k rows) SQLAlchemy's work per row costs more than SQLite's.
    """
    return raw_sqlite(connection).execute(sql, params).fetchall()


_HIT_COLUMNS = (
    "items.id, items.source_id, items.item_id, items.kind, items.title, items.url, "
    "items.publisher, items.format, COALESCE(items.date_modified, items.date_published), "
    "items.pinned, items.phone, "
    f"{STATE_COLUMNS}, "
    # A verified copy of one of its attachments is in the offline cache (msguide.offline).
    "EXISTS (SELECT 1 FROM attachments a JOIN cached_files c ON c.sha256 = a.sha256 "
    "WHERE a.item_rowid = items.id)"
)


def hits(
    connection: Reader,
    rowids: Sequence[int],
    text: str = "",
    scores: dict[int, float] | None = None,
) -> list[Hit]:
    """Display rows for `rowids`, in that order, with snippets highlighting `text` (and its
    synonyms)."""
    match = match_expression(connection, text)
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
                "FROM items_fts CROSS JOIN items ON items.id = items_fts.rowid "
                "JOIN sources s ON s.id = items.source_id "
                # One pass over the matches (the `+` again stops one MATCH per rowid); the
                # snippet is made only for the rows asked for.
                f"WHERE items_fts MATCH ? AND +items_fts.rowid IN ({marks})"
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
                offline=bool(row[15]),
                snippet=row[16] or "",
                score=(scores or {}).get(row[0], 0.0),
            )
    return [found[r] for r in rowids if r in found]


def search(
    connection: Reader,
    text: str,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    order: Order = "relevance",
) -> list[Hit]:
    found = find(connection, text, filters, order=order, limit=limit)
    scores = dict(found)
    return hits(connection, [r for r, _ in found], text, scores)
