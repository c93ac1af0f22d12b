"""Export a source's current content as a feed that imports back to the same content."""

from __future__ import annotations

from msguide.errors import StorageError
from msguide.feed.model import Feed, Source
from msguide.feed.write import dump_feed
from msguide.store.content import load_items, load_taxa, source_rowids
from msguide.store.db import Store
from msguide.store.pathways import list_pathways, load_pathway
from msguide.store.synonyms import source_synonyms


def current_feed(store: Store, source_id: str) -> Feed:
    """The source's current content, rebuilt from the store's tables."""
    with store.read() as connection:
        head = connection.exec_driver_sql(
            "SELECT s.name, r.sequence, r.published, r.expires, r.title, r.description, "
            "r.home_page_url, r.feed_url, r.language, r.about, r.format FROM sources s "
            "JOIN revisions r ON r.id = s.current_revision_id WHERE s.id = ?",
            (source_id,),
        ).first()
        if head is None:
            raise StorageError(f'the store holds no content from a source "{source_id}"')
        rowids = source_rowids(connection, source_id)
        items = load_items(connection, rowids)
        return Feed(
            source=Source(source_id, head[0]),
            sequence=head[1],
            published=head[2],
            expires=head[3],
            title=head[4],
            description=head[5],
            home_page_url=head[6],
            feed_url=head[7],
            language=head[8],
            about=head[9],
            format=head[10],
            audiences=load_taxa(connection, "audiences", source_id),
            categories=load_taxa(connection, "categories", source_id),
            items=tuple(items[r] for r in rowids),
            pathways=tuple(
                stored.pathway
                for entry in list_pathways(connection)
                if entry.source == source_id
                for stored in (load_pathway(connection, source_id, entry.id),)
                if stored is not None
            ),
            synonyms=source_synonyms(connection, source_id),
        )


def export_feed(store: Store, source_id: str) -> bytes:
    return dump_feed(current_feed(store, source_id))


def source_ids(store: Store) -> list[str]:
    with store.read() as connection:
        return [
            r[0]
            for r in connection.exec_driver_sql(
                "SELECT id FROM sources WHERE current_revision_id IS NOT NULL ORDER BY id"
            )
        ]
