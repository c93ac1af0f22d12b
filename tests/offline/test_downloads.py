"""Downloading documents for offline use from a real local server: verify, resume, cap, report."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from fileserver import File, FileServer
from offlinekit import attachment, document, documents_feed, files_under, load, sha
from pytestqt.qtbot import QtBot

from feedmaker import feed_document, item
from msguide.errors import StorageError
from msguide.offline.cache import OfflineCache
from msguide.offline.config import OfflinePreferences
from msguide.offline.keep import set_keep_offline
from msguide.offline.report import DownloadReport
from msguide.store.db import Store
from msguide.store.search import Filters, search
from msguide.sync.attachments import AttachmentDownloader, DownloadProgress, download_blocking

MB = 1024 * 1024


def run(store: Store, folder: Path, mode: str = "all", cap: int = 100 * MB) -> DownloadReport:
    return download_blocking(store, folder, OfflinePreferences(mode, cap))  # type: ignore[arg-type]


def offline_titles(store: Store) -> set[str]:
    with store.read() as connection:
        return {h.title for h in search(connection, "", Filters(offline=True), limit=100)}


def presented(store: Store, folder: Path) -> set[str]:
    """What the cache presents as complete: indexed rows whose file is there."""
    cache = OfflineCache(store, folder, 100 * MB)
    return {h for h in cache.held() if cache.lookup(h) is not None}


def test_documents_download_verify_and_mark_their_items(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    folder = tmp_path / "cache"
    report = run(store, folder)
    assert report.exit_code == 0 and len(report.downloaded) == 3
    assert report.summary().startswith("Downloaded 3 documents for offline use")
    assert offline_titles(store) == {"Document guidance", "Document ceraf", "Document toolkit"}
    with store.read() as connection:
        everything = search(connection, "", Filters(), limit=100)
    assert {h.title for h in everything if h.offline} == offline_titles(store)
    assert [h.to_json()["offline"] for h in everything].count(True) == 3
    # Content-addressed, with an extension msguide chose; each file verifies.
    cache = OfflineCache(store, folder, 100 * MB)
    for name in ("guidance", "ceraf", "toolkit"):
        digest = sha(document(name, {"guidance": 40_000, "ceraf": 60_000, "toolkit": 30_000}[name]))
        copy = cache.verified_copy(digest)
        assert copy.path == folder / digest[:2] / f"{digest}.pdf"
    # A second run has nothing to do and asks the server for nothing.
    asked = len(server.seen)
    again = run(store, folder)
    assert again.downloaded == [] and again.already == 3 and len(server.seen) == asked
    assert again.summary() == "All 3 documents wanted offline are on this computer."


def test_a_wrong_file_is_discarded_and_reported_in_words(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    real = document("real", 20_000)
    other = document("impostor", 20_000)
    doc = feed_document(
        items=[
            item(
                "guide",
                "Statutory guidance",
                attachments=[attachment(server, "/guide.pdf", other, declared=real, title="Guide")],
            )
        ]
    )
    load(store, doc)
    folder = tmp_path / "cache"
    report = run(store, folder)
    (outcome,) = report.outcomes
    assert outcome.status == "wrong_content"
    assert "does not match the SHA-256 the feed gives" in outcome.message
    assert "tell the publisher" in outcome.message
    assert "did not match the feed and was discarded" in report.summary()
    assert report.exit_code == 3
    assert files_under(folder) == [] and presented(store, folder) == set()
    assert offline_titles(store) == set()


def test_a_file_longer_than_the_feed_says_is_stopped_and_discarded(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    promised = document("short", 10_000)
    served = promised + b"x" * 200_000
    doc = feed_document(
        items=[
            item("a", "A", attachments=[attachment(server, "/a.pdf", served, declared=promised)])
        ]
    )
    load(store, doc)
    report = run(store, tmp_path / "cache")
    (outcome,) = report.outcomes
    assert outcome.status == "wrong_content" and "larger than the feed says" in outcome.message
    assert files_under(tmp_path / "cache") == []


def test_a_gzip_bomb_is_stopped_while_it_expands(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    promised = document("small", 10_000)
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip framing
    bomb = packer.compress(b"\0" * (64 * MB)) + packer.flush()
    assert len(bomb) < MB
    doc = feed_document(
        items=[item("a", "A", attachments=[attachment(server, "/a.pdf", promised)])]
    )
    server.files["/a.pdf"] = File(promised, gzipped=bomb)
    load(store, doc)
    report = run(store, tmp_path / "cache")
    (outcome,) = report.outcomes
    assert outcome.status == "wrong_content" and "larger than the feed says" in outcome.message
    assert files_under(tmp_path / "cache") == []


def test_an_interrupted_download_is_never_presented_and_resumes_with_a_range(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server, skip=("ceraf", "toolkit"), cut_after=15_000, cuts=1))
    folder = tmp_path / "cache"
    first = run(store, folder)
    (outcome,) = first.outcomes
    assert outcome.status == "failed" and outcome.reason == "connection_lost"
    assert "continues from where it stopped" in outcome.message
    assert first.exit_code == 4
    # Bytes kept for resuming, but only in partial/, never indexed, never where files go.
    assert presented(store, folder) == set() and offline_titles(store) == set()
    assert {p.parent.name for p in files_under(folder)} == {"partial"}
    second = run(store, folder)
    (resumed,) = second.outcomes
    assert resumed.status == "downloaded" and resumed.resumed and resumed.size == 40_000
    (request,) = server.requests_for("/files/guidance.pdf")[1:]
    assert request.headers["range"] == "bytes=15000-"
    assert offline_titles(store) == {"Document guidance"}
    assert {p.parent.name for p in files_under(folder)} == {sha(document("guidance", 40_000))[:2]}


def test_an_unreachable_server_keeps_the_partial_and_is_not_asked_twice(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server, cut_after=15_000, cuts=1))
    folder = tmp_path / "cache"
    run(store, folder)
    kept = {p.name for p in files_under(folder)}
    assert len(kept) == 6  # three partials, each with its record
    server.close()
    report = run(store, folder)
    assert [o.reason for o in report.outcomes] == ["offline"] * 3
    assert all(o.message.startswith("Could not reach 127.0.0.1") for o in report.outcomes)
    assert {p.name for p in files_under(folder)} == kept
    assert presented(store, folder) == set()


def test_a_server_without_ranges_sends_the_whole_file_again(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(
        store,
        documents_feed(server, skip=("ceraf", "toolkit"), cut_after=15_000, cuts=1, ranges=False),
    )
    folder = tmp_path / "cache"
    run(store, folder)
    report = run(store, folder)
    (outcome,) = report.outcomes
    assert outcome.status == "downloaded" and outcome.size == 40_000
    assert offline_titles(store) == {"Document guidance"}


def test_a_damaged_partial_is_discarded_and_the_file_downloaded_afresh(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server, skip=("ceraf", "toolkit"), cut_after=15_000, cuts=1))
    folder = tmp_path / "cache"
    run(store, folder)
    (partial,) = (p for p in files_under(folder) if p.suffix == ".part")
    data = bytearray(partial.read_bytes())
    data[100] ^= 0xFF
    partial.write_bytes(bytes(data))
    report = run(store, folder)
    (outcome,) = report.outcomes
    assert outcome.status == "downloaded" and not outcome.resumed
    assert "range" not in server.requests_for("/files/guidance.pdf")[-1].headers


def test_the_cap_is_respected_and_what_does_not_fit_is_reported(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    folder = tmp_path / "cache"
    # 100 000 bytes: the pinned document (40 000) and the smallest other (30 000) fit.
    report = run(store, folder, cap=100_000)
    assert {o.title for o in report.downloaded} == {"files/guidance.pdf", "files/toolkit.pdf"}
    (over,) = report.with_status("over_cap")
    assert over.title == "files/ceraf.pdf" and "does not fit" in over.message
    assert "did not fit in the" in report.summary() and report.exit_code == 0
    assert sum(p.stat().st_size for p in files_under(folder)) <= 100_000
    assert report.usage is not None and report.usage.bytes <= 100_000


def test_kept_items_displace_less_useful_files_but_never_pinned_ones(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    folder = tmp_path / "cache"
    run(store, folder, cap=100_000)  # guidance (pinned) + toolkit
    set_keep_offline(store, "test-source", "doc-ceraf", True)
    report = run(store, folder, cap=100_000)
    # ceraf (kept, 60 000) goes in by removing toolkit (not pinned, not kept).
    assert [o.title for o in report.downloaded] == ["files/ceraf.pdf"]
    assert offline_titles(store) == {"Document guidance", "Document ceraf"}
    # With a cap too small for both protected files, the pinned one stays and ceraf is reported.
    set_keep_offline(store, "test-source", "doc-ceraf", False)
    OfflineCache(store, folder, 0).clear()
    set_keep_offline(store, "test-source", "doc-ceraf", True)
    report = run(store, folder, mode="pinned", cap=70_000)
    assert [o.title for o in report.downloaded] == ["files/ceraf.pdf"]
    (over,) = report.with_status("over_cap")
    assert over.title == "files/guidance.pdf"


def test_the_policy_chooses_what_is_downloaded(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    assert run(store, tmp_path / "none", mode="none").outcomes == ()
    assert server.seen == []
    pinned = run(store, tmp_path / "pinned", mode="pinned")
    assert [o.title for o in pinned.downloaded] == ["files/guidance.pdf"]
    set_keep_offline(store, "test-source", "doc-toolkit", True)
    kept = run(store, tmp_path / "none", mode="none")
    assert [o.title for o in kept.downloaded] == ["files/toolkit.pdf"]


def test_documents_of_a_removed_item_go_at_the_next_clean_up(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    folder = tmp_path / "cache"
    run(store, folder)
    assert len(files_under(folder)) == 3
    load(store, documents_feed(server, sequence=2, skip=("ceraf",)))
    report = run(store, folder)
    assert report.cleanup.removed_files == 1 and report.changed
    assert len(files_under(folder)) == 2
    assert sha(document("ceraf", 60_000)) not in presented(store, folder)


def test_missing_documents_and_unreachable_servers_are_reported_without_a_file(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    body = document("gone", 5_000)
    gone = attachment(server, "/gone.pdf", body)
    server.files["/gone.pdf"] = File(body, status=404)
    unreachable = attachment(server, "/x.pdf", document("x", 5_000))
    unreachable["url"] = "http://127.0.0.1:9/x.pdf"  # the discard port: nobody listens
    load(
        store,
        feed_document(
            items=[
                item("a", "A", attachments=[gone]),
                item("b", "B", attachments=[unreachable]),
            ]
        ),
    )
    report = run(store, tmp_path / "cache")
    messages = {o.title: o.message for o in report.outcomes}
    assert "is no longer at" in messages["gone.pdf"] and "HTTP 404" in messages["gone.pdf"]
    assert messages["x.pdf"].startswith("Could not reach 127.0.0.1")
    assert report.exit_code == 4
    assert files_under(tmp_path / "cache") == []


def test_attachments_that_cannot_be_verified_or_opened_safely_are_not_downloaded(
    store: Store, server: FileServer, tmp_path: Path
) -> None:
    program = attachment(
        server, "/tool.exe", b"MZ" + b"\0" * 100, mime_type="application/x-msdownload"
    )
    unhashed = attachment(server, "/plain.pdf", document("plain", 1_000))
    del unhashed["_msguide"]
    load(store, feed_document(items=[item("a", "A", attachments=[program, unhashed])]))
    report = run(store, tmp_path / "cache")
    assert report.outcomes == () and server.seen == []
    assert set(report.unusable) == {"tool.exe", "plain.pdf"}


def test_the_downloader_reports_progress_and_can_be_cancelled(
    qtbot: QtBot, store: Store, server: FileServer, tmp_path: Path
) -> None:
    load(store, documents_feed(server))
    downloader = AttachmentDownloader(
        store, folder=tmp_path / "cache", preferences=OfflinePreferences("all", 100 * MB)
    )
    seen: list[DownloadProgress] = []
    downloader.progress.connect(seen.append)
    with qtbot.waitSignal(downloader.finished, timeout=20_000) as finished:
        assert downloader.start()
        assert not downloader.start()  # one run at a time
    report = finished.args[0]
    assert len(report.downloaded) == 3 and not downloader.is_running()
    assert seen and seen[-1].received == seen[-1].total and seen[-1].count == 3

    OfflineCache(store, tmp_path / "cache", 0).clear()
    with qtbot.waitSignal(downloader.finished, timeout=20_000) as finished:
        downloader.start()
        downloader.cancel()
    assert finished.args[0].cancelled
    assert presented(store, tmp_path / "cache") == set()
    downloader.deleteLater()


@pytest.mark.parametrize("mode", ["all", "pinned"])
def test_hits_are_offline_only_while_a_verified_copy_is_indexed(
    store: Store, server: FileServer, tmp_path: Path, mode: str
) -> None:
    load(store, documents_feed(server))
    folder = tmp_path / "cache"
    run(store, folder, mode=mode)
    assert "Document guidance" in offline_titles(store)
    # A copy damaged on disk is found out when opened, removed, and the item no longer shows.
    cache = OfflineCache(store, folder, 100 * MB)
    digest = sha(document("guidance", 40_000))
    copy = cache.lookup(digest)
    assert copy is not None
    damaged = bytearray(copy.path.read_bytes())
    damaged[-1] ^= 0xFF
    copy.path.write_bytes(bytes(damaged))
    with pytest.raises(StorageError, match="was damaged, so it was removed"):
        cache.verified_copy(digest)
    assert "Document guidance" not in offline_titles(store)
    assert not copy.path.exists()
