"""Offline packs: made on one machine, imported on another without network; hostile ones refused."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fileserver import File, FileServer
from offlinekit import documents_feed, files_under, sha, write_policy
from packkit import (
    FORM,
    GUIDE,
    build_pack,
    declare_member_count,
    manifest_of,
    members,
    pack_feed,
    relist,
    set_central_field,
    understate_size,
    write_zip,
)

from feedmaker import to_bytes
from msguide.feed.signature import KeyFiles, generate_keys, sign
from msguide.offline.cache import OfflineCache
from msguide.paths import locations
from msguide.store.db import Store
from msguide.store.seed import logical_dump

Cli = Callable[..., Any]


def use_home(monkeypatch: pytest.MonkeyPatch, folder: Path, policy: Path) -> None:
    monkeypatch.setenv("MSGUIDE_HOME", str(folder))
    monkeypatch.setenv("MSGUIDE_POLICY", str(policy))


def search_json(cli: Cli, text: str) -> list[dict[str, object]]:
    done = cli("search", text, "--json", "--limit", "50")
    assert done.code == 0, done.err
    result: list[dict[str, object]] = json.loads(done.out)
    return result


def test_a_pack_made_on_one_machine_imports_on_another_without_network(
    cli: Cli,
    server: FileServer,
    keys: KeyFiles,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The connected machine: syncs the signed feed, downloads its documents, makes a pack.
    raw = to_bytes(documents_feed(server))
    server.files["/feed.json"] = File(raw, "application/feed+json")
    server.files["/feed.json.minisig"] = File(sign(raw, keys.secret, None), "text/plain")
    policy = tmp_path / "policy.toml"
    write_policy(policy, keys=keys, url=server.url("/feed.json"))
    use_home(monkeypatch, tmp_path / "connected", policy)
    assert cli("sync").code == 0
    downloaded = cli("offline", "download")
    assert downloaded.code == 0, downloaded.err
    pack = tmp_path / "usb" / "msguide-pack.zip"
    made = cli("pack", "create", str(pack), "--json")
    assert made.code == 0, made.err
    assert json.loads(made.out)["documents"] == 3
    before = {text: search_json(cli, text) for text in ("document", "referral", "guidance")}
    assert sum(h["offline"] is True for h in before["document"]) == 3

    # The laptop: a fresh home, the same IT policy, and no network at all.
    server.close()
    use_home(monkeypatch, tmp_path / "laptop", policy)
    imported = cli("import", str(pack), "--json")
    assert imported.code == 0, imported.err
    result = json.loads(imported.out)
    assert result["applied"] and result["signature"] == "verified"
    assert result["documents"] == {"added": 3, "already_offline": 0, "over_cap": 0}
    after = {text: search_json(cli, text) for text in before}
    assert after == before
    # Every document opens: it is in the cache folder and its hash verifies.
    with Store.open(locations().store) as store:
        cache = OfflineCache(store, locations().attachments, 10**9)
        for digest in cache.held():
            copy = cache.verified_copy(digest)
            assert copy.path.is_file() and copy.path.is_relative_to(locations().attachments)
            assert sha(copy.path.read_bytes()) == digest
    # Importing the same pack again changes nothing.
    again = cli("import", str(pack))
    assert again.code == 0 and "already up to date" in again.out
    assert "3 already on this computer" in again.out


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KeyFiles]:
    keys = generate_keys(None)
    folder = tmp_path_factory.mktemp("pack")
    summary, _raw = build_pack(folder, keys)
    assert summary.documents == 2 and summary.missing == 0
    return summary.path, keys


@pytest.fixture
def laptop(home: Path, good_pack: tuple[Path, KeyFiles], cli: Cli) -> Path:
    """A fresh home whose policy pins the pack's key; its store exists before the test."""
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), keys=good_pack[1])
    assert cli("search", "nrm").code == 0
    return home


def test_the_good_pack_imports(laptop: Path, good_pack: tuple[Path, KeyFiles], cli: Cli) -> None:
    done = cli("import", str(good_pack[0]))
    assert done.code == 0, done.err
    assert "Offline documents: added 2." in done.out
    with Store.open(locations().store) as store:
        held = OfflineCache(store, locations().attachments, 10**9).held()
    assert set(held) == {sha(GUIDE), sha(FORM)}
    names = {p.name for p in files_under(locations().attachments)}
    assert names == {f"{sha(GUIDE)}.pdf", f"{sha(FORM)}.docx"}


def test_a_dry_run_checks_everything_and_changes_nothing(
    laptop: Path, good_pack: tuple[Path, KeyFiles], cli: Cli
) -> None:
    before = logical_dump(locations().store)
    done = cli("import", str(good_pack[0]), "--dry-run")
    assert done.code == 0 and "would add 2" in done.out
    assert logical_dump(locations().store) == before
    assert files_under(locations().attachments) == []


def _hostile(name: str, good: Path, folder: Path, keys: KeyFiles) -> Path:
    """The good pack made hostile in one way (see the parametrised table below)."""
    entries = members(good)
    manifest = manifest_of(entries)
    guide = f"attachments/{sha(GUIDE)}"
    folder.mkdir(exist_ok=True)
    out = folder / f"{name}.zip"
    if name in ("traversal", "absolute", "drive", "backslash"):
        evil = {
            "traversal": "attachments/../../evil.txt",
            "absolute": "/tmp/msguide-evil.txt",
            "drive": "C:/evil.txt",
            "backslash": "attachments\\..\\evil.txt",
        }[name]
        entries[evil] = b"owned"
        manifest["files"].append({"name": evil, "size": 5, "sha256": sha(b"owned")})
        entries["manifest.json"] = json.dumps(manifest).encode()
        return write_zip(out, entries)
    if name == "symlink":
        del entries[guide]
        return write_zip(out, entries, links={guide: "/etc/passwd"})
    if name == "directory":
        return write_zip(out, [*entries.items(), ("attachments/", b"")])
    if name == "duplicate":
        return write_zip(out, [*entries.items(), (guide, GUIDE)])
    if name == "missing_file":
        del entries[guide]
        return write_zip(out, entries)
    if name == "extra_file":
        entries["attachments/" + sha(b"extra")] = b"extra"
        return write_zip(out, entries)
    if name == "extra_document_listed":
        entries["attachments/" + sha(b"extra")] = b"extra"
        manifest["files"].append({"name": "attachments/" + sha(b"extra")})
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "tampered_document":
        entries[guide] = GUIDE[:-1] + bytes([GUIDE[-1] ^ 1])
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "tampered_feed":
        entries["feeds/1.json"] = entries["feeds/1.json"].replace(b"Test feed", b"Evil feed")
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "bad_signature":
        other = generate_keys(None)
        entries["feeds/1.json.minisig"] = sign(entries["feeds/1.json"], other.secret, None)
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "unsigned":
        del entries["feeds/1.json.minisig"]
        manifest["feeds"][0]["signature"] = None
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "oversized_member":
        entries[guide] = GUIDE + b"\0" * 5_000  # longer than the manifest and the feed say
        return write_zip(out, entries)
    if name == "manifest_mismatch":
        entries[guide] = entries[guide][:-1] + b"!"
        return write_zip(out, entries)
    if name == "zip_bomb":
        # 15 MB of zeros deflate to ~15 KB: honestly listed, it still expands 1000 times.
        bomb = b"\0" * (15 * 1024 * 1024)
        entries["feeds/1.json"] = bomb
        entries["manifest.json"] = relist(manifest, entries)
        return write_zip(out, entries)
    if name == "lying_header":
        write_zip(out, entries)
        understate_size(out, guide, 100)
        return out
    if name == "too_many_members":
        write_zip(out, entries)
        declare_member_count(out, 60_000)
        return out
    if name == "huge_integer_in_manifest":
        # More digits than Python's int() accepts (4,300): a ValueError crashed the import.
        text = json.dumps(manifest).replace('"size": ', '"size": ' + "9" * 5000, 1)
        entries["manifest.json"] = text.encode()
        return write_zip(out, entries)
    if name == "unknown_zip_version":
        write_zip(out, entries)
        set_central_field(out, "manifest.json", 6, "<H", 0xFF)  # "needs version 25.5"
        return out
    if name == "corrupt_directory_offset":
        write_zip(out, entries)
        data = bytearray(out.read_bytes())
        end = data.rfind(b"PK\x05\x06")
        struct.pack_into("<I", data, end + 16, 0xFFFFFFF0)  # seeking there: EINVAL, was exit 5
        out.write_bytes(bytes(data))
        return out
    if name == "not_a_zip":
        out.write_bytes(b"this is not a zip file at all" * 100)
        return out
    if name == "not_a_pack":
        return write_zip(out, {"manifest.json": b'{"hello": "world"}'})
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("traversal", "leads out of the pack's folders"),
        ("absolute", "is an absolute path"),
        ("drive", "is an absolute path"),
        ("backslash", "uses backslashes"),
        ("symlink", "is a symbolic link"),
        ("directory", "is a folder"),
        ("duplicate", "appears twice in the pack"),
        ("missing_file", "the pack does not contain it"),
        ("extra_file", "is in the pack but not in its manifest"),
        ("extra_document_listed", "is not a document of the pack's feeds"),
        ("tampered_document", "does not have the size and SHA-256 its feed gives"),
        ("tampered_feed", "the signature does not match the feed"),
        ("bad_signature", "which is not a trusted key"),
        ("unsigned", "the feed is not signed"),
        ("manifest_mismatch", "does not match"),
        ("oversized_member", "is larger (35,000 bytes) than allowed (30,000)"),
        ("zip_bomb", "(a zip bomb?)"),
        ("lying_header", "is damaged in the pack"),
        ("too_many_members", "more than the 10,000 an offline pack may have"),
        ("huge_integer_in_manifest", "digits; at most 19"),
        ("unknown_zip_version", "needs a newer zip"),
        ("corrupt_directory_offset", "an offset is damaged"),
        ("not_a_zip", "is not a zip file"),
        ("not_a_pack", "is not an msguide offline pack"),
    ],
)
def test_a_hostile_pack_is_refused_and_changes_nothing(
    laptop: Path,
    good_pack: tuple[Path, KeyFiles],
    cli: Cli,
    tmp_path: Path,
    name: str,
    words: str,
) -> None:
    pack = _hostile(name, good_pack[0], tmp_path / "packs", good_pack[1])
    store_before = logical_dump(locations().store)
    files_before = _tree(tmp_path)
    done = cli("import", str(pack))
    assert done.code == 3, (done.out, done.err)
    assert words in done.err
    assert done.err.count("\n") == 1  # one sentence
    assert logical_dump(locations().store) == store_before
    assert files_under(locations().attachments) == []
    assert _tree(tmp_path) == files_before
    assert not Path("/tmp/msguide-evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()


def _tree(folder: Path) -> set[str]:
    """Files under `folder`, leaving out logs and SQLite's own side files."""
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and "logs" not in p.parts
        and not p.name.endswith(("-wal", "-shm", "-journal"))
    }


def test_a_pack_older_than_the_store_is_refused_unless_forced(
    laptop: Path, good_pack: tuple[Path, KeyFiles], cli: Cli, tmp_path: Path
) -> None:
    entries = members(good_pack[0])
    newer = json.loads(entries["feeds/1.json"])
    newer["_msguide"]["sequence"] = 5
    raw = to_bytes(newer)
    feed = tmp_path / "newer.json"
    feed.write_bytes(raw)
    (tmp_path / "newer.json.minisig").write_bytes(sign(raw, good_pack[1].secret, None))
    assert cli("import", str(feed)).code == 0
    before = logical_dump(locations().store)
    done = cli("import", str(good_pack[0]))
    assert done.code == 3 and "older than sequence 5" in done.err
    assert logical_dump(locations().store) == before
    assert cli("import", str(good_pack[0]), "--force").code == 0


def test_a_pack_bigger_than_the_cap_is_refused(
    laptop: Path, good_pack: tuple[Path, KeyFiles], cli: Cli
) -> None:
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), keys=good_pack[1], cap_mb=0)
    done = cli("import", str(good_pack[0]))
    assert done.code == 3 and "more than the 0 MB this computer keeps offline" in done.err


def test_pack_create_leaves_out_documents_it_does_not_hold(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.json"
    raw = to_bytes(_feed_with_one_document())
    feed.write_bytes(raw)
    assert cli("import", str(feed)).code == 0
    done = cli("pack", "create", str(tmp_path / "out.zip"), "--source", "test-source")
    assert done.code == 0, done.err
    assert "1 document is not on this computer and left out" in done.out
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert sorted(archive.namelist()) == ["feeds/1.json", "manifest.json"]
    assert cli("pack", "create", str(tmp_path / "x.zip"), "--source", "nope").code == 2
    assert cli("pack", "create", str(tmp_path / "x.txt")).code == 2


def _feed_with_one_document() -> dict[str, Any]:
    doc = pack_feed()
    doc["items"] = doc["items"][:-1]
    return doc
