"""Fuzzing `msguide import PACK.zip` (issue 14): damaged and hostile variations of a good pack.

Whatever the zip holds, the answer is exit 0 (a pack still good) or exit 3 with one sentence,
never a traceback and never exit 5 (a damaged pack is not a full disk); a refused pack leaves
the store and the offline documents as they were. Hypothesis draws new examples on every run;
the packs that once crashed the import are pinned with @example.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from offlinekit import files_under, write_policy
from packkit import build_pack, manifest_of, members, write_zip

from msguide.feed.signature import KeyFiles, generate_keys
from msguide.feed.text import has_control_characters
from msguide.paths import locations
from msguide.store.seed import logical_dump

Cli = Callable[..., Any]
Mutation = tuple[str, int, int, bytes]


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, KeyFiles]:
    keys = generate_keys(None)
    summary, _raw = build_pack(tmp_path_factory.mktemp("fuzz-pack"), keys)
    return summary.path.read_bytes(), keys


def hostile(good: bytes, mutation: Mutation) -> bytes:
    """The good pack changed in one way: bytes flipped, cut, a manifest value replaced, or a
    field of the zip's own records overwritten (offsets, versions, sizes, counts)."""
    how, where, value, junk = mutation
    data = bytearray(good)
    if how == "flip":
        for n, byte in enumerate(junk or b"\xff"):
            data[(where + n) % len(data)] = byte
        return bytes(data)
    if how == "cut":
        return bytes(data[: where % (len(data) + 1)])
    if how == "record":
        # A field of an end, central or local record: 2 or 4 bytes at a record's offset.
        signatures = (b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04")
        starts = [i for s in signatures for i in _find_all(data, s)]
        start = starts[where % len(starts)]
        offset = 4 + (value // 2 % 40)
        layout = "<I" if value % 2 else "<H"
        size = struct.calcsize(layout)
        if start + offset + size <= len(data):
            number = int.from_bytes(junk[:size].ljust(size, b"\xff"), "little")
            struct.pack_into(layout, data, start + offset, number)
        return bytes(data)
    entries = _members(good)
    manifest = manifest_of(entries)
    text = json.dumps(manifest)
    numbers = [i for i, c in enumerate(text) if c.isdigit()]
    at = numbers[where % len(numbers)]
    entries["manifest.json"] = (text[:at] + junk.decode("latin-1") + text[at:]).encode()
    return _zipped(entries)


def _find_all(data: bytearray, needle: bytes) -> list[int]:
    found, start = [], 0
    while (start := data.find(needle, start)) >= 0:
        found.append(start)
        start += 1
    return found


def _members(good: bytes) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.zip"
        path.write_bytes(good)
        return members(path)


def _zipped(entries: dict[str, bytes]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_zip(Path(folder) / "pack.zip", entries).read_bytes()


mutations = st.tuples(
    st.sampled_from(["flip", "cut", "record", "manifest"]),
    st.integers(0, 2**20),
    st.integers(0, 2**16),
    st.binary(min_size=1, max_size=12),
)


def _laptop(cli: Cli, home: Path, keys: KeyFiles, template: Path) -> None:
    """A fresh home whose policy pins the pack's key, its store a copy of `template`."""
    if home.exists():
        shutil.rmtree(home)
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), keys=keys)
    locations().store.parent.mkdir(parents=True)
    shutil.copyfile(template, locations().store)


@pytest.fixture
def template(cli: Cli, home: Path, good_pack: tuple[bytes, KeyFiles], tmp_path: Path) -> Path:
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), keys=good_pack[1])
    assert cli("search", "nrm").code == 0
    kept = tmp_path / "template.sqlite"
    shutil.copyfile(locations().store, kept)
    return kept


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations)
# A manifest number past Python's 4,300-digit limit (ValueError), a member needing zip version
# 25.5 (NotImplementedError), a directory offset before the file's start (exit 5): issue 14.
@example(("manifest", 0, 0, b"9" * 5000))
@example(("record", 1, 4, b"\xff\x00"))
@example(("record", 0, 25, b"\xf0\xff\xff\xff"))
def test_any_hostile_pack_is_imported_or_refused_in_one_sentence(
    cli: Cli,
    home: Path,
    good_pack: tuple[bytes, KeyFiles],
    template: Path,
    mutation: Mutation,
) -> None:
    good, keys = good_pack
    _laptop(cli, home, keys, template)
    folder = Path(tempfile.mkdtemp(prefix="msguide-pack-fuzz-"))
    try:
        pack = folder / "pack.zip"
        pack.write_bytes(hostile(good, mutation))
        before = logical_dump(locations().store)
        result = cli("import", str(pack))
        assert "Traceback" not in result.out + result.err
        assert result.code in (0, 3), (result.code, result.err)
        if result.code == 3:
            assert result.err.startswith("msguide: ") and result.err.count("\n") == 1
            assert not has_control_characters(result.err.rstrip("\n"))
            assert logical_dump(locations().store) == before
            assert files_under(locations().attachments) == []
    finally:
        shutil.rmtree(folder)


def test_the_pinned_examples_hit_what_they_are_for(good_pack: tuple[bytes, KeyFiles]) -> None:
    """The @example mutations above still make the packs they are named for."""
    good = good_pack[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.zip"
        path.write_bytes(hostile(good, ("manifest", 0, 0, b"9" * 5000)))
        assert b"9" * 5000 in members(path)["manifest.json"]
        path.write_bytes(hostile(good, ("record", 1, 4, b"\xff\x00")))
        central = path.read_bytes().find(b"PK\x01\x02")
        assert path.read_bytes()[central + 6] == 0xFF  # "version needed to extract"
        path.write_bytes(hostile(good, ("record", 0, 25, b"\xf0\xff\xff\xff")))
        # The directory offset is corrected for, so every member's offset now points before
        # the file's start: reading one is EINVAL (it was exit 5, "check the free space").
        with zipfile.ZipFile(path) as archive, pytest.raises(OSError, match="Invalid argument"):
            archive.read(archive.infolist()[0])
