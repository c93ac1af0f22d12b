"""The import dialog's steps for a large file (over STREAM_PREVIEW_BYTES): the file is read
item by item at each step (check, preview, import), and bytes changed since the check are
refused rather than imported unseen."""

from __future__ import annotations

from pathlib import Path

import pytest
from adminkit import feed_file

from feedmaker import feed_document, newer_document
from msguide import importing
from msguide.errors import FeedError
from msguide.importing import apply_import, import_file, prepare_import
from msguide.policy import Policy
from msguide.store.db import Store
from msguide.store.history import history

OPEN = Policy()


@pytest.fixture(autouse=True)
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "STREAM_PREVIEW_BYTES", 0)  # every file is a large one


def test_a_large_file_is_checked_previewed_and_imported_item_by_item(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the large file was parsed whole")

    monkeypatch.setattr(importing, "parse", refuse)
    import_file(store, feed_file(tmp_path, "base.json", feed_document()), policy=OPEN)
    prepared = prepare_import(
        store, feed_file(tmp_path, "newer.json", newer_document()), policy=OPEN
    )
    assert prepared.checked.raw is None and prepared.checked.item_count == 4
    assert prepared.checked.feed.items == ()  # the head only: no item is held
    assert prepared.preview is not None and len(prepared.preview.added) == 1
    assert apply_import(store, prepared).sequence == 2
    assert [r.sequence for r in history(store)] == [2, 1]


def test_a_large_file_changed_after_its_preview_is_not_imported(
    store: Store, tmp_path: Path
) -> None:
    path = feed_file(tmp_path, "newer.json", newer_document())
    prepared = prepare_import(store, path, policy=OPEN)
    path.write_bytes(path.read_bytes().replace(b"Duty to Notify", b"Duty to Nothing"))
    with pytest.raises(FeedError, match="changed while it was being imported"):
        apply_import(store, prepared)
    assert history(store) == []
