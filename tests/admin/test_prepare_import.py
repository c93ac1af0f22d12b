"""msguide.importing's steps: check (no store), preview (a dry run), apply what was previewed."""

from __future__ import annotations

from pathlib import Path

import pytest
from adminkit import feed_file

from feedmaker import feed_document, newer_document
from msguide import importing
from msguide.errors import FeedError, RollbackRefusedError, UntrustedFeedError, UsageError
from msguide.feed.signature import generate_keys, sign
from msguide.importing import (
    apply_import,
    check_feed_file,
    import_file,
    prepare_import,
    preview_import,
)
from msguide.policy import Policy, SourcePolicy
from msguide.store.db import Store
from msguide.store.history import history

OPEN = Policy()


@pytest.fixture(autouse=True, params=["parsed whole", "read item by item"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every step's guarantee holds both ways a file is read: whole (the usual size) and item
    by item (a file over STREAM_PREVIEW_BYTES; here every file is one)."""
    if request.param == "read item by item":
        monkeypatch.setattr(importing, "STREAM_PREVIEW_BYTES", 0)
    return str(request.param)


def pinned(key: str) -> Policy:
    return Policy(
        sources=(SourcePolicy(url="https://e.org/f.json", id="test-source", keys=(key,)),)
    )


def test_checking_reads_parses_and_judges_without_a_store(tmp_path: Path) -> None:
    keys = generate_keys(None)
    path = feed_file(tmp_path, "f.json", feed_document())
    path.with_name("f.json.minisig").write_bytes(sign(path.read_bytes(), keys.secret, None))
    checked = check_feed_file(path, policy=pinned(keys.public_base64))
    assert checked.refusal is None and checked.provenance is not None
    assert checked.provenance.signature_state == "verified"
    assert checked.signature_text == f"signed by key {keys.key_id}"
    other = generate_keys(None)
    refused = check_feed_file(path, policy=pinned(other.public_base64))
    assert refused.provenance is None and isinstance(refused.refusal, UntrustedFeedError)
    assert refused.feed.source.id == "test-source"  # still known, to be shown
    with Store.open(tmp_path / "s.sqlite") as store, pytest.raises(UntrustedFeedError):
        import_file(store, path, policy=pinned(other.public_base64))


def test_invalid_files_raise_located_errors(tmp_path: Path) -> None:
    bad = feed_document()
    bad["items"][0]["_msguide"]["audiences"] = ["nobody"]
    with pytest.raises(FeedError) as raised:
        check_feed_file(feed_file(tmp_path, "bad.json", bad), policy=OPEN)
    assert raised.value.path == "items[0]._msguide.audiences[0]"
    with pytest.raises(UsageError):
        check_feed_file(tmp_path, policy=OPEN)


def test_preview_changes_nothing_and_apply_does_what_it_showed(
    store: Store, tmp_path: Path
) -> None:
    import_file(store, feed_file(tmp_path, "base.json", feed_document()), policy=OPEN)
    prepared = prepare_import(
        store, feed_file(tmp_path, "newer.json", newer_document()), policy=OPEN
    )
    assert prepared.importable and prepared.older is None and prepared.problem is None
    assert prepared.preview is not None and prepared.preview.dry_run
    assert [r.sequence for r in history(store)] == [1]
    result = apply_import(store, prepared)
    assert result.applied and [c.id for c in result.added] == [c.id for c in prepared.preview.added]
    assert [r.sequence for r in history(store)] == [2, 1]


def test_apply_refuses_when_the_content_changed_since_the_preview(
    store: Store, tmp_path: Path
) -> None:
    import_file(store, feed_file(tmp_path, "base.json", feed_document()), policy=OPEN)
    stale = prepare_import(store, feed_file(tmp_path, "newer.json", newer_document()), policy=OPEN)
    import_file(store, feed_file(tmp_path, "seven.json", feed_document(sequence=7)), policy=OPEN)
    with pytest.raises(UsageError, match="changed since the preview"):
        apply_import(store, stale)
    assert [r.sequence for r in history(store)] == [7, 1]


def test_older_feeds_need_force_and_conflicts_are_problems(store: Store, tmp_path: Path) -> None:
    import_file(store, feed_file(tmp_path, "five.json", feed_document(sequence=5)), policy=OPEN)
    older = prepare_import(
        store, feed_file(tmp_path, "three.json", feed_document(sequence=3)), policy=OPEN
    )
    assert older.older is not None and "older than sequence 5" in older.older
    assert older.importable and older.preview is not None
    with pytest.raises(RollbackRefusedError):
        apply_import(store, older)
    assert apply_import(store, older, force=True).sequence == 3
    clash = feed_file(tmp_path, "clash.json", feed_document(sequence=5, title="Changed"))
    conflict = preview_import(store, check_feed_file(clash, policy=OPEN))
    assert isinstance(conflict.problem, RollbackRefusedError) and not conflict.importable
    with pytest.raises(RollbackRefusedError):
        apply_import(store, conflict, force=True)
