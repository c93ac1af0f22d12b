"""Helpers for offline tests: documents, feeds that attach them, stores and policies."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fileserver import File, FileServer

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.feed.signature import KeyFiles, sign
from msguide.store.db import Store
from msguide.store.importer import ImportResult, Provenance, import_feed

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document(name: str, size: int) -> bytes:
    """`size` bytes that look like a PDF and differ for every name (deterministic)."""
    out = bytearray(b"%PDF-1.7\n% " + name.encode() + b"\n")
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{name}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment(
    server: FileServer,
    path: str,
    body: bytes,
    *,
    mime_type: str = PDF,
    title: str = "",
    declared: bytes | None = None,
    **served: Any,
) -> dict[str, Any]:
    """Serve `body` at `path` and describe it as the feed would; `declared` is what the feed
    promises (size and hash) when it should differ from what is served."""
    server.files[path] = File(body, mime_type, **served)
    promised = body if declared is None else declared
    return {
        "url": server.url(path),
        "mime_type": mime_type,
        "title": title or path.strip("/"),
        "size_in_bytes": len(promised),
        "_msguide": {"sha256": sha(promised)},
    }


# Three documents: one on a pinned item, two on ordinary items.
DOCUMENTS = {"guidance": (40_000, True), "ceraf": (60_000, False), "toolkit": (30_000, False)}


def documents_feed(
    server: FileServer, *, sequence: int = 1, skip: tuple[str, ...] = (), **served: Any
) -> dict[str, Any]:
    """The base test feed plus three items, each with one document served by `server`."""
    doc = feed_document(sequence=sequence)
    for name, (size, pinned) in DOCUMENTS.items():
        if name in skip:
            continue
        body = document(name, size)
        doc["items"].append(
            item(
                f"doc-{name}",
                f"Document {name}",
                pinned=pinned,
                format="pdf",
                attachments=[attachment(server, f"/files/{name}.pdf", body, **served)],
            )
        )
    return doc


def load(store: Store, document_: dict[str, Any]) -> ImportResult:
    raw = to_bytes(document_)
    return import_feed(store, parse(raw), raw, Provenance(origin="test"))


def signed_feed_file(folder: Path, document_: dict[str, Any], keys: KeyFiles) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    raw = to_bytes(document_)
    path = folder / "feed.json"
    path.write_bytes(raw)
    (folder / "feed.json.minisig").write_bytes(sign(raw, keys.secret, None))
    return path


def write_policy(
    path: Path,
    *,
    keys: KeyFiles | None = None,
    attachments: str = "all",
    cap_mb: int = 100,
    source_id: str = "test-source",
    url: str = "https://feeds.example.org/feed.json",
) -> None:
    lines = ["[[sources]]", f'id = "{source_id}"', f'url = "{url}"']
    if keys is not None:
        lines.append(f'keys = ["{keys.public_base64}"]')
    else:
        lines.append("allow_unsigned = true")
    lines += ["", "[offline]", f'attachments = "{attachments}"', f"cap_mb = {cap_mb}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def symlink(path: Path, target: Path) -> None:
    """Make a symbolic link, or skip the test where links need privileges (Windows)."""
    try:
        path.symlink_to(target)
    except OSError:
        pytest.skip("this system cannot make symbolic links without special rights")


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
