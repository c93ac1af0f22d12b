"""Build offline packs for tests: a good one from a real store, and hostile variations of it."""

from __future__ import annotations

import hashlib
import json
import stat
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any

from offlinekit import DOCX, PDF, document, sha

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.feed.signature import KeyFiles, sign
from msguide.offline.cache import OfflineCache
from msguide.offline.pack import PackSummary, create_pack
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed

GUIDE = document("statutory-guidance", 30_000)
FORM = document("referral-form", 12_000)


def pack_feed() -> dict[str, Any]:
    """The base feed plus two items with documents (their URLs are never fetched here)."""
    doc = feed_document()
    for name, body, mime in (("guide", GUIDE, PDF), ("form", FORM, DOCX)):
        doc["items"].append(
            item(
                f"doc-{name}",
                f"Offline {name}",
                attachments=[
                    {
                        "url": f"https://docs.example.org/{name}",
                        "mime_type": mime,
                        "title": f"The {name}",
                        "size_in_bytes": len(body),
                        "_msguide": {"sha256": sha(body)},
                    }
                ],
            )
        )
    return doc


def build_pack(folder: Path, keys: KeyFiles) -> tuple[PackSummary, bytes]:
    """A signed feed imported into a store, both documents cached, packed to folder/pack.zip."""
    raw = to_bytes(pack_feed())
    signature = sign(raw, keys.secret, None)
    with Store.open(folder / "origin.sqlite") as store:
        import_feed(
            store,
            parse(raw),
            raw,
            Provenance("test", signature=signature, signature_state="verified"),
        )
        cache = OfflineCache(store, folder / "cache", 10**9)
        for body, mime in ((GUIDE, PDF), (FORM, DOCX)):
            staged = folder / "staged"
            staged.write_bytes(body)
            cache.add(staged, sha(body), len(body), mime, origin="test")
        summary = create_pack(store, cache, folder / "pack.zip", None)
    return summary, raw


def members(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def manifest_of(entries: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entries["manifest.json"])
    return data


def relist(manifest: dict[str, Any], entries: dict[str, bytes]) -> bytes:
    """The manifest with size and SHA-256 recomputed for every listed member still present."""
    manifest["files"] = [
        {
            "name": name,
            "size": len(entries[name]),
            "sha256": hashlib.sha256(entries[name]).hexdigest(),
        }
        for name in [f["name"] for f in manifest["files"]]
        if name in entries
    ]
    return json.dumps(manifest).encode()


def write_zip(
    path: Path,
    entries: dict[str, bytes] | list[tuple[str, bytes]],
    *,
    links: dict[str, str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    pairs = list(entries.items()) if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we want
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in pairs:
                archive.writestr(name, data)
            for name, target in (links or {}).items():
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, target)
    return path


def declare_member_count(path: Path, count: int) -> None:
    """Rewrite the end record's member count (the zip is otherwise unchanged)."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    path.write_bytes(bytes(data))


def understate_size(path: Path, name: str, size: int) -> None:
    """Make the headers claim `name` is `size` bytes uncompressed (a lying zip)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_offset : start + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", data, start + size_offset, size)
            start += 4
    path.write_bytes(bytes(data))


def set_central_field(path: Path, name: str, offset: int, layout: str, value: int) -> None:
    """Overwrite one field of `name`'s central directory header (offset from its signature)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        if data[start + 46 : start + 46 + len(encoded)] == encoded:
            struct.pack_into(layout, data, start + offset, value)
        start += 4
    path.write_bytes(bytes(data))
