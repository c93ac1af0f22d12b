"""The transport's file mode (issue 6): bodies streamed to a sink, and resuming with a Range."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fileserver import File, FileServer
from offlinekit import document

from msguide.sync.qt_transport import QtTransport
from msguide.sync.service import fetch_blocking
from msguide.sync.transport import FetchFailure, FetchRequest, FetchResponse, TransportOptions

BODY = document("body", 300_000)


@pytest.fixture
def transport() -> Iterator[QtTransport]:
    made = QtTransport(TransportOptions(stall_timeout=2, total_timeout=10))
    yield made
    made.deleteLater()


def fetch_into(
    transport: QtTransport, url: str, **request: object
) -> tuple[object, list[tuple[int, bytes]]]:
    pieces: list[tuple[int, bytes]] = []
    result = fetch_blocking(
        transport,
        FetchRequest(url, sink=lambda offset, data: pieces.append((offset, data)), **request),  # type: ignore[arg-type]
    )
    return result, pieces


def joined(pieces: list[tuple[int, bytes]]) -> bytes:
    out = b""
    for offset, data in pieces:
        assert offset == (pieces[0][0] + len(out))  # contiguous
        out += data
    return out


def test_a_body_streams_to_the_sink_and_is_not_kept(
    transport: QtTransport, server: FileServer
) -> None:
    server.files["/doc.pdf"] = File(BODY)
    result, pieces = fetch_into(transport, server.url("/doc.pdf"))
    assert isinstance(result, FetchResponse) and result.status == 200 and result.body == b""
    assert pieces[0][0] == 0 and joined(pieces) == BODY
    assert "range" not in server.seen[0].headers


def test_a_range_request_resumes_at_its_offset(transport: QtTransport, server: FileServer) -> None:
    server.files["/doc.pdf"] = File(BODY)
    result, pieces = fetch_into(transport, server.url("/doc.pdf"), range_start=100_000)
    assert isinstance(result, FetchResponse) and result.status == 206
    assert pieces[0][0] == 100_000 and joined(pieces) == BODY[100_000:]
    headers = server.seen[0].headers
    assert headers["range"] == "bytes=100000-" and headers["accept-encoding"] == "identity"


def test_a_server_that_ignores_ranges_restarts_at_zero(
    transport: QtTransport, server: FileServer
) -> None:
    server.files["/doc.pdf"] = File(BODY, ranges=False)
    result, pieces = fetch_into(transport, server.url("/doc.pdf"), range_start=100_000)
    assert isinstance(result, FetchResponse) and result.status == 200
    assert pieces[0][0] == 0 and joined(pieces) == BODY


def test_a_range_from_the_wrong_place_is_refused(
    transport: QtTransport, server: FileServer
) -> None:
    server.files["/doc.pdf"] = File(BODY, range_shift=10)
    result, pieces = fetch_into(transport, server.url("/doc.pdf"), range_start=100_000)
    assert isinstance(result, FetchFailure) and "another part of the file" in result.detail
    assert pieces == []


def test_an_error_page_never_reaches_the_sink(transport: QtTransport, server: FileServer) -> None:
    result, pieces = fetch_into(transport, server.url("/missing.pdf"))
    assert isinstance(result, FetchFailure) and result.http_status == 404
    assert pieces == []


def test_a_cut_body_is_a_lost_connection_after_the_bytes_that_came(
    transport: QtTransport, server: FileServer
) -> None:
    server.files["/doc.pdf"] = File(BODY, cut_after=50_000, cuts=1)
    result, pieces = fetch_into(transport, server.url("/doc.pdf"))
    assert isinstance(result, FetchFailure) and result.kind == "connection_lost"
    assert joined(pieces) == BODY[:50_000]
