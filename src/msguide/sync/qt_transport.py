"""The transport over QtNetwork: system proxy (PAC, NTLM) and certificate store (DESIGN.md §5).

Qt's defaults changed here: a msguide User-Agent, a stall timeout (Qt has none by default) and an
overall deadline, a size cap counted on the decompressed bytes while they arrive, and redirects
checked by us (https only). TLS verification is never switched off; extra CA certificates can
only be added to what the system trusts.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QTimer, QUrl
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkProxyFactory,
    QNetworkReply,
    QNetworkRequest,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslError,
)

from msguide.sync.transport import (
    DoneCallback,
    FailureKind,
    FetchFailure,
    FetchRequest,
    FetchResponse,
    FetchResult,
    ProgressCallback,
    TransportOptions,
    refusal_for,
)

log = logging.getLogger(__name__)

# How much decoded data Qt may hold before we read it: bounds memory during a gzip bomb.
READ_BUFFER_BYTES = 1024 * 1024

_Error = QNetworkReply.NetworkError
_KINDS: dict[QNetworkReply.NetworkError, FailureKind] = {
    _Error.ConnectionRefusedError: "offline",
    _Error.HostNotFoundError: "offline",
    _Error.NetworkSessionFailedError: "offline",
    _Error.TemporaryNetworkFailureError: "offline",
    _Error.UnknownNetworkError: "offline",
    _Error.RemoteHostClosedError: "connection_lost",
    _Error.TimeoutError: "timeout",
    _Error.OperationCanceledError: "timeout",  # Qt's own transfer timeout aborts this way
    _Error.SslHandshakeFailedError: "tls",
    _Error.InsecureRedirectError: "insecure_redirect",
    _Error.TooManyRedirectsError: "other",
    _Error.ProxyAuthenticationRequiredError: "proxy_auth",
    _Error.ProxyConnectionRefusedError: "proxy",
    _Error.ProxyConnectionClosedError: "proxy",
    _Error.ProxyNotFoundError: "proxy",
    _Error.ProxyTimeoutError: "proxy",
    _Error.UnknownProxyError: "proxy",
}


def load_ca_certificates(paths: tuple[Path, ...]) -> tuple[list[QSslCertificate], list[str]]:
    """The certificates in PEM files, and a sentence for each file that gave none."""
    certificates: list[QSslCertificate] = []
    problems: list[str] = []
    for path in paths:
        found = QSslCertificate.fromPath(str(path), QSsl.EncodingFormat.Pem)
        if not found:
            problems.append(f"the extra CA certificate file {path} is missing or holds no PEM")
        certificates.extend(found)
    return certificates, problems


class QtTransport(QObject):
    """`Transport` over one QNetworkAccessManager. Use it from the thread that created it."""

    def __init__(self, options: TransportOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.options = options or TransportOptions()
        # The system proxy: WinHTTP/PAC/WPAD on Windows, the environment (http_proxy…) elsewhere.
        QNetworkProxyFactory.setUseSystemConfiguration(True)
        self._manager = QNetworkAccessManager(self)
        self._extra_ca, self.problems = load_ca_certificates(self.options.extra_ca_files)
        for problem in self.problems:
            log.warning("%s", problem)

    def fetch(
        self,
        request: FetchRequest,
        done: DoneCallback,
        progress: ProgressCallback | None = None,
    ) -> _QtFetch:
        fetch = _QtFetch(self, self.options, self.problems, request, done, progress)
        fetch.begin(self._manager, self._request(request))
        return fetch

    def _request(self, fetch: FetchRequest) -> QNetworkRequest:
        request = QNetworkRequest(QUrl(fetch.url))
        request.setHeader(QNetworkRequest.KnownHeaders.UserAgentHeader, self.options.user_agent)
        if fetch.etag:
            request.setRawHeader(QByteArray(b"If-None-Match"), QByteArray(fetch.etag.encode()))
        if fetch.last_modified:
            request.setRawHeader(
                QByteArray(b"If-Modified-Since"), QByteArray(fetch.last_modified.encode())
            )
        if fetch.range_start > 0:
            # Resuming a file: the offsets must be the file's own, so ask for no compression.
            request.setRawHeader(
                QByteArray(b"Range"), QByteArray(f"bytes={fetch.range_start}-".encode())
            )
            request.setRawHeader(QByteArray(b"Accept-Encoding"), QByteArray(b"identity"))
        # Qt adds Accept-Encoding itself and then decompresses; setting it here would stop that.
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.AlwaysNetwork,
        )
        request.setAttribute(
            QNetworkRequest.Attribute.RedirectPolicyAttribute,
            QNetworkRequest.RedirectPolicy.UserVerifiedRedirectPolicy,
        )
        request.setMaximumRedirectsAllowed(self.options.max_redirects)
        request.setTransferTimeout(max(1, round(self.options.stall_timeout * 1000)))
        if self._extra_ca:
            config = QSslConfiguration.defaultConfiguration()
            config.addCaCertificates(self._extra_ca)
            request.setSslConfiguration(config)
        return request


class _QtFetch(QObject):
    """One GET in flight; reports exactly once to `done`.

    A child of the transport, deleted later once finished. It keeps no reference up to the
    transport, and drops its callbacks when it reports: its deletion must never be what frees
    the transport or the controller, or a parent would delete a child that is mid-destruction.
    """

    def __init__(
        self,
        parent: QObject,
        options: TransportOptions,
        problems: list[str],
        request: FetchRequest,
        done: DoneCallback,
        progress: ProgressCallback | None,
    ) -> None:
        super().__init__(parent)
        self._options = options
        self._problems = tuple(problems)
        self._fetch = request
        self._done: DoneCallback | None = done
        self._progress = progress
        self._chunks: list[bytes] = []
        self._received = 0
        self._failure: FetchFailure | None = None
        self._ssl_errors: list[str] = []
        self._current_url = request.url
        self._reply: QNetworkReply | None = None
        # Where the next body bytes go in the file (request.sink); None: not the file's bytes.
        self._sink_position: int | None = None
        self._sink_checked = False
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)

    def begin(self, manager: QNetworkAccessManager, request: QNetworkRequest) -> None:
        refusal = refusal_for(self._fetch.url, allow_insecure_http=self._fetch.allow_insecure_http)
        if refusal:
            # Reported on the next turn of the event loop, like every other outcome.
            self._failure = FetchFailure("insecure_redirect", refusal)
            self._deadline.timeout.connect(self._report_refusal)
            self._deadline.start(0)
            return
        self._deadline.timeout.connect(self._on_deadline)
        self._deadline.start(max(1, round(self._options.total_timeout * 1000)))
        # The reply stays the manager's child: the manager must outlive it (its destructor
        # deletes its replies first; a reply reparented elsewhere would use a freed manager).
        reply = manager.get(request)
        reply.setReadBufferSize(READ_BUFFER_BYTES)
        reply.metaDataChanged.connect(self._on_headers)
        reply.readyRead.connect(self._on_ready_read)
        reply.redirected.connect(self._on_redirected)
        reply.sslErrors.connect(self._on_ssl_errors)
        reply.finished.connect(self._on_finished)
        self._reply = reply

    def _report_refusal(self) -> None:
        assert self._failure is not None
        self._finish(self._failure)

    def cancel(self) -> None:
        self._abort(FetchFailure("cancelled", "the download was cancelled"))

    def _abort(self, failure: FetchFailure) -> None:
        if self._failure is None:
            self._failure = failure
        if self._reply is not None and self._reply.isRunning():
            self._reply.abort()  # emits finished, which reports the failure
        elif self._reply is None:
            self._finish(failure)

    def _on_deadline(self) -> None:
        seconds = self._options.total_timeout
        self._abort(FetchFailure("timeout", f"the download took longer than {seconds:g} seconds"))

    def _on_headers(self) -> None:
        reply = self._reply
        assert reply is not None
        length = reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        if isinstance(length, int) and length > self._fetch.max_bytes:
            self._abort(self._too_large())

    def _on_ready_read(self) -> None:
        reply = self._reply
        assert reply is not None
        data = bytes(reply.readAll().data())
        if self._failure is not None:
            return
        self._received += len(data)
        if self._received > self._fetch.max_bytes:
            self._chunks.clear()
            self._abort(self._too_large())
            return
        if self._fetch.sink is None:
            self._chunks.append(data)
        else:
            self._to_sink(reply, data)
        if self._progress is not None:
            self._progress(self._received, self._expected_length())

    def _to_sink(self, reply: QNetworkReply, data: bytes) -> None:
        sink = self._fetch.sink
        assert sink is not None
        if not self._sink_checked:
            self._sink_checked = True
            self._sink_position = self._sink_offset(reply)
        if self._sink_position is None or self._failure is not None:
            return
        sink(self._sink_position, data)
        self._sink_position += len(data)

    def _sink_offset(self, reply: QNetworkReply) -> int | None:
        """Where the body's first byte belongs in the file; None for an error page."""
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if status == 206:
            start = _range_start(_header(reply, "Content-Range"))
            if start != self._fetch.range_start:
                self._abort(
                    FetchFailure(
                        "other", "the server sent another part of the file than the one asked for"
                    )
                )
                return None
            return start
        return 0 if isinstance(status, int) and 200 <= status < 300 else None

    def _expected_length(self) -> int:
        reply = self._reply
        assert reply is not None
        if reply.hasRawHeader("Content-Encoding"):
            return -1
        length = reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        return length if isinstance(length, int) else -1

    def _too_large(self) -> FetchFailure:
        cap = self._fetch.max_bytes
        size = f"{cap / 1024 / 1024:.1f} MB" if cap >= 1024 * 1024 else f"{cap:,} bytes"
        return FetchFailure("too_large", f"the download is larger than the {size} allowed")

    def _on_redirected(self, target: QUrl) -> None:
        reply = self._reply
        assert reply is not None
        url = target.toString()
        refusal = refusal_for(
            url,
            allow_insecure_http=self._fetch.allow_insecure_http,
            redirected_from=self._current_url,
        )
        if refusal:
            self._abort(FetchFailure("insecure_redirect", refusal))
            return
        self._current_url = url
        reply.redirectAllowed.emit()

    def _on_ssl_errors(self, errors: list[QSslError]) -> None:
        # Recorded for the message only: the handshake fails because we never ignore them.
        self._ssl_errors.extend(e.errorString() for e in errors)

    def _on_finished(self) -> None:
        reply = self._reply
        assert reply is not None
        if self._failure is None and reply.bytesAvailable():
            self._on_ready_read()
        self._finish(self._failure or self._result(reply))

    def _result(self, reply: QNetworkReply) -> FetchResult:
        error = reply.error()
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        status = status if isinstance(status, int) else None
        if (
            error == _Error.NoError
            and status is not None
            and (200 <= status < 300 or status == 304)
        ):
            return self._response(reply, status)
        if status is not None and status >= 400 and error not in _KINDS:
            reason = reply.attribute(QNetworkRequest.Attribute.HttpReasonPhraseAttribute)
            return FetchFailure(
                "http", f"the server answered HTTP {status} {reason or ''}".strip(), status
            )
        if error == _Error.ProtocolUnknownError and status is not None and 300 <= status < 400:
            # Qt refuses a redirect to ftp:, file: and the like before asking us.
            target = reply.attribute(QNetworkRequest.Attribute.RedirectionTargetAttribute)
            where = target.toString()[:200] if isinstance(target, QUrl) else "another scheme"
            return FetchFailure(
                "insecure_redirect", f"the server redirected to {where}, which is not https"
            )
        if error == _Error.UnknownContentError and reply.hasRawHeader("Content-Encoding"):
            # Qt's own decompression guard (decompressedSafetyCheckThreshold) saw a bomb.
            return FetchFailure("too_large", "the download expands to more than is allowed")
        kind = _KINDS.get(error, "other")
        detail = reply.errorString()
        if kind == "tls":
            detail = "; ".join(self._ssl_errors) or detail
            if self._problems:
                detail += " (" + "; ".join(self._problems) + ")"
        elif kind == "timeout":
            seconds = self._options.stall_timeout
            detail = f"the server sent nothing for {seconds:g} seconds"
        return FetchFailure(kind, detail, status)

    def _response(self, reply: QNetworkReply, status: int) -> FetchResult:
        body = b"".join(self._chunks)
        announced = self._expected_length()
        if status != 304 and announced >= 0 and self._received != announced:
            return FetchFailure(
                "connection_lost",
                f"the connection ended after {self._received:,} of {announced:,} bytes",
            )
        return FetchResponse(
            url=self._current_url,
            status=status,
            body=b"" if status == 304 else body,
            etag=_header(reply, "ETag"),
            last_modified=_header(reply, "Last-Modified"),
        )

    def _finish(self, result: FetchResult) -> None:
        done, self._done, self._progress = self._done, None, None
        self._deadline.stop()
        self._chunks = []
        if self._reply is not None:
            self._reply.deleteLater()
        self.deleteLater()
        if done is not None:
            done(result)


def _range_start(content_range: str | None) -> int | None:
    """The first byte's offset in a `Content-Range: bytes START-END/TOTAL` header."""
    match = re.fullmatch(r"\s*bytes\s+(\d+)-\d+/(?:\d+|\*)\s*", content_range or "")
    return int(match.group(1)) if match else None


def _header(reply: QNetworkReply, name: str) -> str | None:
    if not reply.hasRawHeader(name):
        return None
    return bytes(reply.rawHeader(name).data()).decode("latin-1") or None
