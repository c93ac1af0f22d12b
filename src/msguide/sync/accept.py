"""Accept downloaded feed bytes: verify the signature BEFORE parsing, then check and import.

Qt-free, so the desktop app runs it on a worker thread and the tests call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from msguide.errors import UntrustedFeedError
from msguide.feed.model import Feed
from msguide.feed.parse import Limits, parse
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.importer import ImportResult, Provenance, import_feed

if TYPE_CHECKING:
    from msguide.feed.signature import ByteReader, SignatureStatus


def signature_url(url: str) -> str:
    """`<feed url>.minisig`, with any query string kept after the new path."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + ".minisig"))


def limits_for(policy: Policy) -> Limits:
    """The feed limits with the policy's size cap (`[network] max_feed_mb`)."""
    return policy.feed_limits()


@dataclass(frozen=True, slots=True)
class Accepted:
    result: ImportResult
    feed: Feed


def accept(
    store: Store,
    policy: Policy,
    source: SourcePolicy | None,
    origin: str,
    raw: bytes,
    signature: bytes | None,
    *,
    force: bool = False,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> Accepted:
    """Verify, parse and import `raw` fetched from `origin` for the configured `source`.

    A configured source's own keys are checked before a byte is parsed. Then the feed must be
    the source it claims to be: its id must match the configured id, and when the IT policy
    pins keys for that id under another entry (a user's own source serving a policy source's
    feed), the policy's keys must accept it too. An ad-hoc URL (`source` None) and an entry
    without an id are also judged like a file: by the policy's trust for the feed's source id,
    after parsing.
    Raises `FeedError` (incl. untrusted and rollback), `StorageError`.
    """
    from msguide.feed.signature import verify

    limits = limits or limits_for(policy)
    status: SignatureStatus | None = None
    if source is not None:
        signature = _usable(signature, source.keys)
        status = verify(raw, signature, source.keys, allow_unsigned=source.allow_unsigned)
    feed = parse(raw, limits)
    provenance = _judged(policy, source, origin, feed.source.id, raw, signature, status)
    result = import_feed(
        store,
        feed,
        raw,
        provenance,
        force=force,
        dry_run=dry_run,
        expected_source=source.id if source is not None else None,
    )
    return Accepted(result, feed)


def accept_file(
    store: Store,
    policy: Policy,
    source: SourcePolicy | None,
    origin: str,
    path: Path,
    signature: bytes | None,
    *,
    force: bool = False,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> Accepted:
    """`accept` for a feed downloaded to the file at `path`: the same checks in the same order,
    with the feed read item by item into the import (memory follows the largest item, not
    the feed). `Accepted.feed` is then the feed's head (no items). A layout the streamed reader
    cannot read is parsed whole, as `accept` does.
    """
    from msguide.feed.parse import collector_paused
    from msguide.feed.stream import NotStreamable

    limits = limits or limits_for(policy)
    try:
        with collector_paused():
            return _accept_streamed(
                store, policy, source, origin, path, signature, force, dry_run, limits
            )
    except NotStreamable:
        pass
    raw = path.read_bytes()  # the download, already bounded by the size limit
    return accept(
        store, policy, source, origin, raw, signature, force=force, dry_run=dry_run, limits=limits
    )


def _accept_streamed(
    store: Store,
    policy: Policy,
    source: SourcePolicy | None,
    origin: str,
    path: Path,
    signature: bytes | None,
    force: bool,
    dry_run: bool,
    limits: Limits,
) -> Accepted:
    from msguide.feed.signature import verify
    from msguide.importing import import_stream

    status: SignatureStatus | None = None

    def judge(head: Feed, data: ByteReader) -> Provenance:
        # The checks `accept` makes after parsing, in its order, once the head is read.
        return _judged(policy, source, origin, head.source.id, data, signature, status)

    with path.open("rb") as handle, path.open("rb") as copy:
        if source is not None:  # before a byte is parsed
            signature = _usable(signature, source.keys)
            status = verify(copy, signature, source.keys, allow_unsigned=source.allow_unsigned)
        result, head = import_stream(
            store,
            handle,
            copy,
            limits,
            judge,
            force=force,
            dry_run=dry_run,
            expected_source=source.id if source is not None else None,
        )
    return Accepted(result, head)


def _judged(
    policy: Policy,
    source: SourcePolicy | None,
    origin: str,
    feed_id: str,
    data: bytes | ByteReader,
    signature: bytes | None,
    status: SignatureStatus | None,
) -> Provenance:
    """The checks once the feed's source id is known (`status`: the configured source's own
    keys' verdict, None for an ad-hoc URL); one place for `accept` and `accept_file`."""
    from msguide.feed.signature import verify

    if source is not None and source.id is not None and feed_id != source.id:
        raise _wrong_source(feed_id, source.id)
    owner = policy.source_for(feed_id)
    # An ad-hoc URL, or an entry without an id (a person's own feed in settings.toml), could
    # serve any source's feed: the policy's trust for that source must accept it too.
    if source is None or source.id is None or (owner is not None and owner.url != source.url):
        trust = policy.trust_for(feed_id)
        signature = _usable(signature, trust.keys)
        status = verify(data, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
    assert status is not None
    return Provenance(
        origin=origin,
        signature=signature,
        signature_state=status.state,
        signed_by=status.key_id,
    )


def _wrong_source(feed_id: str, wanted: str) -> UntrustedFeedError:
    return UntrustedFeedError(
        f'the feed belongs to source "{feed_id}", not "{wanted}"; it was not imported '
        "(the server may be serving another publisher's feed)"
    )


def _usable(signature: bytes | None, keys: tuple[str, ...]) -> bytes | None:
    """Without pinned keys a signature is only recorded, so one that does not parse (a web
    server answering every path with a page) is dropped rather than refusing the feed."""
    if signature is None or keys:
        return signature
    from msguide.errors import FeedError
    from msguide.feed.signature import signature_key_id

    try:
        signature_key_id(signature)
    except FeedError:
        return None
    return signature
