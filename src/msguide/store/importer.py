"""Import a feed as the new revision of its source, or roll back to an earlier one.

Either way the change is computed as a diff against what the store holds (added, changed and
removed items) and applied, together with the full-text index, in ONE write transaction: if
anything fails, the previous content stays exactly as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from msguide.clock import is_past, utc_now
from msguide.errors import FeedError, RollbackRefusedError, StorageError, UntrustedFeedError
from msguide.feed.model import Feed, Item
from msguide.feed.parse import collector_paused, parse
from msguide.feed.write import item_fingerprint
from msguide.store.backup import backup_before_change, settle_backup
from msguide.store.content import chunks, load_items
from msguide.store.db import Store
from msguide.store.pathways import replace_pathways
from msguide.store.reader import raw_sqlite
from msguide.store.revision_bytes import STORED_FEED_LIMITS, BlobReader, stored_feed
from msguide.store.synonyms import replace_synonyms

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The exact bytes of a source's newest revisions are kept for rollback; older ones keep their
# history row only. At most this many revisions' bytes...
KEEP_REVISION_BYTES = 20
# ...and only while their sizes add up to at most this. Every backup copies the whole store
# (five are kept), so kept bytes cost six times over on disk. Real feeds are small (the seed's
# is 0.1 MB): 20 revisions of a feed of up to 3 MB fit, so they keep the full 20. A 100k-item
# feed is about 190 MB: with the count alone its store grew to 3.8 GB after 20 imports; now it
# keeps the two revisions below, about twice the feed.
KEEP_REVISION_BYTES_BUDGET = 64 * 2**20
# Always kept, whatever their size: the newest two (the current revision and the one before
# it, so that a rollback of one step always works) and the revision current before an import
# (after a rollback that is not one of the newest two).
ALWAYS_KEPT = 2

# Spacing of items' sort keys (`items.position`) after a first import: room for as many new
# items between two neighbours before keys must be renumbered (see _positions).
POSITION_GAP = 1024


# Items diffed and written together: enough to keep SQLite busy, few enough to keep memory flat.
BATCH = 2000
BLOB_CHUNK = 256 * 1024

_ITEM_FIELDS = tuple(f.name for f in fields(Item) if f.name != "id")

_FTS_COLUMNS = "title, summary, content_text, tags_text, publisher"
_ITEM_INSERT = (
    "INSERT INTO items (id, source_id, item_id, position, kind, title, url, summary, "
    "content_text, tags_text, publisher, format, date_published, date_modified, language, "
    "phone, email, hours, pinned, fingerprint, added_revision_id, changed_revision_id) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_ITEM_UPDATE = (
    "UPDATE items SET kind=?, title=?, url=?, summary=?, content_text=?, "
    "tags_text=?, publisher=?, format=?, date_published=?, date_modified=?, language=?, "
    "phone=?, email=?, hours=?, pinned=?, fingerprint=?, changed_revision_id=? WHERE id=?"
)


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item of a diff; `fields` names what changed (empty for added and removed items)."""

    id: str
    title: str
    kind: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    sequence: int
    applied: bool
    added: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    removed: tuple[ItemChange, ...] = ()
    previous_sequence: int | None = None
    signature: str = "unsigned"
    message: str = ""
    dry_run: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # The feed's own `expires`: content past it is never presented as current.
    expires: str | None = None

    @property
    def expired(self) -> bool:
        return is_past(self.expires)

    def summary(self) -> str:
        return self._summary() + self.expiry_note()

    def expiry_note(self) -> str:
        """A warning once the publisher's expiry has passed; empty before."""
        if not self.expired or self.expires is None:
            return ""
        return (
            f" (the publisher marked this content valid only until {self.expires[:10]}, so it "
            "may be out of date; tell the publisher)"
        )

    def _summary(self) -> str:
        counts = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        )
        if self.dry_run:
            return f"{self.source} sequence {self.sequence} would apply: {counts} (dry run)"
        if not self.applied:
            return f"{self.source} sequence {self.sequence}: {self.message or 'nothing to do'}"
        return f"{self.source} now at sequence {self.sequence}: {counts}"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sequence": self.sequence,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "previous_sequence": self.previous_sequence,
            "signature": self.signature,
            "message": self.message,
            "added": [c.id for c in self.added],
            "changed": [c.id for c in self.changed],
            "removed": [c.id for c in self.removed],
            "expires": self.expires,
            "expired": self.expired,
            **self.extra,
        }


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where feed bytes came from and how their signature was judged."""

    origin: str
    signature: bytes | None = None
    signature_state: str = "unsigned"
    signed_by: str | None = None


def import_feed(
    store: Store,
    feed: Feed,
    raw: bytes,
    provenance: Provenance,
    *,
    force: bool = False,
    dry_run: bool = False,
    expected_source: str | None = None,
    now: str | None = None,
) -> ImportResult:
    """Make `feed` (parsed from exactly `raw`) the current revision of its source.

    Refuses, with `RollbackRefusedError`, a sequence lower than any accepted before (unless
    `force`) and a known sequence with different bytes. Identical bytes are a quiet no-op.
    `expected_source` guards against one source's feed being served for another.
    """
    return import_items(
        store,
        feed,
        feed.items,
        FeedBytes(hashlib.sha256(raw).hexdigest(), len(raw), raw),
        provenance,
        force=force,
        dry_run=dry_run,
        expected_source=expected_source,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class FeedBytes:
    """The exact bytes a revision keeps: in memory, or a file read again in chunks.

    `check` is called once the bytes are stored (a file's stream must have read the same bytes).
    """

    sha256: str
    size: int
    data: bytes | None = None
    handle: BinaryIO | None = None
    check: Callable[[], None] | None = None


def import_items(
    store: Store,
    head: Feed,
    items: Iterable[Item],
    raw: FeedBytes,
    provenance: Provenance,
    *,
    force: bool = False,
    dry_run: bool = False,
    expected_source: str | None = None,
    now: str | None = None,
) -> ImportResult:
    """`import_feed` for a feed whose items arrive one by one (`head.items` is ignored).

    The items are diffed and written in batches inside the one write transaction, so a feed
    need not be in memory whole; an error raised while they are read rolls everything back.
    """
    source_id = head.source.id
    if expected_source is not None and source_id != expected_source:
        _check_all(items)
        raise UntrustedFeedError(
            f'the feed belongs to source "{source_id}", not "{expected_source}"; '
            "it was not imported (a server may be serving the wrong feed)"
        )
    sha256 = raw.sha256
    # A parsed feed is hundreds of thousands of objects that form no cycles: a full pass of the
    # cycle collector while the import runs walks them all for nothing (0.04-0.07 s at 10k
    # items, a sixth of an update's store work). Reference counting frees everything meanwhile.
    with collector_paused(), store.write_connection() as connection:
        state = _source_state(connection, source_id)
        known = connection.exec_driver_sql(
            "SELECT id, sha256 FROM revisions WHERE source_id = ? AND sequence = ?",
            (source_id, head.sequence),
        ).first()
        if known is not None:
            # Other bytes, same content: a feed exported from msguide and imported again.
            same_bytes = known[1] == sha256
            if not same_bytes:
                stored = _same_content(connection, known[0], head, items)  # reads every item
                if stored is None:
                    raise RollbackRefusedError(
                        f"sequence {head.sequence} of {source_id} was already imported with "
                        "different content; the publisher must give every change a higher "
                        "sequence"
                    )
                items = stored.items  # the same items, already read
            if known[0] == state.current_revision_id or not force:
                if known[0] != state.current_revision_id:
                    note = "this revision is already in the history; use rollback to return to it"
                elif same_bytes:
                    note = "already up to date"
                else:
                    note = "this is the content you already have (nothing changed)"
                _check_all(items)
                return ImportResult(
                    source_id,
                    head.sequence,
                    applied=False,
                    previous_sequence=state.current_sequence,
                    signature=provenance.signature_state,
                    message=note,
                    dry_run=dry_run,
                    expires=head.expires,
                )
            made = None if dry_run else backup_before_change(store, keep=None)
            with _backup_settled(store, made):
                return _apply(
                    connection,
                    head,
                    items,
                    known[0],
                    state,
                    dry_run=dry_run,
                    new_revision=False,
                    signature_state=provenance.signature_state,
                    check=raw.check,
                )
        if (
            state.highest_sequence is not None
            and head.sequence < state.highest_sequence
            and (not force)
        ):
            _check_all(items)
            raise RollbackRefusedError(
                f"the feed has sequence {head.sequence}, older than sequence "
                f"{state.highest_sequence} already accepted from {source_id}; "
                "it was refused as a possible rollback (an admin can force it)"
            )
        revision_id = None
        made = None if dry_run else backup_before_change(store, keep=None)
        with _backup_settled(store, made):
            if not dry_run:
                revision_id = _insert_revision(connection, head, raw, provenance, now or utc_now())
            return _apply(
                connection,
                head,
                items,
                revision_id,
                state,
                dry_run=dry_run,
                new_revision=True,
                signature_state=provenance.signature_state,
                check=raw.check,
            )


@contextmanager
def _backup_settled(store: Store, made: Path | None) -> Iterator[None]:
    """Keep the backup made for this change unless the feed is refused while it is applied
    (the store is then exactly as before, and so are its backups). A storage failure keeps
    it: the store may need it."""
    try:
        yield
    except StorageError:
        settle_backup(store, made, applied=True)
        raise
    except BaseException:
        settle_backup(store, made, applied=False)
        raise
    settle_backup(store, made, applied=True)


def _check_all(items: Iterable[Item]) -> None:
    """Read every item before refusing the feed for other reasons: an invalid feed is refused
    as invalid first, as when it is parsed whole."""
    for _ in items:
        pass


def rollback(store: Store, source_id: str, sequence: int, *, dry_run: bool = False) -> ImportResult:
    """Make an earlier (or, to undo a rollback, later) revision current again.

    The revision's kept bytes are read item by item from the store (memory follows the largest
    item, not the feed); a layout the streamed reader cannot read is parsed whole."""
    from msguide.feed.stream import NotStreamable

    try:
        with collector_paused():
            return _rollback(store, source_id, sequence, dry_run=dry_run, streamed=True)
    except NotStreamable:
        return _rollback(store, source_id, sequence, dry_run=dry_run, streamed=False)


def _rollback(
    store: Store, source_id: str, sequence: int, *, dry_run: bool, streamed: bool
) -> ImportResult:
    from msguide.feed.stream import FeedStream

    with store.write_connection() as connection:
        state = _source_state(connection, source_id)
        if state.name is None:
            raise StorageError(f'there is no source "{source_id}" in the store')
        row = connection.exec_driver_sql(
            "SELECT r.id, b.revision_id IS NOT NULL, r.signature_state FROM revisions r "
            "LEFT JOIN revision_blobs b ON b.revision_id = r.id "
            "WHERE r.source_id = ? AND r.sequence = ?",
            (source_id, sequence),
        ).first()
        if row is None:
            raise StorageError(
                f"{source_id} has no revision with sequence {sequence}; "
                "see `msguide history` for the ones it has"
            )
        if not row[1]:
            raise StorageError(
                f"the bytes of {source_id} sequence {sequence} are no longer kept (only "
                f"the newest {KEEP_REVISION_BYTES} are, fewer when they add up to over "
                f"{KEEP_REVISION_BYTES_BUDGET // 2**20} MB), so it cannot be restored"
            )
        if row[0] == state.current_revision_id:
            return ImportResult(
                source_id,
                sequence,
                applied=False,
                previous_sequence=state.current_sequence,
                message="this revision is already current",
                dry_run=dry_run,
            )
        made = None if dry_run else backup_before_change(store, keep=None)
        with _backup_settled(store, made):
            if not streamed:
                feed = stored_feed(connection, row[0])
                return _apply(
                    connection,
                    feed,
                    feed.items,
                    row[0],
                    state,
                    dry_run=dry_run,
                    new_revision=False,
                    signature_state=row[2],
                )
            # Two passes: the ids first, so rows can be removed before new ones take rowids.
            listed = FeedStream(BlobReader(connection, row[0]), STORED_FEED_LIMITS).item_ids()
            stream = FeedStream(BlobReader(connection, row[0]), STORED_FEED_LIMITS)
            return _apply(
                connection,
                stream.head,
                stream.items(),
                row[0],
                state,
                dry_run=dry_run,
                new_revision=False,
                signature_state=row[2],
                listed=listed,
            )


@dataclass(frozen=True, slots=True)
class _SourceState:
    name: str | None
    current_revision_id: int | None
    current_sequence: int | None
    highest_sequence: int | None


def _source_state(connection: Connection, source_id: str) -> _SourceState:
    row = connection.exec_driver_sql(
        "SELECT s.name, s.current_revision_id, r.sequence FROM sources s "
        "LEFT JOIN revisions r ON r.id = s.current_revision_id WHERE s.id = ?",
        (source_id,),
    ).first()
    highest = connection.exec_driver_sql(
        "SELECT MAX(sequence) FROM revisions WHERE source_id = ?", (source_id,)
    ).scalar()
    if row is None:
        return _SourceState(None, None, None, highest)
    return _SourceState(row[0], row[1], row[2], highest)


def _insert_revision(
    connection: Connection,
    feed: Feed,
    raw: FeedBytes,
    provenance: Provenance,
    imported_at: str,
) -> int:
    connection.exec_driver_sql(
        "INSERT INTO sources (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = "
        "excluded.name",
        (feed.source.id, feed.source.name),
    )
    cursor = connection.exec_driver_sql(
        "INSERT INTO revisions (source_id, sequence, sha256, size, published, expires, origin, "
        "imported_at, signature_state, signed_by, added, changed, removed, item_count, title, "
        "description, home_page_url, feed_url, language, about, format) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,0,0,0,0,?,?,?,?,?,?,?)",
        (
            feed.source.id,
            feed.sequence,
            raw.sha256,
            raw.size,
            feed.published,
            feed.expires,
            provenance.origin,
            imported_at,
            provenance.signature_state,
            provenance.signed_by,
            feed.title,
            feed.description,
            feed.home_page_url,
            feed.feed_url,
            feed.language,
            feed.about,
            feed.format,
        ),
    )
    revision_id = cursor.lastrowid
    assert revision_id is not None
    _store_bytes(connection, int(revision_id), raw, provenance.signature)
    _drop_old_bytes(connection, feed.source.id)
    return int(revision_id)


def _drop_old_bytes(connection: Connection, source_id: str) -> None:
    """Keep the bytes of the source's newest revisions only, bounded by count and by size
    (KEEP_REVISION_BYTES, KEEP_REVISION_BYTES_BUDGET); the history rows stay. Once one
    revision's bytes go, all older ones go too: what can be restored is always the newest
    few, as the history window says."""
    current = connection.exec_driver_sql(
        "SELECT current_revision_id FROM sources WHERE id = ?", (source_id,)
    ).scalar()
    revisions = connection.exec_driver_sql(
        "SELECT r.id, r.size, b.revision_id IS NOT NULL FROM revisions r "
        "LEFT JOIN revision_blobs b ON b.revision_id = r.id "
        "WHERE r.source_id = ? ORDER BY r.sequence DESC",
        (source_id,),
    ).all()
    total = 0
    dropping = False
    for rank, (revision_id, size, kept) in enumerate(revisions):
        total += int(size)
        if rank < ALWAYS_KEPT or revision_id == current:
            continue
        dropping = dropping or rank >= KEEP_REVISION_BYTES or total > KEEP_REVISION_BYTES_BUDGET
        if dropping and kept:
            connection.exec_driver_sql(
                "DELETE FROM revision_blobs WHERE revision_id = ?", (revision_id,)
            )


def _store_bytes(
    connection: Connection, revision_id: int, raw: FeedBytes, signature: bytes | None
) -> None:
    """Keep the revision's exact bytes; a file is copied in chunks, never held whole."""
    if raw.data is not None:
        connection.exec_driver_sql(
            "INSERT INTO revision_blobs (revision_id, raw, signature) VALUES (?, ?, ?)",
            (revision_id, raw.data, signature),
        )
        return
    assert raw.handle is not None
    cursor = _driver(connection).execute(
        "INSERT INTO revision_blobs (revision_id, raw, signature) VALUES (?, zeroblob(?), ?)",
        (revision_id, raw.size, signature),
    )
    assert cursor.lastrowid is not None
    raw.handle.seek(0)
    digest = hashlib.sha256()
    copied = 0
    with _driver(connection).blobopen("revision_blobs", "raw", cursor.lastrowid) as blob:
        while copied < raw.size and (chunk := raw.handle.read(min(BLOB_CHUNK, raw.size - copied))):
            digest.update(chunk)
            blob.write(chunk)
            copied += len(chunk)
    if copied != raw.size or raw.handle.read(1) or digest.hexdigest() != raw.sha256:
        raise FileChangedError


class FileChangedError(FeedError):
    def __init__(self) -> None:
        super().__init__(
            "the feed file changed while it was being imported; nothing was imported: "
            "import it again once it is complete"
        )


def _same_content(
    connection: Connection, revision_id: int, head: Feed, items: Iterable[Item]
) -> Feed | None:
    """The revision `revision_id` as kept, when `head` and `items` hold exactly its content
    (written differently); else None. Reads every item either way."""
    row = connection.exec_driver_sql(
        "SELECT raw FROM revision_blobs WHERE revision_id = ?", (revision_id,)
    ).first()
    stored: Feed | None = None
    if row is not None and row[0] is not None:
        try:
            stored = parse(bytes(row[0]), STORED_FEED_LIMITS)
        except FeedError:
            stored = None
    same = stored is not None and replace(head, items=stored.items) == stored
    count = 0
    for index, item in enumerate(items):
        same = same and stored is not None and index < len(stored.items)
        same = same and stored is not None and stored.items[index] == item
        count += 1
    return stored if same and stored is not None and count == len(stored.items) else None


def _changed_fields(old: Item, new: Item) -> tuple[str, ...]:
    return tuple(name for name in _ITEM_FIELDS if getattr(old, name) != getattr(new, name))


def _apply(
    connection: Connection,
    feed: Feed,
    items: Iterable[Item],
    revision_id: int | None,
    state: _SourceState,
    *,
    dry_run: bool,
    new_revision: bool,
    signature_state: str,
    check: Callable[[], None] | None = None,
    listed: set[str] | None = None,
) -> ImportResult:
    """Diff `items` against the stored ones and, unless `dry_run`, write the difference.

    Items are handled BATCH at a time: new ones are inserted, changed ones rewritten (their
    old text first taken out of the full-text index). Sort keys need the whole order, so rows
    get their final keys once every item is known: a new row's provisional key is its index
    times POSITION_GAP, which is already final on a first import.
    """
    source_id = feed.source.id
    # Straight from sqlite3 (same connection, same transaction): SQLAlchemy's per-row work
    # would cost more than SQLite's for the 100k rows of a large feed. Titles are read for the
    # removed items only (`_titles`): reading them for every row took as long as the diff.
    existing: dict[str, tuple[int, str, int]] = {
        row[0]: row[1:]
        for row in _driver(connection)
        .execute(
            "SELECT item_id, id, fingerprint, position FROM items WHERE source_id = ?",
            (source_id,),
        )
        .fetchall()
    }
    writer = None if dry_run else _Writer(connection, source_id, revision_id)
    old_keys: list[int | None] = []
    rowids: list[int] = []  # each item's row (0 for a new item in a dry run)
    keys_now: list[int] = []  # the key its row holds now
    added: list[ItemChange] = []
    changed: list[ItemChange] = []
    seen: set[str] = set()
    removed_first: list[str] | None = None
    gone: dict[str, tuple[str, str]] = {}  # (title, kind) of each removed item
    if isinstance(items, Sequence):
        listed = {i.id for i in items}
    if listed is not None:
        # Known in advance (`listed`: the ids of `items`): remove first, so new rows take the
        # lowest free rowids, as they always have (a rollback and its undo then give back the
        # very same rows).
        removed_first = [item_id for item_id in existing if item_id not in listed]
        gone = _titles(connection, existing, removed_first)
        if writer is not None:
            writer.remove([existing[i][0] for i in removed_first])
    for batch in _batches(items):
        new: list[tuple[int, Item, str]] = []
        edited: list[tuple[int, Item, str]] = []
        for item in batch:
            n = len(old_keys)
            fingerprint = item_fingerprint(item)
            seen.add(item.id)
            old = existing.get(item.id)
            if old is None:
                old_keys.append(None)
                rowids.append(0)
                keys_now.append(n * POSITION_GAP)
                new.append((n, item, fingerprint))
                added.append(ItemChange(item.id, item.title, item.kind))
                continue
            old_keys.append(old[2])
            rowids.append(old[0])
            keys_now.append(old[2])
            if old[1] != fingerprint:
                edited.append((n, item, fingerprint))
        old_items = load_items(connection, [existing[i.id][0] for _, i, _ in edited])
        field_changes = {
            i.id: _changed_fields(old_items[existing[i.id][0]], i) for _, i, _ in edited
        }
        # A fingerprint can differ while every field is equal (the fingerprint's recipe changed
        # in a new msguide): such items are unchanged; only their stored fingerprint changes.
        refreshed = [(existing[i.id][0], f) for _, i, f in edited if not field_changes[i.id]]
        edited = [(n, i, f) for n, i, f in edited if field_changes[i.id]]
        changed += [ItemChange(i.id, i.title, i.kind, field_changes[i.id]) for _, i, _ in edited]
        if writer is not None:
            for n, rowid in writer.write(new, [(existing[i.id][0], i, f) for _, i, f in edited]):
                rowids[n] = rowid
            writer.refresh(refreshed)
    removed_ids = [item_id for item_id in existing if item_id not in seen]
    if removed_first is None:
        gone = _titles(connection, existing, removed_ids)
    if check is not None:
        check()
    result = ImportResult(
        source=source_id,
        sequence=feed.sequence,
        applied=not dry_run,
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(ItemChange(i, *gone[i]) for i in removed_ids),
        previous_sequence=state.current_sequence,
        signature=signature_state,
        dry_run=dry_run,
        expires=feed.expires,
    )
    if writer is None:
        return result
    if removed_first is None:
        writer.remove([existing[i][0] for i in removed_ids])
    positions = _positions(old_keys)
    writer.move(
        [
            (key, rowid)
            for key, now, rowid in zip(positions, keys_now, rowids, strict=True)
            if key != now
        ]
    )
    writer.index()
    _replace_taxa(connection, feed)
    replace_pathways(connection, feed)
    replace_synonyms(connection, feed)
    connection.exec_driver_sql(
        "INSERT INTO sources (id, name, current_revision_id) VALUES (?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "current_revision_id = excluded.current_revision_id",
        (source_id, feed.source.name, revision_id),
    )
    if new_revision:
        connection.exec_driver_sql(
            "UPDATE revisions SET added = ?, changed = ?, removed = ?, item_count = ? WHERE id = ?",
            (len(added), len(changed), len(removed_ids), len(old_keys), revision_id),
        )
    return result


def _titles(
    connection: Connection, existing: dict[str, tuple[int, str, int]], item_ids: list[str]
) -> dict[str, tuple[str, str]]:
    """(title, kind) of stored items, by item id, for the list of removed items."""
    rowids = [existing[i][0] for i in item_ids]
    found: dict[int, tuple[str, str]] = {}
    for chunk in chunks(rowids):
        found.update(
            (row[0], (row[1], row[2]))
            for row in connection.exec_driver_sql(
                f"SELECT id, title, kind FROM items WHERE id IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
        )
    return {item_id: found[rowid] for item_id, rowid in zip(item_ids, rowids, strict=True)}


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Writes one import's rows batch by batch; the full-text index is filled at the end."""

    def __init__(self, connection: Connection, source_id: str, revision_id: int | None) -> None:
        assert revision_id is not None
        self.connection = connection
        self.source_id = source_id
        self.revision_id = revision_id
        self.next_rowid = 0  # known at the first write, after any rows removed first
        for table in ("touched_rows", "written_rows"):
            connection.exec_driver_sql(
                f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)"
            )
            connection.exec_driver_sql(f"DELETE FROM {table}")

    def write(
        self, new: list[tuple[int, Item, str]], edited: list[tuple[int, Item, str]]
    ) -> list[tuple[int, int]]:
        """Insert `new` (index, item, fingerprint) and rewrite `edited` (rowid, item, fingerprint).

        Returns (index, rowid) of each inserted item.
        """
        connection = self.connection
        edited_rowids = [rowid for rowid, _, _ in edited]
        if edited:
            self._unindex(edited_rowids)
            connection.exec_driver_sql(
                _ITEM_UPDATE,
                [
                    (*_content_values(item), fingerprint, self.revision_id, rowid)
                    for rowid, item, fingerprint in edited
                ],
            )
            for table in ("item_tags", "item_audiences", "item_categories", "attachments"):
                for chunk in chunks(edited_rowids):
                    connection.exec_driver_sql(
                        f"DELETE FROM {table} WHERE item_rowid IN ({','.join('?' * len(chunk))})",
                        tuple(chunk),
                    )
        if not self.next_rowid:
            self.next_rowid = 1 + int(
                connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM items").scalar_one()
            )
        first = self.next_rowid
        self.next_rowid += len(new)
        if new:
            connection.exec_driver_sql(
                _ITEM_INSERT,
                [
                    (
                        first + k,
                        self.source_id,
                        item.id,
                        n * POSITION_GAP,
                        *_content_values(item),
                        fingerprint,
                        self.revision_id,
                        self.revision_id,
                    )
                    for k, (n, item, fingerprint) in enumerate(new)
                ],
            )
        written = [(rowid, item) for rowid, item, _ in edited] + [
            (first + k, item) for k, (_, item, _) in enumerate(new)
        ]
        _insert_children(connection, written)
        _fill(connection, "written_rows", [rowid for rowid, _ in written])
        return [(n, first + k) for k, (n, _, _) in enumerate(new)]

    def refresh(self, rows: list[tuple[int, str]]) -> None:
        """Store a new fingerprint for rows whose fields did not change."""
        if rows:
            self.connection.exec_driver_sql(
                "UPDATE items SET fingerprint = ? WHERE id = ?", [(f, r) for r, f in rows]
            )

    def remove(self, rowids: list[int]) -> None:
        self._unindex(rowids)
        for chunk in chunks(rowids):
            self.connection.exec_driver_sql(
                f"DELETE FROM items WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )

    def move(self, keys: list[tuple[int, int]]) -> None:
        """Give rows (key, rowid) their final sort keys."""
        if keys:
            self.connection.exec_driver_sql("UPDATE items SET position = ? WHERE id = ?", keys)

    def index(self) -> None:
        """Index the text of every row written (external-content FTS reads it from `items`)."""
        connection = self.connection
        connection.exec_driver_sql(
            f"INSERT INTO items_fts(rowid, {_FTS_COLUMNS}) "
            f"SELECT id, {_FTS_COLUMNS} FROM items WHERE id IN (SELECT id FROM written_rows)"
        )
        connection.exec_driver_sql("DROP TABLE touched_rows")
        connection.exec_driver_sql("DROP TABLE written_rows")

    def _unindex(self, rowids: list[int]) -> None:
        """Take rows out of the index with their current text, before it changes."""
        if not rowids:
            return
        connection = self.connection
        connection.exec_driver_sql("DELETE FROM touched_rows")
        _fill(connection, "touched_rows", rowids)
        connection.exec_driver_sql(
            f"INSERT INTO items_fts(items_fts, rowid, {_FTS_COLUMNS}) SELECT 'delete', id, "
            f"{_FTS_COLUMNS} FROM items WHERE id IN (SELECT id FROM touched_rows)"
        )


def _driver(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under SQLAlchemy's, inside the same transaction."""
    return raw_sqlite(connection)


def _positions(old: Sequence[int | None]) -> list[int]:
    """Sort keys for a feed's items in feed order, keeping as many old keys as the order allows.

    `old[n]` is the key the n-th item had (None for a new item). Keys only order the items, so
    an item that kept its place keeps its key and its row is not rewritten: removing or adding
    a few items rewrites a few rows, not every row after them. The items kept in order are the
    longest increasing run of old keys; the others get keys spread over the gaps between them
    (POSITION_GAP apart after a first import), and only a gap too small for them all makes
    every key start again from scratch.
    """
    keep = _kept_in_order(old)
    out = [0] * len(old)
    previous: int | None = None
    n = 0
    while n < len(old):
        key = old[n]
        if n in keep and key is not None:
            out[n] = previous = key
            n += 1
            continue
        end = n
        while end < len(old) and end not in keep:
            end += 1
        count = end - n
        following = old[end] if end < len(old) else None
        if previous is not None:
            low = previous
        elif following is not None:
            low = following - (count + 1) * POSITION_GAP
        else:
            low = -POSITION_GAP
        high = following if following is not None else low + (count + 1) * POSITION_GAP
        if high - low <= count:
            return [i * POSITION_GAP for i in range(len(old))]
        for k in range(count):
            out[n + k] = low + (high - low) * (k + 1) // (count + 1)
        n = end
    return out


def _kept_in_order(old: Sequence[int | None]) -> set[int]:
    """Indexes of a longest strictly increasing run of the known keys in `old`."""
    known = [(n, key) for n, key in enumerate(old) if key is not None]
    if all(a[1] < b[1] for a, b in pairwise(known)):
        return {n for n, _ in known}
    tails: list[int] = []  # tails[k]: index in `known` ending the best run of length k + 1
    tail_keys: list[int] = []
    before = [-1] * len(known)
    for m, (_, key) in enumerate(known):
        k = bisect_left(tail_keys, key)
        before[m] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(m)
            tail_keys.append(key)
        else:
            tails[k] = m
            tail_keys[k] = key
    kept: set[int] = set()
    m = tails[-1] if tails else -1
    while m != -1:
        kept.add(known[m][0])
        m = before[m]
    return kept


def _content_values(item: Item) -> tuple[Any, ...]:
    return (
        item.kind,
        item.title,
        item.url,
        item.summary,
        item.content_text,
        "\n".join(item.tags),
        item.publisher,
        item.format,
        item.date_published,
        item.date_modified,
        item.language,
        item.phone,
        item.email,
        item.hours,
        item.pinned,
    )


def _fill(connection: Connection, table: str, rowids: Sequence[int]) -> None:
    if rowids:
        connection.exec_driver_sql(
            f"INSERT OR IGNORE INTO {table} (id) VALUES (?)", [(r,) for r in rowids]
        )


def _insert_children(connection: Connection, written: list[tuple[int, Item]]) -> None:
    tags = [(rowid, n, tag) for rowid, item in written for n, tag in enumerate(item.tags)]
    audiences = [(rowid, a, n) for rowid, item in written for n, a in enumerate(item.audiences)]
    categories = [(rowid, c, n) for rowid, item in written for n, c in enumerate(item.categories)]
    attachments = [
        (rowid, n, a.url, a.mime_type, a.title, a.size_in_bytes, a.sha256)
        for rowid, item in written
        for n, a in enumerate(item.attachments)
    ]
    if tags:
        connection.exec_driver_sql(
            "INSERT INTO item_tags (item_rowid, position, tag) VALUES (?,?,?)", tags
        )
    if audiences:
        connection.exec_driver_sql(
            "INSERT INTO item_audiences (item_rowid, audience_id, position) VALUES (?,?,?)",
            audiences,
        )
    if categories:
        connection.exec_driver_sql(
            "INSERT INTO item_categories (item_rowid, category_id, position) VALUES (?,?,?)",
            categories,
        )
    if attachments:
        connection.exec_driver_sql(
            "INSERT INTO attachments (item_rowid, position, url, mime_type, title, "
            "size_in_bytes, sha256) VALUES (?,?,?,?,?,?,?)",
            attachments,
        )


def _replace_taxa(connection: Connection, feed: Feed) -> None:
    for table, taxa in (("audiences", feed.audiences), ("categories", feed.categories)):
        connection.exec_driver_sql(f"DELETE FROM {table} WHERE source_id = ?", (feed.source.id,))
        if taxa:
            connection.exec_driver_sql(
                f"INSERT INTO {table} (source_id, id, label, description, position) "
                "VALUES (?,?,?,?,?)",
                [(feed.source.id, t.id, t.label, t.description, n) for n, t in enumerate(taxa)],
            )
