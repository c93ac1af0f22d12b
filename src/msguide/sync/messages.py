"""Sentences for people about a sync: what happened, and what to do next."""

from __future__ import annotations

from urllib.parse import urlsplit

from msguide.errors import ExitCode
from msguide.sync.outcome import SyncStatus
from msguide.sync.transport import FetchFailure


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # a malformed address ("https://[::1/…") is shown as given
        return url


def day(timestamp: str | None) -> str:
    return timestamp[:10] if timestamp else "an unknown date"


def still_shown(content_date: str | None) -> str:
    if content_date is None:
        return "msguide has no content from this source yet"
    return f"the content from {day(content_date)} is still shown"


def failure_message(
    failure: FetchFailure, url: str, shown: str
) -> tuple[SyncStatus, str, ExitCode]:
    """Status, sentence and exit code for a download that gave no usable feed; `shown` says
    what the person still has (`still_shown(date)`, or "nothing was imported")."""
    host = host_of(url)
    kind = failure.kind
    if kind == "offline":
        return (
            "offline",
            f"Could not reach {host} ({failure.detail}); {shown}. Check the network "
            "connection; msguide tries again at the next sync.",
            ExitCode.NETWORK,
        )
    if kind == "proxy_auth":
        text = (
            f"The proxy server needs you to sign in before msguide can reach {host}; sign in to "
            f"the proxy (for example by opening a web page in your browser) or ask IT, then "
            f"sync again ({shown})."
        )
    elif kind == "proxy":
        text = (
            f"The proxy server could not be used to reach {host} ({failure.detail}); {shown}. "
            "Check the proxy settings or ask IT."
        )
    elif kind == "tls":
        text = (
            f"The secure connection to {host} could not be verified ({failure.detail}); {shown}. "
            "If your organisation inspects HTTPS traffic, ask IT to add its certificate to the "
            "system or to the msguide policy (extra_ca_file)."
        )
    elif kind == "timeout":
        text = f"{host} stopped responding ({failure.detail}); {shown}. Try again later."
    elif kind == "connection_lost":
        text = (
            f"The connection to {host} was lost during the download ({failure.detail}); "
            f"{shown}. Try again later."
        )
    elif kind == "too_large":
        text = (
            f"The feed from {host} was not downloaded: {failure.detail}; {shown}. Tell the "
            "publisher, or ask IT to raise max_feed_mb in the policy if the feed is genuine."
        )
    elif kind == "insecure_redirect":
        text = (
            f"The download from {host} was stopped because {failure.detail}; {shown}. "
            "Tell IT or the publisher: feeds must be served over https."
        )
    elif kind == "http":
        text = _http_message(failure, url, shown)
    elif kind == "cancelled":
        text = f"The download from {host} was cancelled; {shown}."
    else:
        text = f"Downloading the feed from {host} failed ({failure.detail}); {shown}. Try later."
    return "failed", text, ExitCode.NETWORK


def _http_message(failure: FetchFailure, url: str, shown: str) -> str:
    status = failure.http_status or 0
    host = host_of(url)
    if status in (404, 410):
        return (
            f"There is no feed at {url} (HTTP {status}); {shown}. Check the address, or tell IT "
            "if it comes from the policy file."
        )
    if status in (401, 403):
        return (
            f"{host} refused access to the feed (HTTP {status}); {shown}. Ask IT or the publisher."
        )
    if status >= 500:
        return f"The server {host} had a problem (HTTP {status}); {shown}. Try again later."
    return f"{host} answered {failure.detail}; {shown}. Tell IT or the publisher."
