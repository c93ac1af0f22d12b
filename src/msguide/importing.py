"""Import a feed file the way an admin does: size check, parse, verify, then apply.

The steps are separate so the desktop app can show a preview before anything changes:
`check_feed_file` (read, parse, judge the signature; no store), `preview_import` (the dry-run
diff), `apply_import` (the real import). `import_file` runs them in one go for the CLI.
"""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from msguide.errors import (
    FeedError,
    MsguideError,
    RollbackRefusedError,
    StorageError,
    UntrustedFeedError,
    UsageError,
)
from msguide.feed.format import MAX_SIGNATURE_BYTES
from msguide.feed.model import Feed, Item
from msguide.feed.parse import DEFAULT_LIMITS, MEGABYTE, Limits, collector_paused, parse
from msguide.feed.stream import FeedStream, NotStreamable, survey
from msguide.filereading import FileTooLargeError, open_regular_file, read_regular_file
from msguide.paths import locations
from msguide.policy import Policy, load_policy
from msguide.store.db import Store
from msguide.store.importer import (
    FeedBytes,
    FileChangedError,
    ImportResult,
    Provenance,
    import_feed,
    import_items,
)

if TYPE_CHECKING:
    from msguide.feed.signature import ByteReader, SignatureStatus

log = logging.getLogger(__name__)


def looks_like_url(text: str) -> bool:
    return text.lower().startswith(("https://", "http://"))


def read_feed_file(
    path: Path, limits: Limits = DEFAULT_LIMITS, *, what: str = "a feed file"
) -> bytes:
    """The file's bytes, refusing anything larger than the feed size limit before reading it
    all, and anything but a regular file (a device, a pipe, a link to one) without reading."""
    with _feed_file_errors(path, limits, what):
        return read_regular_file(path, limits.max_bytes, what=what)


def read_signature_file(path: Path) -> bytes:
    """A detached signature: a few hundred bytes, never more than MAX_SIGNATURE_BYTES."""
    return read_feed_file(path, Limits(max_bytes=MAX_SIGNATURE_BYTES), what="a signature file")


@contextmanager
def _feed_file_errors(path: Path, limits: Limits, what: str) -> Iterator[None]:
    """What goes wrong opening or reading a file handed to msguide, in one sentence."""
    try:
        yield
    except FileTooLargeError as error:
        raise FeedError(
            f"the {what.removeprefix('a ')} is {error.size / MEGABYTE:.1f} MB; the most allowed "
            f"is {limits.max_bytes / MEGABYTE:.0f} MB"
        ) from None
    except FileNotFoundError:
        raise UsageError(f"there is no file {path}") from None
    except (UnicodeEncodeError, ValueError):  # a lone surrogate or a NUL: no file has that name
        raise UsageError("that is not a file name this system can use") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not {what}") from None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:  # a key or some text taken for a file name
            raise UsageError(f"the file name {str(path)[:60]}… is too long") from None
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None


@dataclass(frozen=True, slots=True)
class CheckedFeed:
    """A feed file read, parsed and its signature judged; the store is not touched.

    `refusal` is set (and `provenance` is None) when the signature rules refuse the feed: the
    feed's own details can still be shown, but it must not be imported.

    A file parsed whole keeps its bytes in `raw` and `feed` holds every item. A large file
    (over STREAM_PREVIEW_BYTES) is read item by item: `raw` is None, `feed` is its head (no
    items), and the preview and the import read the file again, refusing it if its bytes are
    no longer the ones checked (`sha256`).
    """

    path: Path
    raw: bytes | None
    feed: Feed
    signature: bytes | None
    provenance: Provenance | None
    signature_text: str
    refusal: UntrustedFeedError | None = None
    item_count: int = 0
    sha256: str = ""
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True, slots=True)
class PreparedImport:
    """What importing a checked feed would do. `preview` is the dry-run diff.

    `older` explains why the import needs `force` (the feed is older than one already
    accepted); `problem` says why it cannot be imported at all (then `preview` is None).
    """

    checked: CheckedFeed
    preview: ImportResult | None
    older: str | None = None
    problem: MsguideError | None = None

    @property
    def importable(self) -> bool:
        """True when importing would change content (a no-op preview carries a message)."""
        return self.problem is None and self.preview is not None and not self.preview.message


# Above this size the import dialog's check, preview and import each read the file item by
# item (a whole parse holds about five times the file: ~1 GB for 191 MB); below it, one whole
# parse kept for the three steps is quicker.
STREAM_PREVIEW_BYTES = 32 * MEGABYTE


def check_feed_file(
    path: Path,
    *,
    signature_path: Path | None = None,
    policy: Policy | None = None,
    limits: Limits | None = None,
) -> CheckedFeed:
    """Read and parse `path` and judge its signature (`signature_path` or `<path>.minisig`).

    The feed may be as large as the policy allows a synced feed (`[network] max_feed_mb`)
    unless `limits` says otherwise.
    Raises `FeedError` (located with `.path`), `UsageError` or `StorageError` when the file
    cannot be read or is not a valid feed; a signature the policy refuses is kept in `refusal`.
    """
    policy = policy or load_policy(locations().policy)
    limits = limits or policy.feed_limits()
    try:
        large = path.stat().st_size > STREAM_PREVIEW_BYTES
    except (OSError, ValueError):
        large = False  # reading it says what is wrong, as for any file
    if large:
        try:
            with collector_paused():
                return _check_streamed(path, signature_path, policy, limits)
        except NotStreamable:
            pass
    return _check_whole(path, signature_path, policy, limits)


def _check_whole(
    path: Path, signature_path: Path | None, policy: Policy, limits: Limits
) -> CheckedFeed:
    from msguide.feed.signature import verify

    raw = read_feed_file(path, limits)
    feed = parse(raw, limits)
    signature = _signature_beside(path, signature_path)
    trust = policy.trust_for(feed.source.id)
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        status = verify(raw, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
    except UntrustedFeedError as error:
        return CheckedFeed(
            path, raw, feed, signature, None, f"refused: {error}", error,
            len(feed.items), sha256, limits,
        )  # fmt: skip
    provenance = _provenance(path, signature, status)
    return CheckedFeed(
        path, raw, feed, signature, provenance, status.describe(), None,
        len(feed.items), sha256, limits,
    )  # fmt: skip


def _check_streamed(
    path: Path, signature_path: Path | None, policy: Policy, limits: Limits
) -> CheckedFeed:
    """`_check_whole` for a large file: every item read and checked, none kept."""
    from msguide.feed.signature import verify

    with _open_feed_file(path, limits) as handle, _open_feed_file(path, limits) as copy:
        sha256, size = survey(handle, limits)
        handle.seek(0)
        stream = FeedStream(handle, limits)
        for _ in stream.items():
            pass
        if (stream.sha256, stream.size) != (sha256, size):
            raise FileChangedError
        head, count = stream.head, stream.count
        signature = _signature_beside(path, signature_path)
        trust = policy.trust_for(head.source.id)
        data = _HashingReader(copy)
        try:
            status = verify(data, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
        except UntrustedFeedError as error:
            return CheckedFeed(
                path, None, head, signature, None, f"refused: {error}", error,
                count, sha256, limits,
            )  # fmt: skip
        if data.used and data.sha256.hexdigest() != sha256:
            raise FileChangedError
    provenance = _provenance(path, signature, status)
    return CheckedFeed(
        path, None, head, signature, provenance, status.describe(), None, count, sha256, limits
    )


def _signature_beside(path: Path, signature_path: Path | None) -> bytes | None:
    """The detached signature: `signature_path`, else `<path>.minisig` if there is one."""
    if signature_path is None:
        candidate = path.with_name(path.name + ".minisig")
        signature_path = candidate if candidate.exists() else None
    return read_signature_file(signature_path) if signature_path is not None else None


def _provenance(path: Path, signature: bytes | None, status: SignatureStatus) -> Provenance:
    return Provenance(
        origin=str(path.resolve()),
        signature=signature,
        signature_state=status.state,
        signed_by=status.key_id,
    )


def _import_checked(
    store: Store, checked: CheckedFeed, *, force: bool = False, dry_run: bool = False
) -> ImportResult:
    """Import (or preview) a checked feed: from its bytes, or from its file item by item."""
    provenance = checked.provenance
    assert provenance is not None
    if checked.raw is not None:
        return import_feed(
            store, checked.feed, checked.raw, provenance, force=force, dry_run=dry_run
        )
    limits = checked.limits
    with (
        _open_feed_file(checked.path, limits) as handle,
        _open_feed_file(checked.path, limits) as copy,
        collector_paused(),
    ):
        result, _head = import_stream(
            store,
            handle,
            copy,
            limits,
            lambda _head, _data: provenance,
            force=force,
            dry_run=dry_run,
            expected_sha256=checked.sha256,
        )
    return result


def preview_import(store: Store, checked: CheckedFeed) -> PreparedImport:
    """The diff importing `checked` would make (a dry run: nothing changes)."""
    if checked.provenance is None:
        return PreparedImport(checked, None, problem=checked.refusal)
    try:
        return PreparedImport(checked, _import_checked(store, checked, dry_run=True))
    except RollbackRefusedError as refused:
        older = str(refused)
    try:
        preview = _import_checked(store, checked, dry_run=True, force=True)
    except RollbackRefusedError as error:  # a conflict that no force may override
        return PreparedImport(checked, None, problem=error)
    return PreparedImport(checked, preview, older=older)


def prepare_import(
    store: Store,
    path: Path,
    *,
    signature_path: Path | None = None,
    policy: Policy | None = None,
    limits: Limits | None = None,
) -> PreparedImport:
    """Check a feed file and compute what importing it would change; nothing changes."""
    checked = check_feed_file(path, signature_path=signature_path, policy=policy, limits=limits)
    return preview_import(store, checked)


def apply_import(store: Store, prepared: PreparedImport, *, force: bool = False) -> ImportResult:
    """Import a previewed feed. Refuses if the source's content changed since the preview."""
    if prepared.problem is not None:
        raise prepared.problem
    checked, preview = prepared.checked, prepared.preview
    assert checked.provenance is not None and preview is not None
    if prepared.older is not None and not force:
        raise RollbackRefusedError(prepared.older)
    current = _current_sequence(store, checked.feed.source.id)
    if current != preview.previous_sequence:
        raise UsageError(
            f"the content of {checked.feed.source.id} changed since the preview (it is now "
            f"at sequence {current}); nothing was imported; check the preview again"
        )
    result = _import_checked(store, checked, force=force)
    log.info(
        "imported %s: %s (from %s, %s%s)",
        checked.path,
        result.summary(),
        checked.provenance.origin,
        checked.signature_text,
        ", forced" if force else "",
    )
    return result


def _current_sequence(store: Store, source_id: str) -> int | None:
    with store.read() as connection:
        value = connection.exec_driver_sql(
            "SELECT r.sequence FROM sources s JOIN revisions r ON r.id = s.current_revision_id "
            "WHERE s.id = ?",
            (source_id,),
        ).scalar()
    return None if value is None else int(value)


def import_file(
    store: Store,
    path: Path,
    *,
    signature_path: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    policy: Policy | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import a feed file; its signature is `signature_path` or `<path>.minisig` if present.

    The file is read item by item straight into the store's write transaction (memory follows
    the largest item, not the feed); a file in a layout that cannot be streamed is parsed whole.
    """
    policy = policy or load_policy(locations().policy)
    limits = limits or policy.feed_limits()
    try:
        with collector_paused():
            return _import_streamed(store, path, signature_path, force, dry_run, policy, limits)
    except NotStreamable:
        pass
    checked = _check_whole(path, signature_path, policy, limits)
    if checked.refusal is not None:
        raise checked.refusal
    result = _import_checked(store, checked, force=force, dry_run=dry_run)
    if result.applied:
        log.info("imported %s: %s (%s)", path, result.summary(), checked.signature_text)
    return result


def _import_streamed(
    store: Store,
    path: Path,
    signature_path: Path | None,
    force: bool,
    dry_run: bool,
    policy: Policy,
    limits: Limits,
) -> ImportResult:
    from msguide.feed.signature import verify

    status: SignatureStatus | None = None

    def judge(head: Feed, data: ByteReader) -> Provenance:
        nonlocal status
        signature = _signature_beside(path, signature_path)
        trust = policy.trust_for(head.source.id)
        status = verify(data, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
        return _provenance(path, signature, status)

    with _open_feed_file(path, limits) as handle, _open_feed_file(path, limits) as copy:
        result, _head = import_stream(
            store, handle, copy, limits, judge, force=force, dry_run=dry_run
        )
    if result.applied and status is not None:
        log.info("imported %s: %s (%s)", path, result.summary(), status.describe())
    return result


Judge = Callable[[Feed, "ByteReader"], Provenance]


def import_stream(
    store: Store,
    handle: BinaryIO,
    copy: BinaryIO,
    limits: Limits,
    judge: Judge,
    *,
    force: bool = False,
    dry_run: bool = False,
    expected_source: str | None = None,
    expected_sha256: str | None = None,
    each: Callable[[Item], None] | None = None,
) -> tuple[ImportResult, Feed]:
    """Import the feed in `handle` item by item; `copy` (the same file opened again) gives the
    exact bytes for the signature and the store. Returns the result and the feed's head.
    `each` sees every valid item as it goes by (the import reads them all, even a no-op).

    `judge(head, data)` decides whether the feed may be imported once its head is read, before
    any item: it checks the signature over `data` (the bytes from the start, read only if it
    must) and returns the provenance, or raises. Bytes that change meanwhile are refused
    (`FileChangedError`). Raises `NotStreamable` for a layout `FeedStream` cannot read
    (before anything changes: the import is one transaction): parse the file whole instead.
    """
    sha256, size = survey(handle, limits)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise FileChangedError
    handle.seek(0)
    stream = FeedStream(handle, limits)
    items = stream.items() if each is None else _seen(stream.items(), each)
    copy.seek(0)
    data = _HashingReader(copy)
    try:
        provenance = judge(stream.head, data)
    except FeedError:
        # An invalid feed is refused as invalid first, as when it is parsed whole.
        for _ in items:
            pass
        raise
    if data.used and data.sha256.hexdigest() != sha256:
        raise FileChangedError

    def same_bytes() -> None:
        if (stream.sha256, stream.size) != (sha256, size):
            raise FileChangedError

    raw = FeedBytes(sha256, size, handle=copy, check=same_bytes)
    result = import_items(
        store,
        stream.head,
        items,
        raw,
        provenance,
        force=force,
        dry_run=dry_run,
        expected_source=expected_source,
    )
    return result, stream.head


def _seen(items: Iterator[Item], each: Callable[[Item], None]) -> Iterator[Item]:
    for item in items:
        each(item)
        yield item


class _HashingReader:
    """A file read through for a signature check, hashed on the way: the bytes the signature
    was checked against must be the bytes imported."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.used = False

    def read(self, size: int = -1, /) -> bytes:
        self.used = True
        data = self._handle.read(size)
        self.sha256.update(data)
        return data


def _open_feed_file(path: Path, limits: Limits) -> BinaryIO:
    """The regular file opened for reading, refused before reading if larger than the size
    limit; a device or a pipe is refused without being read or waited on."""
    with _feed_file_errors(path, limits, "a feed file"):
        return open_regular_file(path, limits.max_bytes, what="a feed file")
