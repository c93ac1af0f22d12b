"""Helpers for sync tests: publish a signed feed, write the IT policy, snapshot the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servers import FeedServer, Route

from feedmaker import to_bytes
from msguide.feed.signature import KeyFiles, sign

# A name only the test proxy resolves (to 127.0.0.1): Qt never proxies loopback addresses.
PROXIED_HOST = "feeds.example.test"


def publish(
    server: FeedServer,
    document: dict[str, Any] | bytes,
    keys: KeyFiles | None,
    path: str = "/feed.json",
    **route: Any,
) -> bytes:
    """Serve a feed at `path` and, with `keys`, its signature at `path`.minisig."""
    raw = document if isinstance(document, bytes) else to_bytes(document)
    server.routes[path] = Route(raw, **route)
    if keys is not None:
        server.routes[path + ".minisig"] = Route(sign(raw, keys.secret, None))
    else:
        server.routes.pop(path + ".minisig", None)
    return raw


@dataclass
class PolicyWriter:
    path: Path

    def write(
        self,
        sources: list[dict[str, Any]],
        network: dict[str, Any] | None = None,
    ) -> None:
        lines: list[str] = []
        for source in sources:
            lines.append("[[sources]]")
            lines += [f"{key} = {_toml(value)}" for key, value in source.items()]
            lines.append("")
        network = {"stall_timeout_seconds": 2, "transfer_timeout_seconds": 10, **(network or {})}
        lines.append("[network]")
        lines += [f"{key} = {_toml(value)}" for key, value in network.items()]
        self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def source(
        self,
        url: str,
        keys: KeyFiles | None,
        *,
        source_id: str | None = "test-source",
        **extra: Any,
    ) -> None:
        """One source at `url`, with `keys` pinned (or unsigned allowed when None)."""
        network = extra.pop("network", None)
        entry: dict[str, Any] = {"url": url}
        if source_id is not None:
            entry["id"] = source_id
        if keys is not None:
            entry["keys"] = [keys.public_base64]
        else:
            entry["allow_unsigned"] = True
        entry.update(extra)
        self.write([entry], network)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


Snapshot = tuple[bytes, int]


def snapshot(path: Path) -> Snapshot:
    """The store file's bytes and modification time (ns), to prove nothing rewrote it."""
    return path.read_bytes(), path.stat().st_mtime_ns
