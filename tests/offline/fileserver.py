"""A real HTTP server on 127.0.0.1 for offline tests: documents (with Range), feeds, cut bodies."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class File:
    """What the server answers for one path.

    ranges: answer `Range: bytes=N-` with 206 (else the whole file, 200).
    cut_after: for the next `cuts` requests, send the headers of the full answer but only this
    many body bytes, then close the connection (a download interrupted mid-body).
    """

    body: bytes
    content_type: str = "application/pdf"
    ranges: bool = True
    cut_after: int | None = None
    cuts: int = 0
    status: int = 200
    range_shift: int = 0  # a broken server: answer a range with bytes from elsewhere
    gzipped: bytes | None = None  # sent as is with Content-Encoding: gzip (a bomb, say)


@dataclass
class Seen:
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: FileServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append(Seen(self.path, headers))
        entry = self.server.files.get(self.path)
        if entry is None:
            self._answer(404, b"not found\n", {"Content-Type": "text/plain"})
            return
        body, status = entry.body, entry.status
        extra = {"Content-Type": entry.content_type}
        if entry.ranges:
            extra["Accept-Ranges"] = "bytes"
        wanted = re.fullmatch(r"bytes=(\d+)-", headers.get("range", ""))
        if entry.ranges and wanted and status == 200:
            start = int(wanted.group(1))
            if start >= len(body):
                self._answer(416, b"", {"Content-Range": f"bytes */{len(body)}"})
                return
            start += entry.range_shift
            extra["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            body, status = body[start:], 206
        if entry.gzipped is not None:
            extra["Content-Encoding"] = "gzip"
            body = entry.gzipped
        if entry.cut_after is not None and entry.cuts > 0:
            entry.cuts -= 1
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body[: entry.cut_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self._answer(status, body, extra)

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FileServer(ThreadingHTTPServer):
    """Serves `files` on 127.0.0.1:port and records every request in `seen`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, File] = {}
        self.seen: list[Seen] = []
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def requests_for(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-answer are what some tests do on purpose

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)
