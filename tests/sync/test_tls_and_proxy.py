"""HTTPS trust, redirects and proxies, through `msguide sync` (CHECKLISTS 10, 12, 13)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from servers import ConnectProxy, FeedServer, Route
from syncing import PROXIED_HOST, PolicyWriter, publish, snapshot

from feedmaker import feed_document, newer_document
from msguide.feed.signature import KeyFiles


def sync_json(cli: Any, expected_code: int) -> dict[str, Any]:
    done = cli("sync", "--json")
    assert done.code == expected_code, done.out + done.err
    [outcome] = json.loads(done.out)
    return outcome  # type: ignore[no-any-return]


def test_a_server_signed_by_an_untrusted_ca_is_refused_until_the_ca_is_added(
    cli: Any, https_server: FeedServer, policy: PolicyWriter, keys: KeyFiles, ca_file: Path
) -> None:
    publish(https_server, feed_document(), keys)
    policy.source(https_server.url(), keys)

    refused = sync_json(cli, 4)
    assert refused["status"] == "failed"
    assert "The secure connection to 127.0.0.1 could not be verified" in refused["message"]
    assert "extra_ca_file" in refused["message"]
    assert https_server.requests_for("/feed.json") == [], "no request got past the handshake"

    policy.source(https_server.url(), keys, network={"extra_ca_file": str(ca_file)})
    accepted = sync_json(cli, 0)
    assert accepted["status"] == "updated" and accepted["sequence"] == 1


def test_a_missing_extra_ca_file_is_named_in_the_message(
    cli: Any, https_server: FeedServer, policy: PolicyWriter, keys: KeyFiles, tmp_path: Path
) -> None:
    publish(https_server, feed_document(), keys)
    missing = tmp_path / "no-such-ca.pem"
    policy.source(https_server.url(), keys, network={"extra_ca_file": str(missing)})
    outcome = sync_json(cli, 4)
    assert str(missing) in outcome["message"]


def test_a_redirect_from_https_to_http_is_refused(
    cli: Any,
    https_server: FeedServer,
    server: FeedServer,
    policy: PolicyWriter,
    keys: KeyFiles,
    ca_file: Path,
    store_path: Path,
) -> None:
    publish(https_server, feed_document(), keys)
    policy.source(https_server.url(), keys, network={"extra_ca_file": str(ca_file)})
    sync_json(cli, 0)
    before = snapshot(store_path)
    publish(server, newer_document(), keys)
    https_server.routes["/feed.json"] = Route(behaviour="redirect", location=server.url())

    outcome = sync_json(cli, 4)
    assert outcome["status"] == "failed"
    assert "redirected from https to plain http" in outcome["message"]
    assert server.seen == [], "the plain-http address was never contacted"
    assert snapshot(store_path) == before


def test_a_redirect_to_another_https_address_is_followed(
    cli: Any, https_server: FeedServer, policy: PolicyWriter, keys: KeyFiles, ca_file: Path
) -> None:
    publish(https_server, feed_document(), keys, "/moved.json")
    https_server.routes["/feed.json"] = Route(
        behaviour="redirect", location=https_server.url("/moved.json")
    )
    https_server.routes["/feed.json.minisig"] = https_server.routes["/moved.json.minisig"]
    policy.source(https_server.url(), keys, network={"extra_ca_file": str(ca_file)})
    assert sync_json(cli, 0)["status"] == "updated"


@pytest.fixture
def proxied_source(
    https_server: FeedServer, policy: PolicyWriter, keys: KeyFiles, ca_file: Path
) -> str:
    """A source whose host name only the proxy resolves (Qt never proxies 127.0.0.1)."""
    publish(https_server, feed_document(), keys)
    url = f"https://{PROXIED_HOST}:{https_server.port}/feed.json"
    policy.source(url, keys, network={"extra_ca_file": str(ca_file)})
    return url


def test_sync_goes_through_the_system_http_proxy(
    cli: Any,
    proxied_source: str,
    proxy: ConnectProxy,
    https_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)
    outcome = sync_json(cli, 0)
    assert outcome["status"] == "updated"
    assert [(m, t) for m, t, _ in proxy.seen][:1] == [
        ("CONNECT", f"{PROXIED_HOST}:{https_server.port}")
    ]
    assert proxy.seen[0][2]["user-agent"].startswith("msguide/")


def test_a_proxy_that_wants_sign_in_gets_a_sign_in_message(
    cli: Any,
    proxied_source: str,
    signing_proxy: ConnectProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("https_proxy", signing_proxy.url)
    outcome = sync_json(cli, 4)
    assert outcome["status"] == "failed"
    assert "The proxy server needs you to sign in" in outcome["message"]
    done = cli("sync")
    assert done.code == 4 and "needs you to sign in" in done.err
