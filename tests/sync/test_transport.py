"""QtTransport on its own, against local servers: headers, caps, timeouts, redirects, TLS."""

from __future__ import annotations

import gzip
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from servers import FeedServer, Route

from msguide.feed.links import is_loopback_host
from msguide.sync.qt_transport import QtTransport
from msguide.sync.service import fetch_blocking
from msguide.sync.transport import (
    FetchFailure,
    FetchRequest,
    FetchResponse,
    FetchResult,
    TransportOptions,
    refusal_for,
)

BODY = b'{"hello": "world"}\n' * 200


@pytest.fixture
def transport() -> Iterator[QtTransport]:
    made = QtTransport(TransportOptions(stall_timeout=0.5, total_timeout=5))
    yield made
    made.deleteLater()


def fetch(transport: QtTransport, url: str, **request: Any) -> FetchResult:
    return fetch_blocking(transport, FetchRequest(url, **request))


def test_a_plain_get_sends_our_user_agent_and_accepts_gzip(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(
        BODY, headers={"Last-Modified": "Tue, 01 Apr 2025 09:00:00 GMT"}
    )
    result = fetch(transport, server.url())
    assert isinstance(result, FetchResponse) and result.body == BODY and result.status == 200
    assert result.etag == server.etag("/feed.json")
    assert result.last_modified == "Tue, 01 Apr 2025 09:00:00 GMT"
    headers = server.seen[0].headers
    assert headers["user-agent"] == f"msguide/{__import__('msguide').__version__}"
    assert "gzip" in headers["accept-encoding"]


def test_a_gzip_body_arrives_decoded(transport: QtTransport, server: FeedServer) -> None:
    server.routes["/feed.json"] = Route(BODY, behaviour="gzip")
    result = fetch(transport, server.url())
    assert isinstance(result, FetchResponse) and result.body == BODY
    assert len(gzip.compress(BODY)) < len(BODY) // 10


def test_validators_make_the_request_conditional(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(BODY)
    etag = server.etag("/feed.json")
    result = fetch(
        transport, server.url(), etag=etag, last_modified="Tue, 01 Apr 2025 09:00:00 GMT"
    )
    assert isinstance(result, FetchResponse) and result.not_modified and result.body == b""
    assert server.seen[0].headers["if-none-match"] == etag
    assert server.seen[0].headers["if-modified-since"] == "Tue, 01 Apr 2025 09:00:00 GMT"


def test_a_body_over_the_cap_is_aborted_while_streaming(
    transport: QtTransport, server: FeedServer
) -> None:
    # No Content-Length check can catch this one: the body is sent slowly, in pieces.
    server.routes["/big"] = Route(b"x" * 400_000, behaviour="slow", chunks=40, delay=0.05)
    started = time.monotonic()
    result = fetch(transport, server.url("/big"), max_bytes=50_000)
    assert isinstance(result, FetchFailure) and result.kind == "too_large"
    assert time.monotonic() - started < 1.0, "aborted early, not after the whole 2 s body"


def test_a_gzip_body_is_capped_on_its_decoded_size(
    transport: QtTransport, server: FeedServer
) -> None:
    body = os.urandom(150_000)  # incompressible: Qt's own ratio guard never fires
    server.routes["/big"] = Route(body, behaviour="gzip")
    assert len(gzip.compress(body)) > 100_000
    result = fetch(transport, server.url("/big"), max_bytes=120_000)
    assert isinstance(result, FetchFailure) and result.kind == "too_large"
    assert fetch(transport, server.url("/big"), max_bytes=200_000).body == body  # type: ignore[union-attr]


def test_an_announced_length_over_the_cap_is_refused_at_the_headers(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/big"] = Route(b"x" * 200_000)
    result = fetch(transport, server.url("/big"), max_bytes=1000)
    assert isinstance(result, FetchFailure) and result.kind == "too_large"
    assert "1,000 bytes" in result.detail


def test_a_stalled_server_times_out_within_the_stall_limit(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/stall"] = Route(BODY, behaviour="stall")
    started = time.monotonic()
    result = fetch(transport, server.url("/stall"))
    elapsed = time.monotonic() - started
    assert isinstance(result, FetchFailure) and result.kind == "timeout"
    assert 0.4 < elapsed < 1.5


def test_a_trickling_server_hits_the_overall_deadline(server: FeedServer) -> None:
    transport = QtTransport(TransportOptions(stall_timeout=2, total_timeout=0.5))
    server.routes["/slow"] = Route(BODY, behaviour="slow", chunks=100, delay=0.05)
    started = time.monotonic()
    result = fetch(transport, server.url("/slow"))
    assert isinstance(result, FetchFailure) and result.kind == "timeout"
    assert "longer than 0.5 seconds" in result.detail
    assert time.monotonic() - started < 1.5


def test_progress_counts_bytes_against_the_announced_total(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/slow"] = Route(BODY, behaviour="slow", chunks=4, delay=0.02)
    seen: list[tuple[int, int]] = []
    results: list[FetchResult] = []
    transport.fetch(
        FetchRequest(server.url("/slow")), results.append, lambda r, t: seen.append((r, t))
    )
    deadline = time.monotonic() + 5
    from PySide6.QtCore import QCoreApplication

    while not results and time.monotonic() < deadline:
        QCoreApplication.processEvents()
    assert results and isinstance(results[0], FetchResponse)
    assert seen[-1] == (len(BODY), len(BODY))
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)


def test_cancel_stops_a_download_and_reports_it(
    transport: QtTransport, server: FeedServer, qtbot: Any
) -> None:
    server.routes["/stall"] = Route(BODY, behaviour="stall")
    results: list[FetchResult] = []
    pending = transport.fetch(FetchRequest(server.url("/stall")), results.append)
    QTimer.singleShot(100, pending.cancel)
    qtbot.waitUntil(lambda: bool(results), timeout=2000)
    assert isinstance(results[0], FetchFailure) and results[0].kind == "cancelled"


def test_plain_http_redirects_are_followed_only_between_loopback_addresses(
    transport: QtTransport, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(BODY)
    server.routes["/old"] = Route(behaviour="redirect", location=server.url())
    result = fetch(transport, server.url("/old"))
    assert isinstance(result, FetchResponse) and result.url == server.url()
    server.routes["/away"] = Route(behaviour="redirect", location="http://feeds.example.org/f.json")
    refused = fetch(transport, server.url("/away"))
    assert isinstance(refused, FetchFailure) and refused.kind == "insecure_redirect"
    # A name that only starts like a loopback address: refused before it is looked up.
    server.routes["/nip"] = Route(behaviour="redirect", location="http://127.0.0.1.nip.io/f.json")
    assert fetch(transport, server.url("/nip")).kind == "insecure_redirect"  # type: ignore[union-attr]
    server.routes["/ftp"] = Route(behaviour="redirect", location="ftp://127.0.0.1/feed.json")
    assert fetch(transport, server.url("/ftp")).kind == "insecure_redirect"  # type: ignore[union-attr]


def test_an_untrusted_certificate_fails_and_an_added_ca_is_trusted(
    https_server: FeedServer, ca_file: Path, tmp_path: Path
) -> None:
    https_server.routes["/feed.json"] = Route(BODY)
    plain = QtTransport(TransportOptions(stall_timeout=2))
    refused = fetch(plain, https_server.url())
    assert isinstance(refused, FetchFailure) and refused.kind == "tls"
    trusting = QtTransport(TransportOptions(stall_timeout=2, extra_ca_files=(ca_file,)))
    accepted = fetch(trusting, https_server.url())
    assert isinstance(accepted, FetchResponse) and accepted.body == BODY
    broken = tmp_path / "not-a-certificate.pem"
    broken.write_text("hello")
    assert QtTransport(TransportOptions(extra_ca_files=(broken,))).problems


@pytest.mark.parametrize(
    ("url", "insecure", "previous", "allowed"),
    [
        ("https://feeds.example.org/f.json", False, None, True),
        ("http://127.0.0.1:8000/f.json", False, None, True),
        ("http://localhost/f.json", False, None, True),
        ("http://[::1]:80/f.json", False, None, True),
        ("http://feeds.example.org/f.json", False, None, False),
        ("http://feeds.example.org/f.json", True, None, True),
        ("http://127.0.0.1/f.json", True, "https://feeds.example.org/f.json", False),
        ("http://mirror.local/f.json", True, "http://mirror.local/old.json", True),
        ("file:///etc/passwd", True, None, False),
        ("ftp://feeds.example.org/f.json", True, None, False),
        ("https:///no-host", False, None, False),
        ("http://127.9.8.7/f.json", False, None, True),
        ("http://127.0.0.1/f.json", False, "http://127.0.0.1/old.json", True),
        # Names that merely start like a loopback address can point anywhere (issue 14).
        ("http://127.attacker.example/f.json", False, None, False),
        ("http://127.0.0.1.nip.io/f.json", False, None, False),
        ("http://localhost.attacker.example/f.json", False, None, False),
        ("http://127.0.0.1.nip.io/f.json", False, "http://127.0.0.1/old.json", False),
        ("http://[::1]@127.attacker.example/f.json", False, None, False),
        # Malformed addresses are refused in words, not with a ValueError.
        ("https://[::1/feed.json", False, None, False),
        ("https://feeds.example.org:99999/f.json", False, None, False),
    ],
)
def test_which_addresses_may_be_fetched(
    url: str, insecure: bool, previous: str | None, allowed: bool
) -> None:
    refusal = refusal_for(url, allow_insecure_http=insecure, redirected_from=previous)
    assert (refusal == "") is allowed, refusal


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("[::1]", True),
        ("::1", True),
        ("LocalHost", True),
        ("127.attacker.example", False),
        ("127.0.0.1.nip.io", False),
        ("127.", False),
        ("localhost.", False),
        ("localhost.example", False),
        ("128.0.0.1", False),
        ("::2", False),
        ("", False),
    ],
)
def test_only_loopback_addresses_and_localhost_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
