"""The two off-network steps of syncing one source: plan the request, then settle the result.

Both touch the store or the state file, so the desktop app runs them on a worker thread. Neither
raises: every problem becomes a `SourceOutcome` with a sentence for a person.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from msguide.clock import is_past, utc_now
from msguide.errors import ExitCode, FeedError, MsguideError, NetworkError, StorageError
from msguide.feed.format import MAX_SIGNATURE_BYTES
from msguide.feed.parse import Limits
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.history import RevisionInfo, history
from msguide.store.importer import ImportResult
from msguide.sync.accept import (
    Accepted,
    accept,
    accept_file,
    limits_for,
    signature_url,
)
from msguide.sync.download import Download, new_download
from msguide.sync.messages import day, failure_message, host_of, still_shown
from msguide.sync.outcome import SourceOutcome, SyncStatus
from msguide.sync.state import SyncStateFile
from msguide.sync.transport import FetchFailure, FetchRequest, FetchResponse, FetchResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncContext:
    """What the steps work against. The store is shared; each step opens its own connection."""

    store: Store
    policy: Policy
    state: SyncStateFile
    limits: Limits

    @classmethod
    def create(cls, store: Store, policy: Policy, state: SyncStateFile) -> SyncContext:
        return cls(store, policy, state, limits_for(policy))


def held_revision(store: Store, source_id: str | None) -> RevisionInfo | None:
    """The revision of `source_id` the store shows now, if any."""
    if source_id is None:
        return None
    return next((r for r in history(store, source_id) if r.current), None)


def plan(context: SyncContext, source: SourcePolicy) -> FetchRequest | SourceOutcome:
    """The feed request: conditional only while the store still holds the bytes that the
    remembered ETag/Last-Modified describe (after a restore from backup it may not).

    Its body goes to a `Download` file next to the store (the request's `sink`): the caller
    hands it to `settle`, or discards it if the sync stops before.
    """
    try:
        entry = context.state.get(source.url)
        held = held_revision(context.store, source.id or entry.source_id)
        conditional = held is not None and entry.sha256 == held.sha256
        return FetchRequest(
            url=source.url,
            etag=entry.etag if conditional else None,
            last_modified=entry.last_modified if conditional else None,
            max_bytes=context.limits.max_bytes,
            allow_insecure_http=source.allow_insecure_http,
            sink=new_download(context.store.path.parent),
        )
    except Exception as error:  # reported as an outcome, never lost
        return _unexpected(source, error)


def signature_request(source: SourcePolicy) -> FetchRequest:
    return FetchRequest(
        url=signature_url(source.url),
        max_bytes=MAX_SIGNATURE_BYTES,
        allow_insecure_http=source.allow_insecure_http,
    )


def wants_signature(feed: FetchResult) -> bool:
    return isinstance(feed, FetchResponse) and not feed.not_modified


def settle(
    context: SyncContext,
    source: SourcePolicy,
    feed: FetchResult,
    signature: FetchResult | None,
    download: Download | None = None,
) -> SourceOutcome:
    """Turn what the network gave into an outcome, applying new content and recording state.

    `download` is the file the feed's body went to (`plan`); it is removed here, whatever the
    outcome."""
    try:
        outcome, entry_changes = _settle(context, source, feed, signature, download)
    except Exception as error:  # reported as an outcome, never lost
        return _unexpected(source, error)
    finally:
        if download is not None:
            download.discard()
    try:
        context.state.update(
            source.url,
            last_checked_at=utc_now(),
            last_status=outcome.status,
            last_message=outcome.message,
            **entry_changes,
        )
    except StorageError as error:
        log.warning("%s", error)
    return outcome


def _settle(
    context: SyncContext,
    source: SourcePolicy,
    feed: FetchResult,
    signature: FetchResult | None,
    download: Download | None,
) -> tuple[SourceOutcome, dict[str, str | None]]:
    entry = context.state.get(source.url)
    source_id = source.id or entry.source_id
    try:
        held = held_revision(context.store, source_id)
    except StorageError as error:
        return _storage_failure(source, source_id, error), {}
    if isinstance(feed, FetchFailure):
        shown = still_shown(held.published if held else None)
        status, message, code = failure_message(feed, source.url, shown)
        return _shown(source, source_id, held, status, message, code, feed.kind), {}
    if feed.not_modified:
        return _unchanged(source, held, source_id), {"last_success_at": utc_now()}
    if download is not None and feed.body:  # a transport that kept the body after all
        download = None
    try:
        if download is not None:
            download.finish()
        sha256 = (
            download.sha256() if download is not None else hashlib.sha256(feed.body).hexdigest()
        )
    except (OSError, StorageError) as error:
        failure = error if isinstance(error, StorageError) else StorageError(str(error))
        return _storage_failure(source, source_id, failure), {}
    success: dict[str, str | None] = {
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "sha256": sha256,
        "last_success_at": utc_now(),
    }
    if held is not None and held.sha256 == success["sha256"]:
        return _unchanged(source, held, source_id), success
    try:
        signature_bytes = _signature_bytes(signature, required=bool(source.keys))
        accepted = _accept(context, source, feed, signature_bytes, download)
    except FeedError as error:
        message = (
            f"Refused the feed from {host_of(source.url)}: {error}. "
            f"{_sentence(still_shown(held.published if held else None))}; tell the publisher "
            "or IT."
        )
        return _shown(
            source,
            source_id,
            held,
            "refused",
            message,
            ExitCode.INVALID_FEED,
            error.code,
            error.path,
        ), {}
    except NetworkError as error:
        shown = still_shown(held.published if held else None)
        message = f"{_sentence(str(error))}; {shown}. Try again later."
        return _shown(source, source_id, held, "failed", message, ExitCode.NETWORK, error.code), {}
    except StorageError as error:
        return _storage_failure(source, source_id, error), {}
    result, parsed = accepted.result, accepted.feed
    success["source_id"] = parsed.source.id
    if not result.applied:
        # The same bytes, or a revision already in the history (an admin rolled back to an
        # earlier one): report what the store shows.
        current = held_revision(context.store, parsed.source.id)
        return _unchanged(source, current, parsed.source.id, result), success
    counts = (
        f"{len(result.added)} added, {len(result.changed)} changed, {len(result.removed)} removed"
    )
    outcome = SourceOutcome(
        url=source.url,
        source=parsed.source.id,
        status="updated",
        message=f"Updated {parsed.source.name} to sequence {parsed.sequence} ({counts})"
        + _expiry_note(parsed.expires),
        result=result,
        content_date=parsed.published,
        sequence=parsed.sequence,
        expires=parsed.expires,
        expired=is_past(parsed.expires),
    )
    return outcome, success


def _accept(
    context: SyncContext,
    source: SourcePolicy,
    feed: FetchResponse,
    signature: bytes | None,
    download: Download | None,
) -> Accepted:
    """The feed checked and imported: read item by item from its download file, or parsed
    whole from memory when the body was kept there."""
    if download is None:
        return accept(
            context.store,
            context.policy,
            source,
            feed.url,
            feed.body,
            signature,
            limits=context.limits,
        )
    return accept_file(
        context.store,
        context.policy,
        source,
        feed.url,
        download.path,
        signature,
        limits=context.limits,
    )


def _expiry_note(expires: str | None) -> str:
    """How a message about content ends: a warning once the publisher's expiry has passed."""
    if not is_past(expires):
        return "."
    return (
        f", but the publisher marked it valid only until {day(expires)}, so the content may "
        "be out of date; tell the publisher."
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _signature_bytes(signature: FetchResult | None, *, required: bool) -> bytes | None:
    """The `.minisig` bytes; a 4xx answer means "not published". Other failures matter only
    where keys are pinned: then the feed cannot be checked, which is a network failure."""
    if signature is None:
        return None
    if isinstance(signature, FetchResponse):
        return signature.body
    if signature.kind == "http" and (signature.http_status or 0) < 500:
        return None
    if required:
        raise NetworkError(f"the signature file could not be downloaded ({signature.detail})")
    return None


def _unchanged(
    source: SourcePolicy,
    held: RevisionInfo | None,
    source_id: str | None,
    result: ImportResult | None = None,
) -> SourceOutcome:
    name = source_id or host_of(source.url)
    message = f"{name} is up to date" + (f" (sequence {held.sequence})" if held else "")
    if result is not None and result.message and result.message != "already up to date":
        message += f"; {result.message}"
    return SourceOutcome(
        url=source.url,
        source=source_id,
        status="unchanged",
        message=message + _expiry_note(held.expires if held else None),
        result=result,
        content_date=held.published if held else None,
        sequence=held.sequence if held else None,
        expires=held.expires if held else None,
        expired=held is not None and is_past(held.expires),
    )


def _shown(
    source: SourcePolicy,
    source_id: str | None,
    held: RevisionInfo | None,
    status: SyncStatus,
    message: str,
    code: ExitCode,
    error_code: str,
    error_path: str | None = None,
) -> SourceOutcome:
    """An outcome where nothing changed: the content shown is what the store held."""
    return SourceOutcome(
        url=source.url,
        source=source_id,
        status=status,
        message=message,
        content_date=held.published if held else None,
        sequence=held.sequence if held else None,
        expires=held.expires if held else None,
        expired=held is not None and is_past(held.expires),
        exit_code=code,
        error_code=error_code,
        error_path=error_path,
    )


def _storage_failure(
    source: SourcePolicy, source_id: str | None, error: StorageError
) -> SourceOutcome:
    return SourceOutcome(
        url=source.url,
        source=source_id,
        status="failed",
        message=f"msguide could not use its store: {error}.",
        exit_code=ExitCode.STORAGE,
        error_code=error.code,
    )


def _unexpected(source: SourcePolicy, error: Exception) -> SourceOutcome:
    if isinstance(error, MsguideError):
        return SourceOutcome(
            url=source.url,
            source=source.id,
            status="failed",
            message=f"The sync of {host_of(source.url)} failed: {error}.",
            exit_code=error.exit_code,
            error_code=error.code,
        )
    log.exception("unexpected error while syncing %s", source.url)
    return SourceOutcome(
        url=source.url,
        source=source.id,
        status="failed",
        message=(
            f"The sync of {host_of(source.url)} failed because of a problem in msguide "
            f"({type(error).__name__}: {error}); nothing was changed. Please report it."
        ),
        exit_code=ExitCode.FAILURE,
        error_code="internal",
    )
