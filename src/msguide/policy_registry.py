"""The IT policy as Group Policy writes it: HKLM\\SOFTWARE\\Policies\\msguide (Windows only).

The registry holds the same keys as the TOML policy file (docs/policy-example.toml), mapped
simply so that an administrator can write them by hand, in a .reg file or with Group Policy
Preferences (docs/policy-example.reg):

- a table is a subkey, a key is a value in it: `[sync] interval_hours = 6` is the value
  `IntervalHours` (REG_DWORD 6, or REG_SZ "0.5" for a fraction) under `Sync`;
- an array of tables is a subkey with numbered subkeys: `[[sources]]` are `Sources\\0`,
  `Sources\\1`, …, each holding `Id`, `Url`, `Keys`, `AllowUnsigned`, `AllowInsecureHttp`;
- a list is a REG_MULTI_SZ (`Keys`, `Locks\\Settings`); one REG_SZ is a list of one;
- true/false is a REG_DWORD 1/0 (or REG_SZ "true"/"false").

Names may be written `IntervalHours` or `interval_hours` (both become `interval_hours`).
Reading never raises anything but `RegistryPolicyError`, which `policy.load_policy` turns into
a clear message and safe defaults. Tests use `DictRegistry`; Windows uses `WindowsRegistry`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

POLICY_KEY = r"SOFTWARE\Policies\msguide"
POLICY_ORIGIN = r"HKLM\SOFTWARE\Policies\msguide"

RegistryValue = str | int | list[str] | bytes

# The type each policy key has in TOML, by dotted name (arrays of tables drop the index).
POLICY_KINDS: dict[str, type] = {
    "sources.id": str,
    "sources.url": str,
    "sources.keys": list,
    "sources.allow_unsigned": bool,
    "sources.allow_insecure_http": bool,
    "sync.interval_hours": float,
    "offline.attachments": str,
    "offline.cap_mb": int,
    "admin.tools": bool,
    "locks.settings": list,
    "network.extra_ca_file": list,
    "network.stall_timeout_seconds": float,
    "network.transfer_timeout_seconds": float,
    "network.max_feed_mb": int,
}
MAX_DEPTH = 4


class RegistryPolicyError(Exception):
    """The registry policy cannot be read or does not fit the policy's shape."""


class RegistryReader(Protocol):
    """Read-only access to one registry subtree; paths are relative to the policy key."""

    def values(self, path: str) -> dict[str, RegistryValue] | None:
        """The values of the key at `path` (names as stored), or None if there is no key."""
        ...

    def subkeys(self, path: str) -> list[str]:
        """The names of the key's subkeys (empty if there are none)."""
        ...


@dataclass
class DictRegistry:
    """A registry subtree held in memory: {"values": {...}, "keys": {"Name": {...}}}."""

    tree: dict[str, Any] = field(default_factory=dict)

    def _node(self, path: str) -> dict[str, Any] | None:
        node: dict[str, Any] | None = self.tree
        for part in [p for p in path.split("\\") if p]:
            children = node.get("keys", {}) if node is not None else {}
            match = next((v for k, v in children.items() if k.lower() == part.lower()), None)
            node = match if isinstance(match, dict) else None
            if node is None:
                return None
        return node

    def values(self, path: str) -> dict[str, RegistryValue] | None:
        node = self._node(path)
        return None if node is None else dict(node.get("values", {}))

    def subkeys(self, path: str) -> list[str]:
        node = self._node(path)
        return [] if node is None else list(node.get("keys", {}))


def snake_name(name: str) -> str:
    """`IntervalHours` → `interval_hours`, `MaxFeedMB` → `max_feed_mb`, `keys` → `keys`."""
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name.strip())
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced)
    return spaced.replace("-", "_").replace(" ", "_").lower()


def registry_document(
    reader: RegistryReader, kinds: Mapping[str, type] | None = None
) -> dict[str, Any] | None:
    """The policy document (as `tomllib` would give it) held under the policy key.

    None when the key does not exist. `kinds` adds the types of lockable user settings
    (`ui.zoom_percent`: int, …) to `POLICY_KINDS` so their values convert correctly.
    """
    top = reader.values("")
    if top is None:
        return None
    all_kinds = {**POLICY_KINDS, **(kinds or {})}
    return _table(reader, "", top, "", all_kinds, depth=0)


def _table(
    reader: RegistryReader,
    path: str,
    values: dict[str, RegistryValue],
    dotted: str,
    kinds: Mapping[str, type],
    depth: int,
) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise RegistryPolicyError(f"{_where(path)} is nested too deeply")
    table: dict[str, Any] = {}
    for raw_name, raw_value in values.items():
        if not raw_name:  # the key's "(Default)" value carries nothing for msguide
            continue
        name = snake_name(raw_name)
        table[name] = _convert(
            raw_value, kinds.get(f"{dotted}{name}"), f"{_where(path)}\\{raw_name}"
        )
    for raw_name in reader.subkeys(path):
        name = snake_name(raw_name)
        child = f"{path}\\{raw_name}" if path else raw_name
        child_values = reader.values(child) or {}
        children = reader.subkeys(child)
        if children and not [v for v in child_values if v] and all(c.isdigit() for c in children):
            table[name] = [
                _table(
                    reader,
                    f"{child}\\{number}",
                    reader.values(f"{child}\\{number}") or {},
                    f"{dotted}{name}.",
                    kinds,
                    depth + 2,
                )
                for number in sorted(children, key=int)
            ]
        else:
            table[name] = _table(reader, child, child_values, f"{dotted}{name}.", kinds, depth + 1)
    return table


def _where(path: str) -> str:
    return f"{POLICY_ORIGIN}\\{path}" if path else POLICY_ORIGIN


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _convert(value: RegistryValue, kind: type | None, where: str) -> Any:
    """A registry value as the TOML type the policy expects for it."""
    if isinstance(value, bytes):
        raise RegistryPolicyError(
            f"{where} is a binary value; use REG_SZ, REG_DWORD or REG_MULTI_SZ"
        )
    if kind is bool:
        if isinstance(value, int):
            if value in (0, 1):
                return bool(value)
        elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise RegistryPolicyError(f"{where} should be 1 or 0 (REG_DWORD)")
    if kind is float or kind is int:
        if isinstance(value, int):
            return float(value) if kind is float else value
        if isinstance(value, str):
            try:
                return float(value) if kind is float else int(value.strip())
            except ValueError:
                pass
        raise RegistryPolicyError(f"{where} should be a number")
    if kind is list:
        if isinstance(value, str):
            return [value] if value.strip() else []
        if isinstance(value, list):
            return [v for v in value if v.strip()]
        raise RegistryPolicyError(f"{where} should be a list of text (REG_MULTI_SZ)")
    if kind is str and not isinstance(value, str):
        raise RegistryPolicyError(f"{where} should be text (REG_SZ)")
    return value


if sys.platform == "win32":
    import winreg

    class WindowsRegistry:
        """HKLM\\SOFTWARE\\Policies\\msguide, always the 64-bit view (where Group Policy writes)."""

        def __init__(self, root: int = winreg.HKEY_LOCAL_MACHINE, base: str = POLICY_KEY) -> None:
            self.root = root
            self.base = base

        def _open(self, path: str) -> winreg.HKEYType | None:
            full = f"{self.base}\\{path}" if path else self.base
            try:
                return winreg.OpenKey(self.root, full, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
            except FileNotFoundError:
                return None
            except OSError as error:
                raise RegistryPolicyError(
                    f"{_where(path)} cannot be read ({error.strerror or error})"
                ) from None

        def values(self, path: str) -> dict[str, RegistryValue] | None:
            key = self._open(path)
            if key is None:
                return None
            found: dict[str, RegistryValue] = {}
            with key:
                count = winreg.QueryInfoKey(key)[1]
                for index in range(count):
                    name, value, kind = winreg.EnumValue(key, index)
                    if kind in (winreg.REG_SZ, winreg.REG_EXPAND_SZ):
                        found[name] = str(value)
                    elif kind in (winreg.REG_DWORD, winreg.REG_QWORD):
                        found[name] = int(value)
                    elif kind == winreg.REG_MULTI_SZ:
                        found[name] = [str(v) for v in value]
                    else:
                        found[name] = bytes(value or b"")
            return found

        def subkeys(self, path: str) -> list[str]:
            key = self._open(path)
            if key is None:
                return []
            with key:
                return [winreg.EnumKey(key, n) for n in range(winreg.QueryInfoKey(key)[0])]

    def system_registry() -> RegistryReader | None:
        """The machine's policy key (Windows)."""
        return WindowsRegistry()

else:

    def system_registry() -> RegistryReader | None:
        """Other systems have no registry: the policy file is all there is."""
        return None
