"""`msguide import PACK.zip`: check EVERYTHING in an offline pack, then import it.

Checked before anything changes, each refusal a `FeedError` (exit 3) with the store and the
cache untouched: the zip's structure (msguide.offline.packzip: names, links, duplicates,
member count, sizes, zip bombs); the manifest, and that the members are exactly the files it
lists, each with its size and SHA-256; each feed's signature against the pinned keys with the
same trust rules as importing a feed file (msguide.importing), BEFORE the feed is parsed; that
each feed parses and would import (no rollback, unless forced); that each document is one a
pack feed attaches, with the SHA-256 and size the feed gives. Documents are checked into a
folder inside the cache (never a name from the pack), then the feeds are imported (each in
one transaction) and the documents moved into the cache.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from msguide.errors import (
    FeedError,
    RollbackRefusedError,
    StorageError,
    UntrustedFeedError,
    UsageError,
)
from msguide.feed.format import MAX_SIGNATURE_BYTES
from msguide.feed.model import Feed, Item
from msguide.feed.parse import Limits, parse
from msguide.feed.stream import NotStreamable
from msguide.filereading import refuse_special_file
from msguide.offline.cache import OfflineCache, megabytes
from msguide.offline.files import extension_for
from msguide.offline.manifest import Manifest, load_manifest
from msguide.offline.packzip import (
    MANIFEST,
    MAX_MANIFEST_BYTES,
    PackError,
    check_members,
    open_pack,
    read_member,
)
from msguide.offline.plan import NOT_WANTED, plan_downloads, referenced_hashes
from msguide.policy import AttachmentPolicy, Policy
from msguide.store.db import Store
from msguide.store.importer import ImportResult, Provenance, import_feed

log = logging.getLogger(__name__)


# A document a pack feed attaches: sha256 -> (size if given, mime type).
_Promised = dict[str, tuple[int | None, str]]


@dataclass(frozen=True, slots=True)
class _CheckedFeed:
    """A pack's feed, checked: extracted to `file` (in the staging folder) and previewed.

    `head` is the feed without its items, which are read from the file again to import it;
    `whole` is the feed and its bytes when its layout cannot be read item by item.
    """

    member: str
    file: Path
    sha256: str
    head: Feed
    provenance: Provenance
    preview: ImportResult
    promised: _Promised
    whole: tuple[Feed, bytes] | None = None


@dataclass(frozen=True, slots=True)
class _StagedFile:
    sha256: str
    size: int
    mime_type: str
    path: Path


@dataclass(frozen=True, slots=True)
class PackImportResult:
    """What importing a pack did (or, for a dry run, would do)."""

    pack: Path
    feeds: tuple[ImportResult, ...]
    documents_added: int
    documents_held: int
    documents_over_cap: int
    dry_run: bool = False

    def summary(self) -> str:
        lines = [r.summary() for r in self.feeds]
        verb = "would add" if self.dry_run else "added"
        line = f"Offline documents: {verb} {self.documents_added}"
        if self.documents_held:
            line += f", {self.documents_held} already on this computer"
        if self.documents_over_cap:
            line += (
                f", {self.documents_over_cap} left out: they do not fit in the space allowed for "
                "offline documents (ask IT to raise offline.cap_mb)"
            )
        return "\n".join([*lines, line + "."])

    def to_json(self) -> dict[str, Any] | list[dict[str, Any]]:
        """One `import` object per feed (DESIGN.md §3) with the pack's document counts; a
        list only when the pack holds several feeds."""
        documents = {
            "added": self.documents_added,
            "already_offline": self.documents_held,
            "over_cap": self.documents_over_cap,
        }
        objects = [
            {**r.to_json(), "pack": str(self.pack), "documents": documents} for r in self.feeds
        ]
        return objects[0] if len(objects) == 1 else objects


def import_pack(
    store: Store,
    cache: OfflineCache,
    path: Path,
    *,
    policy: Policy,
    mode: AttachmentPolicy = "all",
    force: bool = False,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> PackImportResult:
    """Check the pack at `path` completely, then (unless `dry_run`) import it.

    Each feed may be as large as the policy allows (`[network] max_feed_mb`) unless `limits`
    says otherwise.

    Raises `FeedError` (incl. `PackError`, untrusted, rollback) or `StorageError`; in every
    case nothing in the store or the cache has changed.
    """
    path = Path(path)
    refuse_special_file(path, "an offline pack")
    limits = limits or policy.feed_limits()
    if not path.is_file():
        raise UsageError(f"there is no offline pack at {path}")
    staging = cache.new_incoming_folder()
    try:
        try:
            with open_pack(path) as archive:
                feeds, staged = _check(store, cache, archive, path, policy, force, limits, staging)
        except PackError as error:
            raise PackError(
                f"the offline pack {path.name} was refused: {error.message}. Nothing was "
                "changed; ask whoever made the pack for a new one",
                path=error.path,
            ) from None
        except OSError as error:
            raise StorageError(
                f"cannot read {path.name} or write its documents ({error.strerror or error}); "
                "check the free space"
            ) from None
        if dry_run:
            held = cache.held()
            return PackImportResult(
                path,
                tuple(f.preview for f in feeds),
                sum(1 for s in staged if s.sha256 not in held),
                sum(1 for s in staged if s.sha256 in held),
                0,
                dry_run=True,
            )
        return _apply(store, cache, path, feeds, staged, mode=mode, force=force, limits=limits)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check(
    store: Store,
    cache: OfflineCache,
    archive: zipfile.ZipFile,
    path: Path,
    policy: Policy,
    force: bool,
    limits: Limits,
    staging: Path,
) -> tuple[list[_CheckedFeed], list[_StagedFile]]:
    members = check_members(archive)
    if MANIFEST not in members:
        raise PackError(f"{path.name} has no manifest.json, so it is not an offline pack")
    _sha, _size, data = read_member(archive, members[MANIFEST], MAX_MANIFEST_BYTES)
    manifest = load_manifest(data)
    _same_members(manifest, members)
    feeds = [
        _check_feed(store, archive, members, manifest, n, path, policy, force, limits, staging)
        for n in range(len(manifest.feeds))
    ]
    sources = [f.head.source.id for f in feeds]
    if len(set(sources)) != len(sources):
        raise PackError("the pack holds two feeds of the same source")
    return feeds, _stage_documents(archive, members, manifest, feeds, cache, staging)


def _same_members(manifest: Manifest, members: dict[str, zipfile.ZipInfo]) -> None:
    listed = {f.name for f in manifest.files}
    for name in sorted(members):
        if name != MANIFEST and name not in listed:
            raise PackError(
                f"{name} is in the pack but not in its manifest; a pack may hold only the "
                "files its manifest lists"
            )
    for name in sorted(listed):
        if name not in members:
            raise PackError(
                f"the manifest lists {name} but the pack does not contain it (the pack is "
                "incomplete); make the pack again"
            )
    used = {f.feed for f in manifest.feeds} | {f.signature for f in manifest.feeds if f.signature}
    for name in sorted(listed):
        if name.startswith("feeds/") and name not in used:
            raise PackError(f"{name} is in the pack but belongs to none of its feeds")


def _check_feed(
    store: Store,
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    number: int,
    path: Path,
    policy: Policy,
    force: bool,
    limits: Limits,
    staging: Path,
) -> _CheckedFeed:
    from msguide.feed.signature import verify

    entry = manifest.feeds[number]
    # Never a name from the pack; documents are staged under their 64-digit SHA-256.
    target = staging / f"feed-{number}.json"
    with target.open("wb") as out:
        sha256 = _listed_member(archive, members, manifest, entry.feed, limits.max_bytes, out.write)
    signature = (
        _listed_member(archive, members, manifest, entry.signature, MAX_SIGNATURE_BYTES)
        if entry.signature is not None
        else None
    )
    # As for a feed file, judged by the policy's trust for its source: here before parsing,
    # by the source the manifest names, and the parsed feed must then be that source.
    trust = policy.trust_for(entry.source)
    try:
        with target.open("rb") as data:
            status = verify(data, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
    except UntrustedFeedError as error:
        raise UntrustedFeedError(
            f"the feed of {entry.source} in the pack was refused: {error.message}"
        ) from None
    provenance = Provenance(
        origin=f"offline pack {path.resolve()} ({entry.feed})",
        signature=signature,
        signature_state=status.state,
        signed_by=status.key_id,
    )
    promised: _Promised = {}
    try:
        head, preview = _import_member(
            store, entry.feed, target, sha256, entry.source, provenance, limits, force, promised
        )
        whole = None
    except NotStreamable:
        feed, raw = _parse_whole(target, entry.feed, limits)
        _same_source(entry.feed, entry.source, feed)
        _promise(promised, feed.items)
        preview = import_feed(store, feed, raw, provenance, force=force, dry_run=True)
        head, whole = feed, (feed, raw)
    return _CheckedFeed(entry.feed, target, sha256, head, provenance, preview, promised, whole)


def _import_member(
    store: Store,
    member: str,
    file: Path,
    sha256: str,
    source: str,
    provenance: Provenance,
    limits: Limits,
    force: bool,
    promised: _Promised,
    *,
    dry_run: bool = True,
) -> tuple[Feed, ImportResult]:
    """Import (or preview) a pack's feed from its extracted file, item by item, noting the
    documents its items attach. Raises `NotStreamable` (nothing changed) for another layout."""
    from msguide.importing import import_stream

    def judge(head: Feed, _data: object) -> Provenance:
        _same_source(member, source, head)
        return provenance

    try:
        with file.open("rb") as handle, file.open("rb") as copy:
            result, head = import_stream(
                store,
                handle,
                copy,
                limits,
                judge,
                force=force,
                dry_run=dry_run,
                expected_sha256=sha256,
                each=lambda item: _promise(promised, (item,)),
            )
    except (UntrustedFeedError, RollbackRefusedError):
        raise
    except FeedError as error:
        raise _invalid(member, error) from None
    return head, result


def _parse_whole(file: Path, member: str, limits: Limits) -> tuple[Feed, bytes]:
    raw = file.read_bytes()  # extracted within the size limit
    try:
        return parse(raw, limits), raw
    except FeedError as error:
        raise _invalid(member, error) from None


def _invalid(member: str, error: FeedError) -> FeedError:
    return FeedError(
        f"the feed {member} in the pack is not valid: {error.message}", path=error.path
    )


def _same_source(member: str, source: str, feed: Feed) -> None:
    if feed.source.id != source:
        raise UntrustedFeedError(
            f'the pack says {member} is the feed of "{source}", but it is the feed '
            f'of "{feed.source.id}"'
        )


def _promise(promised: _Promised, items: Iterable[Item]) -> None:
    for item in items:
        for attachment in item.attachments:
            if attachment.sha256 and extension_for(attachment.mime_type) is not None:
                promised.setdefault(
                    attachment.sha256, (attachment.size_in_bytes, attachment.mime_type)
                )


@overload
def _listed_member(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    name: str,
    cap: int,
) -> bytes: ...


@overload
def _listed_member(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    name: str,
    cap: int,
    write: Callable[[bytes], object],
) -> str: ...


def _listed_member(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    name: str,
    cap: int,
    write: Callable[[bytes], object] | None = None,
) -> bytes | str:
    """A member the manifest lists, checked against its size and SHA-256: its bytes, or with
    `write` its SHA-256 (the bytes went there; the caller discards them if this raises)."""
    listed = manifest.file(name)
    sha256, size, data = read_member(archive, members[name], min(cap, listed.size), write)
    if size != listed.size or sha256 != listed.sha256:
        raise PackError(
            f"{name} does not match the size and SHA-256 in the pack's manifest (it was "
            "changed or damaged)"
        )
    return data if write is None else sha256


def _stage_documents(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    feeds: list[_CheckedFeed],
    cache: OfflineCache,
    staging: Path,
) -> list[_StagedFile]:
    promised: _Promised = {}
    for checked in feeds:
        for sha256, promise in checked.promised.items():
            promised.setdefault(sha256, promise)
    documents = [f for f in manifest.files if f.name.startswith("attachments/")]
    total = sum(f.size for f in documents)
    if total > cache.cap_bytes:
        raise PackError(
            f"the pack holds {megabytes(total)} of documents, more than the "
            f"{megabytes(cache.cap_bytes)} this computer keeps offline; ask IT to raise "
            "offline.cap_mb, or make a pack with fewer sources"
        )
    staged: list[_StagedFile] = []
    for listed in documents:
        sha256 = listed.name.split("/", 1)[1]
        if sha256 not in promised:
            raise PackError(
                f"{listed.name} is not a document of the pack's feeds (no item gives that SHA-256)"
            )
        size, mime_type = promised[sha256]
        if listed.sha256 != sha256 or (size is not None and size != listed.size):
            raise PackError(f"{listed.name} does not have the size and SHA-256 its feed gives")
        target = staging / sha256
        with target.open("wb") as stream:
            actual, count, _ = read_member(archive, members[listed.name], listed.size, stream.write)
        if actual != sha256 or count != listed.size:
            raise PackError(
                f"{listed.name} does not match the SHA-256 its feed gives (it was changed or "
                "damaged)"
            )
        staged.append(_StagedFile(sha256, count, mime_type, target))
    return staged


def _apply(
    store: Store,
    cache: OfflineCache,
    path: Path,
    feeds: list[_CheckedFeed],
    staged: list[_StagedFile],
    *,
    mode: AttachmentPolicy,
    force: bool,
    limits: Limits,
) -> PackImportResult:
    results = [_import_checked(store, c, limits, force) for c in feeds]
    for result, checked in zip(results, feeds, strict=True):
        log.info("imported %s from the pack %s: %s", checked.member, path, result.summary())
    cache.clean_up(referenced_hashes(store))
    held = cache.held()
    plan = plan_downloads(store, mode, set(held))
    added = already = over = 0
    for document in sorted(staged, key=lambda d: (plan.ranks.get(d.sha256, NOT_WANTED), d.size)):
        if document.sha256 in held:
            already += 1
            continue
        # The person brought these documents on purpose: they may displace only files no
        # current item wants, never ones the policy or "Keep offline" asks for.
        rank = min(plan.ranks.get(document.sha256, NOT_WANTED), NOT_WANTED)
        if not cache.make_room(document.size, rank, plan.ranks):
            over += 1
            continue
        cache.add(
            document.path,
            document.sha256,
            document.size,
            document.mime_type,
            origin=f"offline pack {path.name}",
            what=f"attachments/{document.sha256}",
        )
        added += 1
    return PackImportResult(path, tuple(results), added, already, over)


def _import_checked(
    store: Store, checked: _CheckedFeed, limits: Limits, force: bool
) -> ImportResult:
    if checked.whole is not None:
        feed, raw = checked.whole
        return import_feed(store, feed, raw, checked.provenance, force=force)
    try:
        _head, result = _import_member(
            store,
            checked.member,
            checked.file,
            checked.sha256,
            checked.head.source.id,
            checked.provenance,
            limits,
            force,
            {},
            dry_run=False,
        )
    except OSError as error:
        raise StorageError(
            f"cannot read {checked.member} of the pack again ({error.strerror or error})"
        ) from None
    return result
