"""The link allow-list: which addresses a feed may carry and the app may open."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from msguide.feed.text import inert_text

ALLOWED_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
WEB_SCHEMES = frozenset({"https", "http"})
MAX_URL_LENGTH = 2048

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"`{}|^\u202a-\u202e\u2066-\u2069]")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$|^[0-9a-f:.]+$")
_TEL = re.compile(r"^\+?[0-9][0-9 ().-]{1,30}$")
_EMAIL = re.compile(r"^[^@\s/?#]+@[^@\s/?#]+\.[^@\s/?#]+$")


def _shown(url: str) -> str:
    # Messages quote the link: never let its control or direction-override characters reach
    # a terminal or a dialog (an RLO would reorder the message itself).
    return inert_text(url if len(url) <= 80 else url[:77] + "…")


def link_problem(url: str, schemes: frozenset[str] = ALLOWED_SCHEMES) -> str | None:
    """Why `url` may not be carried or opened, in words; None when it is fine."""
    advice = "use an https:// address"
    if len(url) > MAX_URL_LENGTH:
        return f"is {len(url)} characters long; the most allowed for a link is {MAX_URL_LENGTH}"
    if _FORBIDDEN.search(url):
        return f'"{_shown(url)}" contains spaces or characters not allowed in a link; {advice}'
    try:
        parts = urlsplit(url)
    except ValueError:
        return f'"{_shown(url)}" is not a valid link; {advice}'
    scheme = parts.scheme.lower()
    if not scheme or scheme not in schemes:
        return f'"{_shown(url)}" is not an allowed link; {advice}'
    if scheme in WEB_SCHEMES:
        host = (parts.hostname or "").lower()
        if not host or not url.lower().startswith(f"{scheme}://"):
            return f'"{_shown(url)}" has no web address after {scheme}://; {advice}'
        if "@" in parts.netloc:
            return f'"{_shown(url)}" carries a user name or password; remove it'
        if not _HOST.match(host.rstrip(".")):
            return f'"{_shown(url)}" does not name a valid host; {advice}'
        try:
            _ = parts.port
        except ValueError:
            return f'"{_shown(url)}" has an invalid port number'
        return None
    rest = url.split(":", 1)[1]
    if scheme == "mailto":
        address = rest.split("?", 1)[0]
        if not _EMAIL.match(address):
            return f'"{_shown(url)}" is not a valid e-mail link; use mailto:name@example.org'
        return None
    if not _TEL.match(rest):
        return f'"{_shown(url)}" is not a valid telephone link; use tel:+44… with digits only'
    return None


def is_allowed_link(url: str) -> bool:
    return link_problem(url) is None


def is_loopback_host(host: str) -> bool:
    """Whether `host` is this computer: an address in 127.0.0.0/8, ::1, or exactly localhost.

    Parsed, never matched by prefix: `127.attacker.example` and `127.0.0.1.nip.io` are names
    anyone can point anywhere, so plain http to them is plain http to the internet.
    """
    import ipaddress

    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
