"""Which documents to keep offline, and how useful each one is when the cap forces a choice.

Usefulness, most useful first: attachments of items marked "Keep offline" (always wanted), then
of pinned items (wanted unless the policy says none), then of every other item (wanted when
the policy says all); anything else held is not wanted and goes first when room is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from msguide.offline.files import extension_for, is_sha256
from msguide.policy import AttachmentPolicy
from msguide.store.db import Store

if TYPE_CHECKING:
    from msguide.store.reader import Reader

KEPT = 0
PINNED = 1
EVERY = 2
NOT_WANTED = 3


@dataclass(frozen=True, slots=True)
class Wanted:
    """One file to download: what the feed promises about it, and who wants it."""

    sha256: str
    url: str
    mime_type: str
    size: int | None
    title: str
    rank: int


@dataclass(frozen=True, slots=True)
class DownloadPlan:
    """`files`: wanted and not yet held, in the order to fetch them (most useful, then
    smallest, first). `ranks`: the usefulness of every file any current item references.
    `already`: wanted files already held. `unusable`: titles of wanted attachments that cannot
    be kept offline (no SHA-256 in the feed, or not a document type msguide opens)."""

    files: tuple[Wanted, ...]
    ranks: dict[str, int]
    already: int
    unusable: tuple[str, ...]

    @property
    def referenced(self) -> frozenset[str]:
        return frozenset(self.ranks)


def _rank(kept: bool, pinned: bool, mode: AttachmentPolicy) -> int:
    if kept:
        return KEPT
    if pinned and mode in ("all", "pinned"):
        return PINNED
    if mode == "all":
        return EVERY
    return NOT_WANTED


def referenced_files(connection: Reader, mode: AttachmentPolicy) -> list[Wanted]:
    """Every attachment of a current item, with its usefulness (one entry per attachment)."""
    rows = connection.exec_driver_sql(
        "SELECT a.sha256, a.url, a.mime_type, a.size_in_bytes, a.title, i.title, i.pinned, "
        "EXISTS (SELECT 1 FROM keep_offline k WHERE k.source_id = i.source_id "
        "AND k.item_id = i.item_id) "
        "FROM attachments a JOIN items i ON i.id = a.item_rowid "
        "ORDER BY i.pinned DESC, i.position, a.position"
    )
    return [
        Wanted(
            sha256=row[0] or "",
            url=row[1],
            mime_type=row[2],
            size=row[3],
            title=row[4] or row[5],
            rank=_rank(bool(row[7]), bool(row[6]), mode),
        )
        for row in rows
    ]


def plan_downloads(store: Store, mode: AttachmentPolicy, held: set[str]) -> DownloadPlan:
    """What to download now, given the files already `held` (sha256s)."""
    with store.read() as connection:
        entries = referenced_files(connection, mode)
    ranks: dict[str, int] = {}
    best: dict[str, Wanted] = {}
    unusable: list[str] = []
    for entry in entries:
        if not is_sha256(entry.sha256) or extension_for(entry.mime_type) is None:
            if entry.rank < NOT_WANTED:
                unusable.append(entry.title)
            continue
        ranks[entry.sha256] = min(entry.rank, ranks.get(entry.sha256, NOT_WANTED))
        if entry.sha256 not in best or entry.rank < best[entry.sha256].rank:
            best[entry.sha256] = entry
    wanted = [w for w in best.values() if ranks[w.sha256] < NOT_WANTED]
    files = sorted(
        (w for w in wanted if w.sha256 not in held),
        key=lambda w: (w.rank, w.size is None, w.size or 0, w.sha256),
    )
    return DownloadPlan(
        files=tuple(files),
        ranks=ranks,
        already=sum(1 for w in wanted if w.sha256 in held),
        unusable=tuple(dict.fromkeys(unusable)),
    )


def referenced_hashes(store: Store) -> set[str]:
    """The sha256 of every attachment of a current item (what a clean-up keeps)."""
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT DISTINCT sha256 FROM attachments WHERE sha256 IS NOT NULL"
        )
        return {r[0] for r in rows}
