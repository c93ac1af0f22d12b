"""Items marked "Keep offline": wanted on this computer whatever the policy downloads.

User state like favourites: keyed by (source_id, item_id), so it survives every import and
rollback; an entry whose item has gone matches nothing until the item comes back.
"""

from __future__ import annotations

from msguide.clock import utc_now
from msguide.store.db import Store


def set_keep_offline(store: Store, source: str, item_id: str, keep: bool) -> None:
    with store.write() as session:
        connection = session.connection()
        if keep:
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO keep_offline (source_id, item_id, created_at) "
                "VALUES (?,?,?)",
                (source, item_id, utc_now()),
            )
        else:
            connection.exec_driver_sql(
                "DELETE FROM keep_offline WHERE source_id = ? AND item_id = ?", (source, item_id)
            )


def is_kept_offline(store: Store, source: str, item_id: str) -> bool:
    with store.read() as connection:
        row = connection.exec_driver_sql(
            "SELECT 1 FROM keep_offline WHERE source_id = ? AND item_id = ?", (source, item_id)
        ).first()
    return row is not None


def kept_items(store: Store) -> list[tuple[str, str]]:
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT source_id, item_id FROM keep_offline ORDER BY created_at, source_id, item_id"
        )
        return [(r[0], r[1]) for r in rows]
