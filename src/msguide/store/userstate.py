"""A person's own state: favourites, read news and recently viewed items.

Keyed by (source_id, item_id), not by rowid, so it survives every import and rollback; an entry
whose item has gone simply matches nothing until the item comes back.
"""

from __future__ import annotations

from msguide.clock import utc_now, utc_now_precise
from msguide.store.db import Store

RECENT_LIMIT = 50


def set_favourite(store: Store, source: str, item_id: str, favourite: bool) -> None:
    with store.write() as session:
        connection = session.connection()
        if favourite:
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO favourites (source_id, item_id, created_at) VALUES (?,?,?)",
                (source, item_id, utc_now()),
            )
        else:
            connection.exec_driver_sql(
                "DELETE FROM favourites WHERE source_id = ? AND item_id = ?", (source, item_id)
            )


def is_favourite(store: Store, source: str, item_id: str) -> bool:
    with store.read() as connection:
        return (
            connection.exec_driver_sql(
                "SELECT 1 FROM favourites WHERE source_id = ? AND item_id = ?", (source, item_id)
            ).first()
            is not None
        )


def mark_read(store: Store, keys: list[tuple[str, str]]) -> None:
    """Mark news items read; already-read items keep their first read time."""
    if not keys:
        return
    now = utc_now()
    with store.write() as session:
        session.connection().exec_driver_sql(
            "INSERT OR IGNORE INTO read_marks (source_id, item_id, read_at) VALUES (?,?,?)",
            [(source, item_id, now) for source, item_id in keys],
        )


def mark_all_news_read(store: Store) -> int:
    now = utc_now()
    with store.write() as session:
        cursor = session.connection().exec_driver_sql(
            "INSERT OR IGNORE INTO read_marks (source_id, item_id, read_at) "
            "SELECT source_id, item_id, ? FROM items WHERE kind = 'news'",
            (now,),
        )
        return int(cursor.rowcount or 0)


def unread_news_count(store: Store) -> int:
    with store.read() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT COUNT(*) FROM items WHERE kind = 'news' AND NOT EXISTS (SELECT 1 FROM "
                "read_marks m WHERE m.source_id = items.source_id AND m.item_id = items.item_id)"
            ).scalar_one()
        )


def record_view(store: Store, source: str, item_id: str) -> None:
    """Remember that an item was opened; only the newest RECENT_LIMIT views are kept."""
    with store.write() as session:
        connection = session.connection()
        connection.exec_driver_sql(
            "INSERT INTO recent_views (source_id, item_id, viewed_at) VALUES (?,?,?) "
            "ON CONFLICT(source_id, item_id) DO UPDATE SET viewed_at = excluded.viewed_at",
            (source, item_id, utc_now_precise()),
        )
        connection.exec_driver_sql(
            "DELETE FROM recent_views WHERE rowid NOT IN (SELECT rowid FROM recent_views "
            "ORDER BY viewed_at DESC LIMIT ?)",
            (RECENT_LIMIT,),
        )
