"""`msguide doctor` checks TLS, proxies and each configured feed (online only when asked)."""

from __future__ import annotations

import json

from servers import FeedServer
from syncing import PolicyWriter, publish

from feedmaker import feed_document


def test_doctor_reports_tls_and_feeds_without_touching_the_network(
    cli,
    server: FeedServer,
    policy: PolicyWriter,  # type: ignore[no-untyped-def]
) -> None:
    policy.source(server.url(), None)
    report = json.loads(cli("doctor", "--json").out)
    assert report["network"]["tls"]["supported"] is True
    [feed] = report["network"]["feeds"]
    assert feed["url"] == server.url() and feed["id"] == "test-source"
    assert feed["proxy"] == "direct (no proxy)"
    assert feed["last_status"] is None and "check" not in feed
    assert server.seen == []  # nothing was sent


def test_doctor_online_fetches_each_feed_once_and_shows_the_last_sync(
    cli,
    server: FeedServer,
    policy: PolicyWriter,  # type: ignore[no-untyped-def]
) -> None:
    publish(server, feed_document(), None)
    policy.source(server.url(), None)
    assert cli("sync").code == 0
    text = cli("doctor", "--online").out
    assert "check now: reached: HTTP 200" in text
    assert "last sync: updated at " in text
    assert len(server.requests_for("/feed.json")) == 2  # the sync, then the doctor's check
