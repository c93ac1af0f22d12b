"""Read stored content back as feed values (`Item`, `Taxon`): for diffs, detail views and export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from msguide.feed.model import Attachment, Item, ItemFormat, ItemKind, Taxon

if TYPE_CHECKING:
    from msguide.store.reader import Reader

ITEM_COLUMNS = (
    "id, item_id, kind, title, url, summary, content_text, date_published, date_modified, "
    "language, publisher, format, phone, email, hours, pinned"
)

# Favourite, read, new in the current revision, changed in it: for a query over `items`
# joined to `sources s`.
STATE_COLUMNS = (
    "EXISTS (SELECT 1 FROM favourites f WHERE f.source_id = items.source_id "
    "AND f.item_id = items.item_id), "
    "EXISTS (SELECT 1 FROM read_marks m WHERE m.source_id = items.source_id "
    "AND m.item_id = items.item_id), "
    "(items.added_revision_id = s.current_revision_id AND EXISTS (SELECT 1 FROM revisions r "
    "WHERE r.source_id = items.source_id AND r.id < s.current_revision_id)), "
    "(items.changed_revision_id = s.current_revision_id "
    "AND items.added_revision_id != items.changed_revision_id)"
)

SQLITE_MAX_VARIABLES = 900


def chunks(values: Sequence[int], size: int = SQLITE_MAX_VARIABLES) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _grouped(
    connection: Reader, sql: str, rowids: Sequence[int]
) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for chunk in chunks(rowids):
        statement = sql.format(ids=_placeholders(len(chunk)))
        for row in connection.exec_driver_sql(statement, tuple(chunk)):
            out[row[0]].append(tuple(row[1:]))
    return out


def load_items(connection: Reader, rowids: Sequence[int]) -> dict[int, Item]:
    """Items by rowid, with tags, audiences, categories and attachments in feed order."""
    if not rowids:
        return {}
    tags = _grouped(
        connection,
        "SELECT item_rowid, tag FROM item_tags WHERE item_rowid IN ({ids}) "
        "ORDER BY item_rowid, position",
        rowids,
    )
    audiences = _grouped(
        connection,
        "SELECT item_rowid, audience_id FROM item_audiences "
        "WHERE item_rowid IN ({ids}) ORDER BY item_rowid, position",
        rowids,
    )
    categories = _grouped(
        connection,
        "SELECT item_rowid, category_id FROM item_categories "
        "WHERE item_rowid IN ({ids}) ORDER BY item_rowid, position",
        rowids,
    )
    attachments = _grouped(
        connection,
        "SELECT item_rowid, url, mime_type, title, size_in_bytes, sha256 "
        "FROM attachments WHERE item_rowid IN ({ids}) "
        "ORDER BY item_rowid, position",
        rowids,
    )
    items: dict[int, Item] = {}
    for chunk in chunks(rowids):
        rows = connection.exec_driver_sql(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id IN ({_placeholders(len(chunk))})",
            tuple(chunk),
        )
        for row in rows:
            rowid = row[0]
            items[rowid] = Item(
                id=row[1],
                kind=cast(ItemKind, row[2]),
                title=row[3],
                url=row[4],
                summary=row[5],
                content_text=row[6],
                date_published=row[7],
                date_modified=row[8],
                language=row[9],
                publisher=row[10],
                format=cast(ItemFormat | None, row[11]),
                phone=row[12],
                email=row[13],
                hours=row[14],
                pinned=bool(row[15]),
                tags=tuple(t[0] for t in tags.get(rowid, ())),
                audiences=tuple(a[0] for a in audiences.get(rowid, ())),
                categories=tuple(c[0] for c in categories.get(rowid, ())),
                attachments=tuple(
                    Attachment(
                        url=a[0], mime_type=a[1], title=a[2], size_in_bytes=a[3], sha256=a[4]
                    )
                    for a in attachments.get(rowid, ())
                ),
            )
    return items


def load_taxa(connection: Reader, table: str, source_id: str) -> tuple[Taxon, ...]:
    if table not in ("audiences", "categories"):
        raise ValueError(table)
    rows = connection.exec_driver_sql(
        f"SELECT id, label, description FROM {table} WHERE source_id = ? ORDER BY position",
        (source_id,),
    )
    return tuple(Taxon(r[0], r[1], r[2]) for r in rows)


def source_rowids(connection: Reader, source_id: str) -> list[int]:
    rows = connection.exec_driver_sql(
        "SELECT id FROM items WHERE source_id = ? ORDER BY position", (source_id,)
    )
    return [r[0] for r in rows]
