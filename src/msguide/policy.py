"""The IT policy (DESIGN.md §4): sources and their keys, sync, offline files, admin tools, locks.

An unreadable or invalid policy never stops msguide: it falls back to safe defaults (no sources,
signatures required, admin tools shown) and says what was wrong in `problems`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from msguide.feed.links import is_loopback_host

AttachmentPolicy = Literal["all", "pinned", "none"]
ATTACHMENT_POLICIES: tuple[AttachmentPolicy, ...] = ("all", "pinned", "none")
DEFAULT_SYNC_HOURS = 6.0


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    url: str
    id: str | None = None
    keys: tuple[str, ...] = ()
    allow_unsigned: bool = False
    allow_insecure_http: bool = False


@dataclass(frozen=True, slots=True)
class Trust:
    """What a feed from one source must satisfy to be accepted."""

    keys: tuple[str, ...]
    allow_unsigned: bool


@dataclass(frozen=True, slots=True)
class Policy:
    sources: tuple[SourcePolicy, ...] = ()
    sync_interval_hours: float = DEFAULT_SYNC_HOURS
    offline_attachments: AttachmentPolicy = "pinned"
    offline_cap_mb: int = 2048
    admin_tools: bool = True
    locked: dict[str, Any] = field(default_factory=dict)
    origin: str = "defaults"
    problems: tuple[str, ...] = ()

    def source_for(self, source_id: str) -> SourcePolicy | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def trust_for(self, source_id: str) -> Trust:
        """Keys for a source the policy names; an unnamed source may be imported unsigned."""
        configured = self.source_for(source_id)
        if configured is None:
            return Trust(keys=(), allow_unsigned=True)
        return Trust(keys=configured.keys, allow_unsigned=configured.allow_unsigned)

    def is_locked(self, key: str) -> bool:
        return key in self.locked


class _InvalidPolicyError(Exception):
    pass


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _InvalidPolicyError(f"{where} should be {names}")
    return value


def _source(raw: Any, index: int) -> SourcePolicy:
    where = f"sources[{index}]"
    table = _expect(raw, dict, where)
    url = _expect(table.get("url"), str, f"{where}.url")
    parts = urlsplit(url)
    insecure = bool(
        _expect(table.get("allow_insecure_http", False), bool, f"{where}.allow_insecure_http")
    )
    if parts.scheme == "http":
        if not (insecure or is_loopback_host(parts.hostname or "")):
            raise _InvalidPolicyError(
                f"{where}.url uses http://; use https:// "
                "(or set allow_insecure_http = true for a local mirror)"
            )
    elif parts.scheme != "https" or not parts.hostname:
        raise _InvalidPolicyError(f"{where}.url must be an https:// address")
    keys = tuple(
        _expect(k, str, f"{where}.keys")
        for k in _expect(table.get("keys", []), list, f"{where}.keys")
    )
    source_id = table.get("id")
    if source_id is not None:
        _expect(source_id, str, f"{where}.id")
    return SourcePolicy(
        url=url,
        id=source_id,
        keys=keys,
        allow_unsigned=_expect(table.get("allow_unsigned", False), bool, f"{where}.allow_unsigned"),
        allow_insecure_http=insecure,
    )


def parse_policy(document: dict[str, Any], origin: str) -> Policy:
    sources = tuple(
        _source(s, n) for n, s in enumerate(_expect(document.get("sources", []), list, "sources"))
    )
    sync = _expect(document.get("sync", {}), dict, "[sync]")
    hours = float(
        _expect(sync.get("interval_hours", DEFAULT_SYNC_HOURS), (int, float), "sync.interval_hours")
    )
    if not 0.25 <= hours <= 24 * 30:
        raise _InvalidPolicyError("sync.interval_hours should be between 0.25 and 720")
    offline = _expect(document.get("offline", {}), dict, "[offline]")
    attachments = _expect(offline.get("attachments", "pinned"), str, "offline.attachments")
    if attachments not in ATTACHMENT_POLICIES:
        raise _InvalidPolicyError("offline.attachments should be all, pinned or none")
    cap = int(_expect(offline.get("cap_mb", 2048), int, "offline.cap_mb"))
    admin = _expect(document.get("admin", {}), dict, "[admin]")
    tools = _expect(admin.get("tools", True), bool, "admin.tools")
    locks = _expect(document.get("locks", {}), dict, "[locks]")
    names = [
        _expect(n, str, "locks.settings")
        for n in _expect(locks.get("settings", []), list, "locks.settings")
    ]
    # A locked setting takes the value the policy itself gives it ([sync] interval_hours for
    # "sync.interval_hours"); None means "locked at msguide's default".
    flat = {
        f"{table}.{key}": value
        for table, values in document.items()
        if isinstance(values, dict) and table != "locks"
        for key, value in values.items()
    }
    locked: dict[str, Any] = {name: flat.get(name) for name in names}
    return Policy(
        sources=sources,
        sync_interval_hours=hours,
        offline_attachments=attachments,
        offline_cap_mb=cap,
        admin_tools=tools,
        locked=locked,
        origin=origin,
    )


def load_policy(path: Path) -> Policy:
    """Read the policy file at `path`; missing means defaults, invalid means defaults + problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Policy()
    except OSError as error:
        return Policy(
            problems=(
                f"The IT policy file {path} cannot be read ({error.strerror}); "
                "msguide uses safe defaults.",
            )
        )
    try:
        document = tomllib.loads(data.decode("utf-8"))
        return parse_policy(document, str(path))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problem = f"is not valid TOML ({error})"
    except _InvalidPolicyError as error:
        problem = f"has a problem: {error}"
    return Policy(
        origin=str(path),
        problems=(
            f"The IT policy file {path} {problem}; msguide ignores it and uses safe defaults. "
            "Tell your IT team.",
        ),
    )
