"""Import a feed file the way an admin does: size check, parse, verify, then apply."""

from __future__ import annotations

from pathlib import Path

from msguide.errors import StorageError, UsageError
from msguide.feed.parse import DEFAULT_LIMITS, MEGABYTE, Limits, parse
from msguide.paths import locations
from msguide.policy import Policy, load_policy
from msguide.store.db import Store
from msguide.store.importer import ImportResult, Provenance, import_feed


def looks_like_url(text: str) -> bool:
    return text.lower().startswith(("https://", "http://"))


def read_feed_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, refusing before reading anything larger than the feed size limit."""
    from msguide.errors import FeedError

    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise FeedError(
                f"the feed is {size / MEGABYTE:.1f} MB; the most allowed is "
                f"{limits.max_bytes / MEGABYTE:.0f} MB"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"there is no file {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a feed file") from None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None


def import_file(
    store: Store,
    path: Path,
    *,
    signature_path: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    policy: Policy | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import a feed file; its signature is `signature_path` or `<path>.minisig` if present."""
    from msguide.feed.signature import verify

    raw = read_feed_file(path, limits)
    feed = parse(raw, limits)
    if signature_path is None:
        candidate = path.with_name(path.name + ".minisig")
        signature_path = candidate if candidate.exists() else None
    signature = read_feed_file(signature_path) if signature_path is not None else None
    policy = policy or load_policy(locations().policy)
    trust = policy.trust_for(feed.source.id)
    status = verify(raw, signature, trust.keys, allow_unsigned=trust.allow_unsigned)
    provenance = Provenance(
        origin=str(path.resolve()),
        signature=signature,
        signature_state=status.state,
        signed_by=status.key_id,
    )
    return import_feed(store, feed, raw, provenance, force=force, dry_run=dry_run)
