"""What the desktop app browses: sidebar entries with counts, and one item's full detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from msguide.feed.model import Item, Taxon
from msguide.store.content import STATE_COLUMNS, load_items
from msguide.store.pathways import PathwayEntry, list_pathways

if TYPE_CHECKING:
    from msguide.store.reader import Reader


@dataclass(frozen=True, slots=True)
class SourceEntry:
    id: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class PinnedContact:
    """A contact the content pins, with a phone number: the start card lists these."""

    rowid: int
    title: str
    phone: str
    hours: str


@dataclass(frozen=True, slots=True)
class SidebarData:
    """Counts for every sidebar entry, from one query; taxa in feed order, merged across sources."""

    total: int
    favourites: int
    recent: int
    contacts: int
    news: int
    unread_news: int
    audiences: tuple[tuple[Taxon, int], ...]
    categories: tuple[tuple[Taxon, int], ...]
    sources: tuple[SourceEntry, ...]
    helpline: tuple[str, str] | None = None  # (name, phone) of the first pinned contact
    offline: int = 0  # items with a verified copy on this computer (filled by msguide.offline)
    pinned_contacts: tuple[PinnedContact, ...] = ()  # in content order
    pathways: tuple[PathwayEntry, ...] = ()  # "What to do now", at the top


_COUNTS = """
SELECT 'total', COUNT(*) FROM items
UNION ALL SELECT 'favourites', COUNT(*) FROM items JOIN favourites f
    ON f.source_id = items.source_id AND f.item_id = items.item_id
UNION ALL SELECT 'recent', COUNT(*) FROM items JOIN recent_views v
    ON v.source_id = items.source_id AND v.item_id = items.item_id
UNION ALL SELECT 'contacts', COUNT(*) FROM items WHERE kind = 'contact'
UNION ALL SELECT 'news', COUNT(*) FROM items WHERE kind = 'news'
UNION ALL SELECT 'unread', COUNT(*) FROM items WHERE kind = 'news' AND NOT EXISTS
    (SELECT 1 FROM read_marks m WHERE m.source_id = items.source_id AND m.item_id = items.item_id)
UNION ALL SELECT 'audience:' || audience_id, COUNT(*) FROM item_audiences GROUP BY audience_id
UNION ALL SELECT 'category:' || category_id, COUNT(*) FROM item_categories GROUP BY category_id
UNION ALL SELECT 'source:' || source_id, COUNT(*) FROM items GROUP BY source_id
"""


def _taxa(connection: Reader, table: str) -> list[Taxon]:
    seen: dict[str, Taxon] = {}
    rows = connection.exec_driver_sql(
        f"SELECT t.id, t.label, t.description FROM {table} t JOIN sources s ON s.id = t.source_id "
        "ORDER BY s.id, t.position"
    )
    for row in rows:
        seen.setdefault(row[0], Taxon(row[0], row[1], row[2]))
    return list(seen.values())


def sidebar_data(connection: Reader) -> SidebarData:
    counts = {row[0]: int(row[1]) for row in connection.exec_driver_sql(_COUNTS)}
    sources = tuple(
        SourceEntry(row[0], row[1], counts.get(f"source:{row[0]}", 0))
        for row in connection.exec_driver_sql("SELECT id, name FROM sources ORDER BY name")
    )
    return SidebarData(
        total=counts.get("total", 0),
        favourites=counts.get("favourites", 0),
        recent=counts.get("recent", 0),
        contacts=counts.get("contacts", 0),
        news=counts.get("news", 0),
        unread_news=counts.get("unread", 0),
        audiences=tuple(
            (t, counts.get(f"audience:{t.id}", 0)) for t in _taxa(connection, "audiences")
        ),
        categories=tuple(
            (t, counts.get(f"category:{t.id}", 0)) for t in _taxa(connection, "categories")
        ),
        sources=sources,
        helpline=_helpline(connection),
        pinned_contacts=_pinned_contacts(connection),
        pathways=tuple(list_pathways(connection)),
    )


def _helpline(connection: Reader) -> tuple[str, str] | None:
    row = connection.exec_driver_sql(
        "SELECT title, phone FROM items WHERE kind = 'contact' AND phone != '' "
        "ORDER BY pinned DESC, position LIMIT 1"
    ).first()
    return (row[0], row[1]) if row is not None else None


def _pinned_contacts(connection: Reader) -> tuple[PinnedContact, ...]:
    rows = connection.exec_driver_sql(
        "SELECT id, title, phone, hours FROM items "
        "WHERE kind = 'contact' AND pinned AND phone != '' ORDER BY source_id, position"
    )
    return tuple(PinnedContact(int(r[0]), r[1], r[2], r[3] or "") for r in rows)


@dataclass(frozen=True, slots=True)
class ItemDetail:
    """Everything the detail pane shows about one item."""

    rowid: int
    source: str
    source_name: str
    item: Item
    audience_labels: tuple[str, ...]
    category_labels: tuple[str, ...]
    favourite: bool
    read: bool
    is_new: bool
    is_updated: bool


def item_detail(connection: Reader, rowid: int) -> ItemDetail | None:
    head = connection.exec_driver_sql(
        f"SELECT items.source_id, s.name, {STATE_COLUMNS} "
        "FROM items JOIN sources s ON s.id = items.source_id WHERE items.id = ?",
        (rowid,),
    ).first()
    if head is None:
        return None
    item = load_items(connection, [rowid])[rowid]
    labels = {
        table: {
            r[0]: r[1]
            for r in connection.exec_driver_sql(
                f"SELECT id, label FROM {table} WHERE source_id = ?", (head[0],)
            )
        }
        for table in ("audiences", "categories")
    }
    return ItemDetail(
        rowid=rowid,
        source=head[0],
        source_name=head[1],
        item=item,
        audience_labels=tuple(labels["audiences"].get(a, a) for a in item.audiences),
        category_labels=tuple(labels["categories"].get(c, c) for c in item.categories),
        favourite=bool(head[2]),
        read=bool(head[3]),
        is_new=bool(head[4]),
        is_updated=bool(head[5]),
    )
