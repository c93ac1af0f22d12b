"""Real servers on 127.0.0.1 for sync tests: a feed server (HTTP or HTTPS) and a CONNECT proxy."""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import hashlib
import select
import socket
import socketserver
import ssl
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """What the server answers for one path.

    behaviour: "normal"; "reset" (RST before any answer); "stall" (headers and a few bytes, then
    silence until the test ends); "truncate" (Content-Length promises more than is sent);
    "slow" (the body in `chunks` pieces, `delay` seconds apart); "gzip" (body sent gzip-encoded,
    or `raw_gzip` as is); "redirect" (302 to `location`).
    """

    body: bytes = b""
    status: int = 200
    behaviour: str = "normal"
    etag: str | None = "auto"
    location: str = ""
    chunks: int = 10
    delay: float = 0.05
    raw_gzip: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append(
            SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        route = self.server.routes.get(self.path)
        if route is None:
            self._send(404, b"not found\n")
            return
        etag = self.server.etag(self.path)
        if route.behaviour == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if route.behaviour == "redirect":
            self._send(302, b"", {"Location": route.location})
            return
        if etag and self.headers.get("If-None-Match") == etag and route.status == 200:
            self._send(304, b"", {"ETag": etag}, body_allowed=False)
            return
        headers = dict(route.headers)
        if etag and route.status == 200:
            headers["ETag"] = etag
        body = route.body
        if route.behaviour == "gzip":
            body = route.raw_gzip if route.raw_gzip is not None else gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if route.behaviour == "truncate":
            self._send_head(route.status, len(body) + 1000, headers)
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if route.behaviour == "stall":
            self._send_head(route.status, len(body), headers)
            self.wfile.write(body[:10])
            self.wfile.flush()
            self.server.release.wait(30)
            self.close_connection = True
            return
        if route.behaviour == "slow":
            self._send_head(route.status, len(body), headers)
            size = -(-len(body) // route.chunks)
            for start in range(0, len(body), size):
                self.wfile.write(body[start : start + size])
                self.wfile.flush()
                if self.server.release.wait(route.delay):
                    break
            return
        self._send(route.status, body, headers)

    def _send_head(self, status: int, length: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Type", "application/feed+json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        body_allowed: bool = True,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body_allowed:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body_allowed:
            self.wfile.write(body)


class FeedServer(ThreadingHTTPServer):
    """Serves `routes` on 127.0.0.1:port; with `tls`, over HTTPS. Records every request."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls = tls
        self.routes: dict[str, Route] = {}
        self.seen: list[SeenRequest] = []
        self.release = threading.Event()
        self._connections: set[socket.socket] = set()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str = "/feed.json") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def finish_request(self, request: Any, client_address: Any) -> None:
        self._connections.add(request)
        try:
            self._serve(request, client_address)
        finally:
            self._connections.discard(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the request's own thread, so a client that refuses
        # our certificate cannot hold up the accept loop.
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: the client refused our certificate
            return
        with wrapped:
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-answer are what many tests do on purpose

    def etag(self, path: str) -> str | None:
        """The ETag served for `path`: by default a hash of its body."""
        route = self.routes[path]
        if route.etag == "auto":
            return '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        return route.etag

    def requests_for(self, path: str) -> list[SeenRequest]:
        return [r for r in self.seen if r.path == path]

    def close(self) -> None:
        """Stop as a server that went away does: kept-alive connections are cut too."""
        self.release.set()
        self.shutdown()
        self.server_close()
        for connection in list(self._connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)


class _ProxyHandler(socketserver.BaseRequestHandler):
    server: ConnectProxy

    def handle(self) -> None:
        client: socket.socket = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            data = client.recv(4096)
            if not data:
                return
            head += data
        lines = head.split(b"\r\n")
        method, target, _ = lines[0].decode("latin-1").split(" ", 2)
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.decode("latin-1").partition(":") for line in lines[1:] if line)
        }
        self.server.seen.append((method, target, headers))
        if self.server.credentials is not None:
            wanted = "Basic " + base64.b64encode(self.server.credentials.encode()).decode()
            if headers.get("proxy-authorization") != wanted:
                client.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="council"\r\n'
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
                return
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        with socket.create_connection(
            (self.server.hosts.get(host, host), int(port)), 10
        ) as upstream:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(client, upstream)

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        sockets = [client, upstream]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            readable, _, _ = select.select(sockets, [], [], 0.5)
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (upstream if sock is client else client).sendall(data)


class ConnectProxy(socketserver.ThreadingTCPServer):
    """An HTTP proxy that only tunnels (CONNECT); with `credentials` ("user:pass") it asks for
    Basic sign-in."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, credentials: str | None = None, hosts: dict[str, str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.credentials = credentials
        # Names only the proxy can resolve, as on networks where only the proxy sees outside.
        self.hosts = hosts or {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)


@functools.cache
def gzip_bomb(decoded_size: int) -> bytes:
    """A gzip stream of `decoded_size` zero bytes, several hundred times smaller."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    zeros = b"\0" * (1024 * 1024)
    parts = []
    remaining = decoded_size
    while remaining > 0:
        piece = zeros[: min(remaining, len(zeros))]
        parts.append(packer.compress(piece))
        remaining -= len(piece)
    parts.append(packer.flush())
    return b"".join(parts)
