"""Pathways in the store: written by every import and rollback, read by the window and the CLI.

Each source's pathways are replaced as a whole with its content (like its audiences), in the
import's one transaction. A pathway is stored as its feed JSON and checked again with the
feed's own rules when it is read, so a damaged row is left out rather than shown half-right.
Stores made before pathways (schema 1) get the table on upgrade, filled from each source's
current revision: a feed imported by msguide 0.1.0 kept its pathways in those bytes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from msguide.errors import FeedError
from msguide.feed.model import Feed, Pathway

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from msguide.store.reader import Reader

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PathwayEntry:
    """A pathway as listed: in the sidebar's "What to do now" and by `msguide pathway list`."""

    source: str
    id: str
    title: str
    summary: str
    steps: int

    @property
    def key(self) -> str:
        return f"{self.source}:{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "steps": self.steps,
        }


@dataclass(frozen=True, slots=True)
class CitedItem:
    """What a pathway step shows of an item it cites."""

    rowid: int
    id: str
    kind: str
    title: str
    phone: str
    hours: str
    url: str | None


@dataclass(frozen=True, slots=True)
class StoredPathway:
    source: str
    source_name: str
    pathway: Pathway
    cited: dict[str, CitedItem]  # by item id; a cite missing here is not in the store


# --- writing --------------------------------------------------------------------------------


def replace_pathways(connection: Connection, feed: Feed) -> None:
    """Make the store's pathways of `feed`'s source exactly `feed.pathways`."""
    from msguide.feed.write import pathway_document

    connection.exec_driver_sql("DELETE FROM pathways WHERE source_id = ?", (feed.source.id,))
    if feed.pathways:
        connection.exec_driver_sql(
            "INSERT INTO pathways (source_id, id, position, title, summary, document) "
            "VALUES (?,?,?,?,?,?)",
            [
                (
                    feed.source.id,
                    p.id,
                    n,
                    p.title,
                    p.summary,
                    json.dumps(pathway_document(p), ensure_ascii=False),
                )
                for n, p in enumerate(feed.pathways)
            ],
        )


def add_pathways_table(connection: Connection) -> None:
    """The schema 1 -> 2 upgrade: the table, filled from each source's current revision."""
    from msguide.store.models import PathwayRow
    from msguide.store.upgrades import current_feeds

    PathwayRow.__table__.create(connection)  # type: ignore[attr-defined]
    for feed in current_feeds(connection, "pathways"):
        replace_pathways(connection, feed)


# --- reading --------------------------------------------------------------------------------


def _has_table(connection: Reader) -> bool:
    """False in a schema 1 store opened read-only (it cannot be upgraded): no pathways then."""
    row = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pathways'"
    ).first()
    return row is not None


def list_pathways(connection: Reader) -> list[PathwayEntry]:
    """Every readable pathway, by source name and then in feed order."""
    if not _has_table(connection):
        return []
    rows = connection.exec_driver_sql(
        "SELECT p.source_id, p.id, p.document FROM pathways p JOIN sources s "
        "ON s.id = p.source_id ORDER BY s.name, p.source_id, p.position"
    ).all()
    out = []
    for source, pathway_id, document in rows:
        pathway = _read(source, pathway_id, document)
        if pathway is not None:
            out.append(
                PathwayEntry(source, pathway.id, pathway.title, pathway.summary, len(pathway.steps))
            )
    return out


def find_pathways(connection: Reader, pathway_id: str) -> list[PathwayEntry]:
    """The pathways with this id (one per source that has it); `SOURCE:ID` names one exactly."""
    source, _, bare = pathway_id.rpartition(":")
    return [
        entry
        for entry in list_pathways(connection)
        if entry.id == bare and (not source or entry.source == source)
    ]


def load_pathway(connection: Reader, source: str, pathway_id: str) -> StoredPathway | None:
    """One pathway with what its steps cite, or None if it is not in the store (or unreadable)."""
    if not _has_table(connection):
        return None
    row = connection.exec_driver_sql(
        "SELECT p.document, s.name FROM pathways p JOIN sources s ON s.id = p.source_id "
        "WHERE p.source_id = ? AND p.id = ?",
        (source, pathway_id),
    ).first()
    if row is None:
        return None
    pathway = _read(source, pathway_id, row[0])
    if pathway is None:
        return None
    wanted = sorted({cited for step in pathway.steps for cited in step.cites})
    return StoredPathway(source, row[1], pathway, _cited_items(connection, source, wanted))


def _cited_items(connection: Reader, source: str, ids: list[str]) -> dict[str, CitedItem]:
    if not ids:
        return {}
    rows = connection.exec_driver_sql(
        "SELECT id, item_id, kind, title, phone, hours, url FROM items "
        f"WHERE source_id = ? AND item_id IN ({','.join('?' * len(ids))})",
        (source, *ids),
    )
    return {r[1]: CitedItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}


def _read(source: str, pathway_id: str, document: object) -> Pathway | None:
    from msguide.feed.pathway import PATHWAY, check_pathways
    from msguide.feed.rules import RuleError

    try:
        if not isinstance(document, str):
            raise FeedError("the stored pathway is not text")
        pathway: Pathway = PATHWAY.check(json.loads(document))
        # Cites are checked against the store's items when shown; the graph is checked here.
        cites = {cited for step in pathway.steps for cited in step.cites}
        check_pathways((pathway,), cites)
    except (ValueError, RecursionError, RuleError, FeedError) as error:
        log.warning("the stored pathway %s:%s cannot be read: %s", source, pathway_id, error)
        return None
    return pathway
