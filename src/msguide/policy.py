"""The IT policy (DESIGN.md §4): sources and their keys, sync, offline files, admin tools, locks.

Where it comes from (`load_policy`): on Windows the registry key
HKLM\\SOFTWARE\\Policies\\msguide first (Group Policy; mapping in msguide.policy_registry);
else the policy file. The machine-wide file (ProgramData on Windows, where standard users can
create files) counts only if the current account cannot change it. Every key is explained in
docs/policy-example.toml.

No policy at all means open defaults (no sources; a feed from a source the policy does not name
may be imported unsigned; admin tools shown). An unreadable or invalid policy never stops
msguide, but it must not loosen anything IT meant to set, so it falls back to *safe* defaults
(no sources, unsigned feeds refused, admin tools hidden) and says what was wrong in `problems`.

Besides DESIGN.md §4's keys, `[network]` tunes downloads (all optional):
  extra_ca_file = "corp-root.pem"   # PEM CA certificate(s) trusted IN ADDITION to the system
                                    # store (TLS inspection); a string or a list; relative paths
                                    # are relative to the policy file. Verification stays on.
  stall_timeout_seconds = 30        # abort when the server sends nothing for this long
  transfer_timeout_seconds = 300    # abort a download that takes longer than this in total
  max_feed_mb = 20                  # largest feed accepted, counted after decompression
"""

from __future__ import annotations

import codecs
import os
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from msguide.feed.links import is_loopback_host
from msguide.filereading import FileTooLargeError, SpecialFileError, read_regular_file
from msguide.policy_registry import (
    POLICY_KINDS,
    POLICY_ORIGIN,
    RegistryPolicyError,
    RegistryReader,
    registry_document,
    system_registry,
)
from msguide.safetext import safe_text

if TYPE_CHECKING:
    from msguide.feed.parse import Limits

AttachmentPolicy = Literal["all", "pinned", "none"]
ATTACHMENT_POLICIES: tuple[AttachmentPolicy, ...] = ("all", "pinned", "none")
DEFAULT_SYNC_HOURS = 6.0
# A policy is a few kilobytes; the bound only stops a device or a runaway file being read.
MAX_POLICY_BYTES = 1024 * 1024


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
class NetworkPolicy:
    """How feeds are downloaded (`[network]`); see the module docstring."""

    extra_ca_files: tuple[Path, ...] = ()
    stall_timeout_seconds: float = 30.0
    transfer_timeout_seconds: float = 300.0
    max_feed_mb: int = 20


@dataclass(frozen=True, slots=True)
class Policy:
    sources: tuple[SourcePolicy, ...] = ()
    network: NetworkPolicy = NetworkPolicy()
    sync_interval_hours: float = DEFAULT_SYNC_HOURS
    offline_attachments: AttachmentPolicy = "pinned"
    offline_cap_mb: int = 2048
    admin_tools: bool = True
    locked: dict[str, Any] = field(default_factory=dict)
    origin: str = "defaults"
    problems: tuple[str, ...] = ()
    # Whether a feed from a source the policy does not name may be imported unsigned.
    unlisted_unsigned: bool = True

    def source_for(self, source_id: str) -> SourcePolicy | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def trust_for(self, source_id: str) -> Trust:
        """Keys for a source the policy names; an unnamed source may be imported unsigned."""
        configured = self.source_for(source_id)
        if configured is None:
            return Trust(keys=(), allow_unsigned=self.unlisted_unsigned)
        return Trust(keys=configured.keys, allow_unsigned=configured.allow_unsigned)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def feed_limits(self) -> Limits:
        """The feed limits with IT's size cap (`[network] max_feed_mb`), for a sync or a file."""
        from msguide.feed.parse import DEFAULT_LIMITS, MEGABYTE  # not needed to start the app

        return replace(DEFAULT_LIMITS, max_bytes=self.network.max_feed_mb * MEGABYTE)


class _InvalidPolicyError(Exception):
    pass


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _InvalidPolicyError(f"{where} should be {names}")
    return value


def _number(value: Any, where: str) -> float:
    try:
        return float(_expect(value, (int, float), where))
    except OverflowError:  # an integer of hundreds of digits
        raise _InvalidPolicyError(f"{where} is far too large") from None


def _host(url: str, where: str) -> tuple[str, str]:
    """The scheme and host of `url`; a malformed address is a policy problem, not a crash."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError:
        raise _InvalidPolicyError(f"{where} is not a valid web address") from None
    return parts.scheme, host


def _pinned_key(raw: Any, where: str) -> str:
    """A pinned key must be a minisign public key (the RW… line of a .pub file): a mistyped
    one could never verify anything, so it is a problem IT must see, not a silent refusal."""
    import base64
    import binascii

    text: str = _expect(raw, str, where)
    line = [part for part in text.strip().splitlines() if part.strip()][-1:] or [""]
    try:
        decoded = base64.b64decode(line[0].strip(), validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != 42 or not decoded.startswith(b"Ed"):
        raise _InvalidPolicyError(
            f'{where} "{text[:24]}…" is not a minisign public key; keys look like RW… '
            "(56 characters, the second line of the publisher's .pub file)"
        )
    return text


def _source(raw: Any, index: int) -> SourcePolicy:
    where = f"sources[{index}]"
    table = _expect(raw, dict, where)
    url = _expect(table.get("url"), str, f"{where}.url")
    scheme, host = _host(url, f"{where}.url")
    insecure = bool(
        _expect(table.get("allow_insecure_http", False), bool, f"{where}.allow_insecure_http")
    )
    if scheme == "http":
        if not (insecure or is_loopback_host(host)):
            raise _InvalidPolicyError(
                f"{where}.url uses http://; use https:// "
                "(or set allow_insecure_http = true for a local mirror)"
            )
    elif scheme != "https" or not host:
        raise _InvalidPolicyError(f"{where}.url must be an https:// address")
    source_id = table.get("id")
    if source_id is None:
        # Feeds are matched to entries by id. Without one, pinned keys could not be matched to
        # a feed file imported by hand (accepted unsigned), and allow_unsigned would let the
        # entry's server stand in for any source the policy does not name.
        raise _InvalidPolicyError(
            f"{where}.id is missing: every source needs the id its feed gives in "
            '_msguide.source.id (for example id = "hiow-msp")'
        )
    _expect(source_id, str, f"{where}.id")
    keys = tuple(
        _pinned_key(k, f"{where}.keys[{n}]")
        for n, k in enumerate(_expect(table.get("keys", []), list, f"{where}.keys"))
    )
    return SourcePolicy(
        url=url,
        id=source_id,
        keys=keys,
        allow_unsigned=_expect(table.get("allow_unsigned", False), bool, f"{where}.allow_unsigned"),
        allow_insecure_http=insecure,
    )


def _seconds(table: dict[str, Any], key: str, default: float) -> float:
    value = _number(table.get(key, default), f"network.{key}")
    if not 0.1 <= value <= 3600:
        raise _InvalidPolicyError(f"network.{key} should be between 0.1 and 3600")
    return value


def _network(raw: Any, origin: str) -> NetworkPolicy:
    table = _expect(raw, dict, "[network]")
    files = table.get("extra_ca_file", [])
    names = [files] if isinstance(files, str) else _expect(files, list, "network.extra_ca_file")
    base = Path(origin).parent
    max_mb = int(_expect(table.get("max_feed_mb", 20), int, "network.max_feed_mb"))
    if not 1 <= max_mb <= 2048:
        raise _InvalidPolicyError("network.max_feed_mb should be between 1 and 2048")
    return NetworkPolicy(
        extra_ca_files=tuple(base / _expect(name, str, "network.extra_ca_file") for name in names),
        stall_timeout_seconds=_seconds(table, "stall_timeout_seconds", 30.0),
        transfer_timeout_seconds=_seconds(table, "transfer_timeout_seconds", 300.0),
        max_feed_mb=max_mb,
    )


def _known_names() -> dict[str, frozenset[str]]:
    """Every table a policy may hold, with its keys: POLICY_KINDS and the lockable settings."""
    known: dict[str, set[str]] = {}
    for dotted in (*POLICY_KINDS, *_setting_kinds()):
        table, key = dotted.split(".", 1)
        known.setdefault(table, set()).add(key)
    return {table: frozenset(keys) for table, keys in known.items()}


def _unknown(name: str, where: str, known: Collection[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'{where} "{name}" is not one msguide knows{hint}'


def _check_names(document: dict[str, Any]) -> None:
    """A misspelt table or key ([[source]], tool = false) would silently drop what IT meant,
    pinned keys included: any name msguide does not know makes the policy broken. All of
    them are named at once, so IT can fix the file in one go."""
    known = _known_names()
    unknown: list[str] = []
    for table, value in document.items():
        if table not in known:
            unknown.append(_unknown(table, "the table or key", known))
            continue
        entries = value if isinstance(value, list) and table == "sources" else [value]
        for number, entry in enumerate(entries):
            where = f"[[sources]] number {number + 1}" if table == "sources" else f"[{table}]"
            for key in entry if isinstance(entry, dict) else ():
                if key not in known[table]:
                    unknown.append(_unknown(key, f"{where} has a key", known[table]))
    if unknown:
        more = f"; and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise _InvalidPolicyError("; ".join(unknown[:5]) + more)


def _check_unique(sources: tuple[SourcePolicy, ...]) -> None:
    """Two entries for one source: whichever came first would win, so an allow_unsigned entry
    could undo the other's pinned keys. IT must say it once."""
    for field_name in ("id", "url"):
        seen: set[str | None] = set()
        for number, source in enumerate(sources):
            value = getattr(source, field_name)
            if value in seen:
                raise _InvalidPolicyError(
                    f'sources[{number}].{field_name} "{value}" is listed twice; give each '
                    "source one entry (list both keys in it during a key change)"
                )
            seen.add(value)


def parse_policy(document: dict[str, Any], origin: str) -> Policy:
    _check_names(document)
    sources = tuple(
        _source(s, n) for n, s in enumerate(_expect(document.get("sources", []), list, "sources"))
    )
    _check_unique(sources)
    sync = _expect(document.get("sync", {}), dict, "[sync]")
    hours = _number(sync.get("interval_hours", DEFAULT_SYNC_HOURS), "sync.interval_hours")
    if not 0.25 <= hours <= 24 * 30:
        raise _InvalidPolicyError("sync.interval_hours should be between 0.25 and 720")
    offline = _expect(document.get("offline", {}), dict, "[offline]")
    attachments = _expect(offline.get("attachments", "pinned"), str, "offline.attachments")
    if attachments not in ATTACHMENT_POLICIES:
        raise _InvalidPolicyError("offline.attachments should be all, pinned or none")
    cap = int(_expect(offline.get("cap_mb", 2048), int, "offline.cap_mb"))
    if not 0 <= cap <= 1_000_000:
        raise _InvalidPolicyError("offline.cap_mb should be between 0 and 1000000")
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
        network=_network(document.get("network", {}), origin),
        sync_interval_hours=hours,
        offline_attachments=attachments,
        offline_cap_mb=cap,
        admin_tools=tools,
        locked=locked,
        origin=origin,
    )


def safe_fallback(origin: str, problem: str) -> Policy:
    """What applies when a policy exists but cannot be used: nothing looser than IT could mean."""
    return Policy(
        admin_tools=False,
        unlisted_unsigned=False,
        origin=origin,
        problems=(
            safe_text(
                f"{problem}; msguide ignores it and uses safe defaults (signed feeds only, "
                "admin tools hidden). Tell your IT team."
            ),
        ),
    )


def load_policy(path: Path) -> Policy:
    """The policy in force: the registry's on Windows if set there, else the file at `path`."""
    return read_policy(path, registry=system_registry(), machine_wide=is_machine_wide(path))


def read_policy(
    path: Path,
    *,
    registry: RegistryReader | None,
    machine_wide: bool,
    can_modify: Callable[[Path], bool] | None = None,
) -> Policy:
    """`load_policy` with its sources given: testable on any system.

    `machine_wide`: `path` is the shared ProgramData file, honoured only when this account
    cannot change it (`can_modify`, by default `user_can_modify`).
    """
    if registry is not None:
        try:
            document = registry_document(registry, _setting_kinds())
            if document is not None:
                return parse_policy(document, POLICY_ORIGIN)
        except (RegistryPolicyError, _InvalidPolicyError) as error:
            return safe_fallback(
                POLICY_ORIGIN, f"The IT policy in {POLICY_ORIGIN} has a problem: {error}"
            )
    if machine_wide and path.exists() and (can_modify or user_can_modify)(path):
        return Policy(
            origin="defaults",
            problems=(
                safe_text(
                    f"The IT policy file {path} is ignored because this account can change it, "
                    "so anyone could have put it there. IT: allow only administrators to write "
                    f"it, or set the policy with Group Policy in {POLICY_ORIGIN}."
                ),
            ),
        )
    return load_policy_file(path)


def load_policy_file(path: Path) -> Policy:
    """Read the policy file at `path`; missing means defaults, invalid means safe defaults."""
    try:
        data = read_regular_file(path, MAX_POLICY_BYTES, what="a policy file")
    except FileNotFoundError:
        return Policy()
    except (SpecialFileError, FileTooLargeError) as error:  # never read (or waited on)
        if isinstance(error, SpecialFileError) and error.kind == "a folder":
            return safe_fallback(
                str(path), f"The IT policy file {path} cannot be read (Is a directory)"
            )
        return safe_fallback(
            str(path),
            f"The IT policy file {path} is not a regular file of at most "
            f"{MAX_POLICY_BYTES // 1024} KB",
        )
    except OSError as error:
        return safe_fallback(
            str(path), f"The IT policy file {path} cannot be read ({error.strerror or error})"
        )
    try:
        # Notepad may save with a byte-order mark, or as UTF-16 ("Unicode").
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
        return parse_policy(tomllib.loads(text), str(path))
    except UnicodeDecodeError:
        problem = "is not text in UTF-8; save it as UTF-8"
    except tomllib.TOMLDecodeError as error:
        problem = f"is not valid TOML ({error})"
    except RecursionError:  # thousands of nested [[[…]]]: Python's TOML reader gives up
        problem = "is nested too deeply to read"
    except ValueError:  # Python refuses integers of more than 4300 digits
        problem = "holds a number far too long to read"
    except _InvalidPolicyError as error:
        problem = f"has a problem: {error}"
    return safe_fallback(str(path), f"The IT policy file {path} {problem}")


def is_machine_wide(path: Path) -> bool:
    """Whether `path` is the shared policy file that standard users may create (Windows)."""
    if os.name != "nt":
        return False
    from msguide.paths import site_policy_path

    try:
        return path.resolve() == site_policy_path().resolve()
    except OSError:
        return True


def user_can_modify(path: Path) -> bool:
    """Whether this account could change or replace the file at `path`."""
    try:
        # Opening for writing changes nothing, and on Windows it checks the file's ACL, which
        # os.access does not.
        with path.open("r+b"):
            return True
    except OSError:
        pass
    # On POSIX whoever can write the folder can replace the file.
    return os.name != "nt" and os.access(path.parent, os.W_OK | os.X_OK)


def _setting_kinds() -> dict[str, type]:
    """Types of the user settings a policy may lock, so registry values convert to them."""
    from msguide.settings import SETTINGS

    return {s.name: s.kind for s in SETTINGS}
