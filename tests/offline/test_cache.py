"""The cache on its own: safe names, verify before presenting, eviction order, clean-up, clear."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from offlinekit import DOCX, PDF, document, files_under, load, sha, symlink

from feedmaker import feed_document, item
from msguide.errors import FeedError, StorageError
from msguide.offline.cache import OfflineCache
from msguide.offline.files import cache_name, extension_for, is_cache_name
from msguide.offline.keep import is_kept_offline, kept_items, set_keep_offline
from msguide.offline.plan import EVERY, KEPT, PINNED
from msguide.offline.status import item_offline, offline_item_count
from msguide.store.db import Store
from msguide.store.search import Filters, search


def staged(folder: Path, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"staged-{sha(data)[:8]}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("mime_type", "extension"),
    [
        ("application/pdf", ".pdf"),
        ("Application/PDF; charset=binary", ".pdf"),
        (DOCX, ".docx"),
        ("text/html", None),
        ("image/svg+xml", None),
        ("application/x-msdownload", None),
        ("application/msword", None),  # can carry macros: online only
        ("application/vnd.ms-word.document.macroEnabled.12", None),
        ("application/javascript", None),
    ],
)
def test_only_document_types_get_an_extension(mime_type: str, extension: str | None) -> None:
    assert extension_for(mime_type) == extension


def test_names_come_from_the_hash_never_from_the_feed() -> None:
    digest = sha(b"x")
    assert cache_name(digest, PDF) == f"{digest[:2]}/{digest}.pdf"
    assert is_cache_name(cache_name(digest, PDF))
    for bad in ("../x.pdf", f"{digest[:2]}/{digest}.exe", f"zz/{digest}.pdf", "/etc/passwd"):
        assert not is_cache_name(bad)
    with pytest.raises(ValueError, match="sha256"):
        cache_name("../../evil", PDF)
    with pytest.raises(ValueError, match="not a document type"):
        cache_name(digest, "application/x-msdownload")


def test_a_file_is_presented_only_after_it_verifies(store: Store, tmp_path: Path) -> None:
    cache = OfflineCache(store, tmp_path / "cache", 10**9)
    good = document("good", 5_000)
    with pytest.raises(FeedError, match="has 5,000 bytes, not the 4,999"):
        cache.add(staged(tmp_path, good), sha(good), 4_999, PDF, origin="t")
    with pytest.raises(FeedError, match="does not match the SHA-256"):
        cache.add(staged(tmp_path, good), sha(b"other"), None, PDF, origin="t")
    assert cache.held() == {} and files_under(tmp_path / "cache") == []
    assert not list(tmp_path.glob("staged-*"))  # a wrong file is discarded
    copy = cache.add(staged(tmp_path, good), sha(good), len(good), PDF, origin="t")
    assert cache.held() == {sha(good): 5_000}
    assert copy.path.read_bytes() == good
    assert cache.verified_copy(sha(good)) == copy


def test_a_copy_outside_the_cache_or_behind_a_link_is_never_opened(
    store: Store, tmp_path: Path
) -> None:
    cache = OfflineCache(store, tmp_path / "cache", 10**9)
    data = document("a", 1_000)
    copy = cache.add(staged(tmp_path, data), sha(data), None, PDF, origin="t")
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(data)
    copy.path.unlink()
    symlink(copy.path, outside)
    with pytest.raises(StorageError, match="not on this computer"):
        cache.verified_copy(sha(data))
    with store.write() as session:  # a row pointing elsewhere (a store from elsewhere)
        session.connection().exec_driver_sql(
            "INSERT INTO cached_files (sha256, size, name, mime_type, added_at) "
            "VALUES (?, ?, '../outside.pdf', ?, 'now')",
            (sha(data), len(data), PDF),
        )
    assert cache.lookup(sha(data)) is None
    assert outside.exists()


def test_make_room_removes_less_useful_files_largest_first(store: Store, tmp_path: Path) -> None:
    cache = OfflineCache(store, tmp_path / "cache", 100_000)
    files = {
        name: document(name, size)
        for name, size in (("k", 30_000), ("e1", 20_000), ("e2", 40_000), ("u", 5_000))
    }
    for data in files.values():
        cache.add(staged(tmp_path, data), sha(data), None, PDF, origin="t")
    ranks = {sha(files["k"]): KEPT, sha(files["e1"]): EVERY, sha(files["e2"]): EVERY}
    # 5 000 free; 30 000 needed for a pinned file: the unreferenced one goes, then e2 (larger).
    assert cache.make_room(30_000, PINNED, ranks)
    assert set(cache.held()) == {sha(files["k"]), sha(files["e1"])}
    # Only a less useful file may go: none is less useful than e1 for an "every" file …
    assert not cache.make_room(60_000, EVERY, ranks)
    assert set(cache.held()) == {sha(files["k"]), sha(files["e1"])}
    # … while a kept file may displace it.
    assert cache.make_room(60_000, KEPT, ranks)
    assert set(cache.held()) == {sha(files["k"])}


def test_clean_up_removes_unreferenced_and_stray_files_and_recovers_known_ones(
    store: Store, tmp_path: Path
) -> None:
    kept = document("kept", 2_000)
    load(
        store,
        feed_document(
            items=[
                item(
                    "a",
                    "A",
                    attachments=[
                        {
                            "url": "https://x.example/a",
                            "mime_type": PDF,
                            "_msguide": {"sha256": sha(kept)},
                        }
                    ],
                )
            ]
        ),
    )
    folder = tmp_path / "cache"
    cache = OfflineCache(store, folder, 10**9)
    gone = document("gone", 3_000)
    cache.add(staged(tmp_path, gone), sha(gone), None, PDF, origin="t")
    # A verified file whose row was lost (a crash, a store restored from a backup) …
    target = folder / cache_name(sha(kept), PDF)
    target.parent.mkdir(parents=True)
    target.write_bytes(kept)
    # … and junk: a stray file, a file with a wrong hash under a right name, a link.
    (folder / "junk.txt").write_bytes(b"junk")
    wrong = folder / cache_name(sha(b"wrong"), PDF)
    wrong.parent.mkdir(parents=True, exist_ok=True)
    wrong.write_bytes(b"not what the name says")
    (folder / "ab").mkdir(exist_ok=True)
    symlink(folder / "ab" / "link.pdf", tmp_path / "staged-nothing")
    report = cache.clean_up({sha(kept)})
    assert report.recovered == 1 and report.removed_files >= 3
    assert set(cache.held()) == {sha(kept)}
    assert files_under(folder) == [target]
    assert not (folder / "ab" / "link.pdf").is_symlink()


def test_clear_removes_every_file_and_row(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cache = OfflineCache(store, folder, 10**9)
    data = document("x", 4_000)
    cache.add(staged(tmp_path, data), sha(data), None, PDF, origin="t")
    (folder / "partial").mkdir()
    (folder / "partial" / f"{sha(b'p')}.part").write_bytes(b"p" * 10)
    assert cache.usage().partial_bytes == 10
    assert cache.clear() == 4_000
    assert cache.held() == {} and files_under(folder) == []


def test_keep_offline_and_item_states_survive_an_import(store: Store, tmp_path: Path) -> None:
    data = document("doc", 3_000)

    def doc(sequence: int) -> dict[str, object]:
        return feed_document(
            sequence=sequence,
            items=[
                item(
                    "a",
                    "A",
                    attachments=[
                        {
                            "url": "https://x.example/a",
                            "mime_type": PDF,
                            "title": "Guide",
                            "size_in_bytes": len(data),
                            "_msguide": {"sha256": sha(data)},
                        },
                        {"url": "https://x.example/b", "mime_type": PDF, "title": "Unhashed"},
                        {
                            "url": "https://x.example/c",
                            "mime_type": "text/html",
                            "_msguide": {"sha256": sha(b"c")},
                        },
                    ],
                ),
                item("b", "B"),
            ],
        )

    load(store, doc(1))
    set_keep_offline(store, "test-source", "a", True)
    load(store, doc(2))
    assert is_kept_offline(store, "test-source", "a") and kept_items(store) == [
        ("test-source", "a")
    ]
    with store.read() as connection:
        state = item_offline(connection, _rowid(store, "a"))
    assert state is not None and state.kept and not state.available_offline
    assert [a.state for a in state.attachments] == [
        "not_downloaded",
        "not_checkable",
        "online_only",
    ]
    assert state.attachments[0].describe() == "PDF, 3 KB, not on this computer yet"
    OfflineCache(store, tmp_path / "c", 10**9).add(
        staged(tmp_path, data), sha(data), None, PDF, origin="t"
    )
    with store.read() as connection:
        state = item_offline(connection, _rowid(store, "a"))
        assert offline_item_count(connection) == 1
        offline = [h.id for h in search(connection, "", Filters(offline=True))]
        typed = [h.id for h in search(connection, "A", Filters(offline=True))]
    assert state is not None and state.available_offline
    assert state.attachments[0].describe() == "PDF, 3 KB, on this computer"
    assert offline == ["a"] and typed == ["a"]
    set_keep_offline(store, "test-source", "a", False)
    assert kept_items(store) == []


def _rowid(store: Store, item_id: str) -> int:
    with store.read() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT id FROM items WHERE item_id = ?", (item_id,)
            ).scalar_one()
        )


def test_the_offline_layer_loads_no_qt() -> None:
    code = (
        "import sys\n"
        "import msguide.offline.cache, msguide.offline.pack, msguide.offline.unpack\n"
        "import msguide.offline.plan, msguide.offline.status, msguide.offline.keep\n"
        "import msguide.offline.commands, msguide.offline.partial\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'msguide.ui', "
        "'msguide.sync'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.strip() == "[]"
