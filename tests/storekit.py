"""What a store holds, read plainly for tests that compare two stores."""

from __future__ import annotations

from msguide.store.db import Store


def item_rows(store: Store, source: str = "test-source") -> list[tuple[object, ...]]:
    """Each item of `source` in feed order: id, position, text, link and fingerprint."""
    with store.read() as connection:
        return [
            tuple(row)
            for row in connection.exec_driver_sql(
                "SELECT item_id, position, title, summary, content_text, url, fingerprint "
                "FROM items WHERE source_id = ? ORDER BY position",
                (source,),
            )
        ]
