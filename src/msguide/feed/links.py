"""The link allow-list: which addresses a feed may carry and the app may open."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from msguide.feed.text import inert_text

ALLOWED_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
WEB_SCHEMES = frozenset({"https", "http"})
MAX_URL_LENGTH = 2048

# Besides controls and characters URLs never carry: every space, direction mark and invisible
# character (U+00A0, U+200B-U+200F, U+2028-U+202F, U+2060-U+206F, U+FEFF...), which would let a
# link look like another or reorder the text around it.
_FORBIDDEN = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\\<>\"`{}|^\u061c\u115f\u1160\u1680\u180e\u2000-\u200f"
    r"\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\ufff0-\ufffb]"
)
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$|^[0-9a-f:.]+$")
_TEL = re.compile(r"^\+?[0-9][0-9 ().-]{1,30}$")
# The domain in plain ASCII letters: a look-alike letter (Cyrillic "е" for "e") is refused.
_EMAIL = re.compile(r"^[^@\s/?#]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


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
