"""`msguide import URL`: download, verify, show the diff, apply (or not, with --dry-run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from servers import FeedServer, Route
from syncing import PolicyWriter, publish, snapshot

from feedmaker import feed_document, newer_document
from msguide.feed.signature import KeyFiles


def test_importing_a_configured_url_verifies_it_with_the_sources_keys(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    done = cli("import", server.url(), "--json")
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert result["applied"] is True and result["signature"] == "verified"
    assert len(result["added"]) == 4


def test_a_dry_run_shows_the_diff_and_changes_nothing(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    assert cli("import", server.url()).code == 0
    publish(server, newer_document(), keys)
    before = snapshot(store_path)
    done = cli("import", server.url(), "--dry-run")
    assert done.code == 0, done.err
    assert "test-source sequence 2 would apply: 1 added, 1 changed, 1 removed" in done.out
    assert snapshot(store_path) == before


def test_an_unsigned_feed_for_a_pinned_source_is_refused_from_any_url(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    """The URL is not configured, but the feed claims a source the policy pins keys for."""
    policy.source("https://publisher.example/feed.json", keys)
    publish(server, feed_document(), None, "/copy.json")
    done = cli("import", server.url("/copy.json"))
    assert done.code == 3
    assert "the feed is not signed" in done.err


def test_network_failures_and_plain_http_are_reported(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    policy.source(server.url(), keys)
    server.routes["/feed.json"] = Route(b"oops", status=503)
    failed = cli("import", server.url(), "--json")
    assert failed.code == 4
    error = json.loads(failed.out)["error"]
    assert error["code"] == "network" and "HTTP 503" in error["message"]
    assert "nothing was imported" in error["message"]

    insecure = cli("import", "http://feeds.example.org/feed.json")
    assert insecure.code == 2 and "use an https:// address" in insecure.err


def test_a_date_that_overflows_in_utc_is_refused_from_a_url(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    """Parsed after download like a file (exit 3), never an OverflowError (it was exit 1)."""
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    assert cli("import", server.url()).code == 0
    document = newer_document()
    document["_msguide"]["published"] = "9999-12-31T23:00:00-12:00"
    publish(server, document, keys)
    before = snapshot(store_path)
    done = cli("import", server.url())
    assert done.code == 3, done.err
    assert "_msguide.published: the date 9999-12-31T23:00:00-12:00 is after the year 9999" in (
        done.err
    )
    assert snapshot(store_path) == before


def test_the_download_file_is_removed_after_an_import_a_refusal_and_a_failure(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    from msguide.sync.download import PREFIX

    policy.source(server.url(), keys)
    publish(server, feed_document(), keys)
    assert cli("import", server.url()).code == 0
    publish(server, newer_document(), None)  # unsigned for a pinned source: refused
    assert cli("import", server.url()).code == 3
    publish(server, feed_document(), keys, behaviour="truncate")
    assert cli("import", server.url()).code == 4
    assert list(store_path.parent.glob(PREFIX + "*")) == []
