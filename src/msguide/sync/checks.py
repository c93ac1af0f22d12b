"""Network checks for `msguide doctor` and Help ▸ Diagnostics: TLS, proxy, each feed's state.

Without `online`, nothing is sent: the report says which TLS backend Qt has, how many trusted
certificates the system store gives it, which proxy each feed would go through (PAC included)
and what the last sync of each feed found. With `online`, each feed is fetched once (a normal,
unconditional GET of the feed only), so TLS inspection and proxy sign-in problems show up here.
"""

from __future__ import annotations

from typing import Any

from msguide.paths import Locations
from msguide.policy import Policy, SourcePolicy


def tls_report() -> dict[str, Any]:
    from PySide6.QtNetwork import QSslConfiguration, QSslSocket

    from msguide.sync.service import ensure_core_app

    ensure_core_app()  # Qt's network classes want an application object

    return {
        "supported": QSslSocket.supportsSsl(),
        "backend": QSslSocket.activeBackend(),
        "library": QSslSocket.sslLibraryVersionString(),
        "system_certificates": len(QSslConfiguration.systemCaCertificates()),
    }


def proxy_for(url: str) -> str:
    """The proxy the system configuration (PAC included) gives for `url`, in words."""
    from PySide6.QtCore import QUrl
    from PySide6.QtNetwork import QNetworkProxy, QNetworkProxyFactory, QNetworkProxyQuery

    proxies = QNetworkProxyFactory.systemProxyForQuery(QNetworkProxyQuery(QUrl(url)))
    for proxy in proxies:
        if proxy.type() == QNetworkProxy.ProxyType.NoProxy:
            return "direct (no proxy)"
        if proxy.type() in (QNetworkProxy.ProxyType.HttpProxy, QNetworkProxy.ProxyType.Socks5Proxy):
            return f"{proxy.hostName()}:{proxy.port()}"
    return "direct (no proxy)"


def feeds_report(
    sources: list[SourcePolicy], where: Locations, policy: Policy, *, online: bool
) -> list[dict[str, Any]]:
    from msguide.sync.state import SyncStateFile, default_state_path

    states = SyncStateFile(default_state_path(where)).load()
    out: list[dict[str, Any]] = []
    for source in sources:
        state = states.get(source.url)
        entry: dict[str, Any] = {
            "url": source.url,
            "id": source.id,
            "pinned_keys": len(source.keys),
            "unsigned_allowed": source.allow_unsigned,
            "proxy": proxy_for(source.url),
            "last_checked_at": state.last_checked_at if state else None,
            "last_success_at": state.last_success_at if state else None,
            "last_status": state.last_status if state else None,
            "last_message": state.last_message if state else None,
        }
        problem = _key_problem(source.keys)
        if problem:
            entry["key_problem"] = problem
        if online:
            entry["check"] = _fetch_once(source, policy)
        out.append(entry)
    return out


def _key_problem(keys: tuple[str, ...]) -> str | None:
    """Why a pinned key cannot verify anything (a person's own feed may carry any text)."""
    from msguide.errors import FeedError
    from msguide.feed.signature import public_key_id

    for key in keys:
        try:
            public_key_id(key)
        except FeedError as error:
            return str(error)
    return None


def _fetch_once(source: SourcePolicy, policy: Policy) -> str:
    from msguide.sync.controller import transport_options
    from msguide.sync.qt_transport import QtTransport
    from msguide.sync.service import ensure_core_app, fetch_blocking
    from msguide.sync.transport import FetchRequest, FetchResponse

    ensure_core_app()
    transport = QtTransport(transport_options(policy))
    result = fetch_blocking(
        transport,
        FetchRequest(
            source.url,
            max_bytes=policy.network.max_feed_mb * 1024 * 1024,
            allow_insecure_http=source.allow_insecure_http,
        ),
    )
    if isinstance(result, FetchResponse):
        return f"reached: HTTP {result.status}, {len(result.body):,} bytes"
    return f"failed ({result.kind}): {result.detail}"
