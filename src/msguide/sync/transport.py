"""The transport interface the sync logic depends on: requests, responses and failures as values.

Nothing here imports Qt; `msguide.sync.qt_transport` is the implementation the app uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from msguide import __version__
from msguide.feed.links import is_loopback_host
from msguide.feed.parse import DEFAULT_LIMITS
from msguide.safetext import safe_text

USER_AGENT = f"msguide/{__version__}"

FailureKind = Literal[
    "offline",  # no route to the server: no network, name not found, connection refused
    "timeout",  # the server stopped sending, or the whole transfer took too long
    "connection_lost",  # the connection broke mid-body or the body was shorter than announced
    "too_large",  # more bytes than the cap (counted after decompression)
    "insecure_redirect",  # a redirect to plain http or another scheme
    "tls",  # the server's certificate could not be verified
    "proxy_auth",  # the proxy answered 407
    "proxy",  # the proxy could not be reached or failed
    "http",  # the server answered with an HTTP error status
    "cancelled",  # cancelled by the caller
    "other",
]


@dataclass(frozen=True, slots=True)
class TransportOptions:
    """How every fetch behaves. Timeouts in seconds; `extra_ca_files` are PEM files to trust."""

    stall_timeout: float = 30.0
    total_timeout: float = 300.0
    extra_ca_files: tuple[Path, ...] = ()
    user_agent: str = USER_AGENT
    max_redirects: int = 5


BodySink = Callable[[int, bytes], None]


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One GET. `etag`/`last_modified` make it conditional; `max_bytes` caps the decoded body.

    For files (offline attachments, msguide.sync.attachments): `range_start` asks for the bytes
    from that offset on (resuming a download; sent without compression), and `sink` receives a
    2xx body as it arrives instead of the response keeping it (its body is then empty):
    `sink(offset, data)`, where `offset` places `data` in the whole file — it starts at
    `range_start` when the server answered 206 to the range, else at 0 (it sent everything).
    """

    url: str
    etag: str | None = None
    last_modified: str | None = None
    max_bytes: int = DEFAULT_LIMITS.max_bytes
    allow_insecure_http: bool = False
    range_start: int = 0
    sink: BodySink | None = None


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """A 200 (with its body) or a 304 (body empty). `url` is the address after redirects."""

    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """Why a fetch gave no usable response; `detail` is a sentence fragment for messages."""

    kind: FailureKind
    detail: str
    http_status: int | None = None


FetchResult = FetchResponse | FetchFailure
DoneCallback = Callable[[FetchResult], None]
ProgressCallback = Callable[[int, int], None]


class PendingFetch(Protocol):
    def cancel(self) -> None:
        """Stop the fetch; its done callback then receives a "cancelled" failure."""


class Transport(Protocol):
    """Starts fetches. Callbacks run later, on the thread that owns the transport, exactly once
    for `done`; `progress` gets (bytes received, total or -1 when unknown)."""

    def fetch(
        self,
        request: FetchRequest,
        done: DoneCallback,
        progress: ProgressCallback | None = None,
    ) -> PendingFetch: ...


def refusal_for(url: str, *, allow_insecure_http: bool, redirected_from: str | None = None) -> str:
    """Why `url` must not be fetched, or "" when it may.

    https is always fine. Plain http only for loopback hosts (tests, local mirrors) or a source
    the policy marks `allow_insecure_http`, and never as a redirect away from https.
    """
    shown = safe_text(url[:200])
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # "https://host:99999/" or "https://[::1/…" raise here, not later
    except ValueError:
        return f"{shown} is not a valid web address"
    scheme = parts.scheme.lower()
    if scheme == "https" and host:
        return ""
    if scheme != "http" or not host:
        return f"{shown} is not an https:// address"
    if redirected_from is not None and urlsplit(redirected_from).scheme.lower() != "http":
        return f"the server redirected from https to plain http ({shown}), which is refused"
    if allow_insecure_http or is_loopback_host(host):
        return ""
    return f"{shown} uses plain http://, which is allowed only for local test servers"
