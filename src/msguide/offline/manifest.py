"""An offline pack's manifest.json: its feeds, and the size and SHA-256 of every other member.

```json
{"format": "msguide-offline-pack", "version": 1, "created_at": "…", "created_by": "msguide …",
 "feeds": [{"source": "hiow-msp", "sequence": 42, "feed": "feeds/1.json",
            "signature": "feeds/1.json.minisig"}],
 "files": [{"name": "feeds/1.json", "size": 1234, "sha256": "…"}, …]}
```
The manifest is not what makes a pack trusted (anyone can write one): the feeds' signatures
are, and each attachment must have the SHA-256 its signed feed gives. The manifest lets the
importer refuse members nobody listed and catch damage before anything changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from msguide.offline.files import is_sha256
from msguide.offline.packzip import MANIFEST, PackError, name_problem

PACK_FORMAT = "msguide-offline-pack"
PACK_VERSION = 1
MAX_FEEDS = 32
MAX_NUMBER_DIGITS = 19


@dataclass(frozen=True, slots=True)
class PackFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class PackFeed:
    source: str
    sequence: int
    feed: str
    signature: str | None


@dataclass(frozen=True, slots=True)
class Manifest:
    feeds: tuple[PackFeed, ...]
    files: tuple[PackFile, ...]
    created_at: str = ""
    created_by: str = ""

    def file(self, name: str) -> PackFile:
        return next(f for f in self.files if f.name == name)

    def to_bytes(self) -> bytes:
        document = {
            "format": PACK_FORMAT,
            "version": PACK_VERSION,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "feeds": [
                {
                    "source": f.source,
                    "sequence": f.sequence,
                    "feed": f.feed,
                    "signature": f.signature,
                }
                for f in self.feeds
            ],
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in self.files],
        }
        return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise PackError("the manifest has a key twice in one object")
    return result


def _no_constant(name: str) -> Any:
    raise PackError(f"the manifest holds {name}, which is not a number")


def _bounded_int(text: str) -> int:
    # Python's int() refuses more than 4,300 digits with a ValueError; no size or sequence
    # needs more than 19, so longer numbers are refused as the feed parser refuses them.
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise PackError(f"the manifest holds a number with {len(text):,} digits; at most 19")
    return int(text)


def _get(table: Any, key: str, kind: type, where: str) -> Any:
    value = table.get(key) if isinstance(table, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PackError(f"the manifest's {where}.{key} is missing or not a {kind.__name__}")
    return value


def load_manifest(data: bytes) -> Manifest:
    """Parse and check a manifest; raises `PackError` saying what is wrong."""
    try:
        document = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise PackError(f"the pack's manifest.json is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != PACK_FORMAT:
        raise PackError("the zip file is not an msguide offline pack (no pack manifest)")
    if document.get("version") != PACK_VERSION:
        raise PackError(
            f"the pack has format version {document.get('version')!r}; this msguide reads "
            f"version {PACK_VERSION}. Update msguide, or make the pack with this version"
        )
    files: list[PackFile] = []
    raw_files = _get(document, "files", list, "manifest")
    for n, entry in enumerate(raw_files):
        where = f"files[{n}]"
        name = _get(entry, "name", str, where)
        problem = name_problem(name)
        if problem is not None or name == MANIFEST:
            raise PackError(f"the manifest lists a file it may not: {problem or name}")
        size = _get(entry, "size", int, where)
        sha256 = _get(entry, "sha256", str, where)
        if size < 0 or not is_sha256(sha256):
            raise PackError(f"the manifest's {where} has a bad size or SHA-256")
        files.append(PackFile(name, size, sha256))
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise PackError("the manifest lists a file twice")
    feeds: list[PackFeed] = []
    raw_feeds = _get(document, "feeds", list, "manifest")
    if not 1 <= len(raw_feeds) <= MAX_FEEDS:
        raise PackError(f"a pack holds between 1 and {MAX_FEEDS} feeds")
    for n, entry in enumerate(raw_feeds):
        where = f"feeds[{n}]"
        feed = _get(entry, "feed", str, where)
        signature = entry.get("signature") if isinstance(entry, dict) else None
        if signature is not None and not isinstance(signature, str):
            raise PackError(f"the manifest's {where}.signature is not a file name")
        for member in (feed, signature):
            if member is not None and (member not in names or not member.startswith("feeds/")):
                raise PackError(f"the manifest's {where} names {member!r}, which it does not list")
        feeds.append(
            PackFeed(
                source=_get(entry, "source", str, where),
                sequence=_get(entry, "sequence", int, where),
                feed=feed,
                signature=signature,
            )
        )
    return Manifest(
        feeds=tuple(feeds),
        files=tuple(files),
        created_at=str(document.get("created_at", "")),
        created_by=str(document.get("created_by", "")),
    )
