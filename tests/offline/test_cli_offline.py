"""`msguide offline …` and the offline-pack side of `msguide import`, run in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fileserver import FileServer
from offlinekit import documents_feed, files_under, write_policy

from feedmaker import to_bytes

Cli = Callable[..., Any]


@pytest.fixture
def with_documents(home: Path, server: FileServer, cli: Cli, tmp_path: Path) -> Path:
    """The user's store holds the documents feed (unsigned allowed); policy: pinned, 1 MB."""
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), attachments="pinned", cap_mb=1)
    feed = tmp_path / "feed.json"
    feed.write_bytes(to_bytes(documents_feed(server)))
    assert cli("import", str(feed)).code == 0
    return feed


def test_status_keep_download_clean_and_clear(
    with_documents: Path, server: FileServer, cli: Cli, tmp_path: Path
) -> None:
    status = json.loads(cli("offline", "status", "--json").out)
    assert status["mode"] == "pinned" and status["cap_bytes"] == 1024 * 1024
    assert status["documents"] == 0 and status["wanted_not_offline"] == 1
    kept = cli("offline", "keep", "doc-ceraf")
    assert kept.code == 0 and '"Document ceraf" will be kept offline' in kept.out
    assert cli("offline", "keep", "no-such-item").code == 2
    text = cli("offline", "status").out
    assert "plus 1 item marked Keep offline" in text and "2 wanted documents are not" in text

    done = cli("offline", "download")
    assert done.code == 0, done.err
    assert done.out.startswith("Downloaded 2 documents for offline use")
    found = json.loads(cli("search", "document", "--json").out)
    assert {h["id"] for h in found if h["offline"]} == {"doc-guidance", "doc-ceraf"}

    # The item goes from the feed: the next clean-up removes its document.
    smaller = documents_feed(server, sequence=2, skip=("ceraf",))
    (tmp_path / "feed2.json").write_bytes(to_bytes(smaller))
    assert cli("import", str(tmp_path / "feed2.json")).code == 0
    cleaned = cli("offline", "clean")
    assert cleaned.out.startswith("Removed 1 file no current item needs")
    cleared = cli("offline", "clear")
    assert cleared.code == 0 and cleared.out.startswith("Removed every offline document")
    assert files_under(Path(os.environ["MSGUIDE_HOME"]) / "cache" / "attachments") == []


def test_download_failures_set_the_exit_code(
    with_documents: Path, cli: Cli, server: FileServer
) -> None:
    server.files.clear()
    done = cli("offline", "download", "--json")
    assert done.code == 4
    report = json.loads(done.out)
    assert (
        report["problems"][0]["reason"] == "http" and "HTTP 404" in report["problems"][0]["message"]
    )


def test_pack_import_is_an_admin_tool_and_takes_no_signature(
    home: Path, cli: Cli, tmp_path: Path
) -> None:
    pack = tmp_path / "pack.zip"
    pack.write_bytes(b"whatever")
    assert cli("import", str(pack), "--signature", "x.minisig").code == 2
    Path(os.environ["MSGUIDE_POLICY"]).write_text("[admin]\ntools = false\n", encoding="utf-8")
    done = cli("import", str(pack))
    assert done.code == 2 and "turned off by your IT policy" in done.err
