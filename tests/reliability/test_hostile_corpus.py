"""Every file of the hostile corpus (tests/hostile/) through `msguide import` (checklist 18, 19).

Refused files: exit 3, one sentence naming the problem, the store byte-identical afterwards.
Huge files (made at test time): the same, within 2 s and without a large memory peak.
Inert files: imported, and what is stored is exactly the new revision with every control and
direction-override character made visible and HTML kept as literal text.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from storecheck import content, store_at

from feedmaker import feed_bytes
from msguide.feed.parse import parse
from msguide.feed.text import has_control_characters
from msguide.store.db import Store
from msguide.store.export import current_feed

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
sys.path.insert(0, str(HOSTILE))

import make_corpus  # noqa: E402

EXPECTED: dict[str, str] = json.loads((HOSTILE / "expected.json").read_text())
REFUSED = sorted((HOSTILE / "refused").glob("*.json"))
INERT = sorted((HOSTILE / "inert").glob("*.json"))
RESIDENT = feed_bytes(source_id="resident")  # what the store holds before each attempt


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return store_at(tmp_path_factory.mktemp("hostile") / "msguide.sqlite", RESIDENT)


@pytest.fixture
def store_path(home: Path, template: Path) -> Path:
    """The user store at MSGUIDE_HOME, holding the resident feed."""
    path = home / "data" / "msguide.sqlite"
    path.parent.mkdir(parents=True)
    path.write_bytes(template.read_bytes())
    return path


def fingerprint(path: Path) -> str:
    """The store's bytes; with no -wal beside it, equal bytes mean equal content."""
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


def says(message: str, words: str) -> bool:
    """Whether `message` holds `words`, where " … " in `words` stands for any text."""
    at = 0
    for part in words.split(" … "):
        at = message.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def assert_refused(result, words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == 3, result.err
    assert result.err.startswith("msguide: ") and result.err.count("\n") == 1, result.err
    assert says(result.err, words), result.err
    assert not has_control_characters(result.err.rstrip("\n"))  # nothing of the feed echoed raw


def test_the_committed_corpus_is_what_the_script_writes() -> None:
    made = {name: (raw, words) for name, raw, words in make_corpus.refused()}
    assert {p.stem for p in REFUSED} == set(made) == set(EXPECTED)
    for path in REFUSED:
        assert path.read_bytes() == made[path.stem][0], f"run {HOSTILE / 'make_corpus.py'}"
        assert EXPECTED[path.stem] == made[path.stem][1]
    assert {p.stem: p.read_bytes() for p in INERT} == dict(make_corpus.inert())


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_hostile_file_is_refused_in_one_sentence_and_changes_nothing(
    store_path: Path,
    cli,  # type: ignore[no-untyped-def]
    path: Path,
) -> None:
    before = fingerprint(store_path)
    assert_refused(cli("import", str(path)), EXPECTED[path.stem])
    assert fingerprint(store_path) == before


@pytest.mark.parametrize("name", ["nan", "link-ms-msdt", "wrong-type-items-0-title"])
def test_hostile_file_refusal_as_json_names_the_problem(
    store_path: Path,
    cli,  # type: ignore[no-untyped-def]
    name: str,
) -> None:
    before = fingerprint(store_path)
    result = cli("import", str(HOSTILE / "refused" / f"{name}.json"), "--json")
    error = json.loads(result.out)["error"]
    assert result.code == 3 and error["code"] == "invalid_feed" and error["exit_code"] == 3
    assert says(error["message"], EXPECTED[name]), error["message"]
    assert fingerprint(store_path) == before


@pytest.mark.parametrize("name", sorted(make_corpus.HUGE))
def test_huge_hostile_file_is_refused_quickly_without_a_memory_peak(
    store_path: Path,
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    name: str,
) -> None:
    make, words = make_corpus.HUGE[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(make())
    size = path.stat().st_size
    before = fingerprint(store_path)
    # The work done, in CPU seconds: a busy machine (CI, another run) stretches the wall clock,
    # not this; reading the whole file into objects before refusing it costs many times more.
    started = time.process_time()
    result = cli("import", str(path))
    elapsed = time.process_time() - started
    assert_refused(result, words)
    assert elapsed < 2.0, f"{name}: refused after {elapsed:.2f} s of CPU time"
    tracemalloc.start()
    try:
        assert cli("import", str(path)).code == 3
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The file's bytes are read once (at most 20 MB); beyond that, a bounded parse.
    assert peak - size < 120 * 1024 * 1024, f"{name}: {peak / 2**20:.0f} MB at the peak"
    assert fingerprint(store_path) == before


DANGEROUS_IN_MULTILINE = {"\n", "\t"}


def assert_inert(text: str, *, multiline: bool) -> None:
    if multiline:
        text = "".join(c for c in text if c not in DANGEROUS_IN_MULTILINE)
    assert not has_control_characters(text), repr(text)


@pytest.mark.parametrize("path", INERT, ids=lambda p: p.stem)
def test_hostile_text_is_stored_as_inert_text(
    store_path: Path,
    cli,  # type: ignore[no-untyped-def]
    path: Path,
) -> None:
    result = cli("import", str(path))
    assert result.code == 0, result.err
    expected = parse(path.read_bytes())
    with Store.open(store_path, read_only=True) as store:
        stored = current_feed(store, expected.source.id)
    assert stored == expected  # exactly the new revision
    assert_inert(stored.title, multiline=False)
    for item in stored.items:
        for single in (item.title, item.publisher, item.phone, item.email, item.hours, *item.tags):
            assert_inert(single, multiline=False)
        for multi in (item.summary, item.content_text):
            assert_inert(multi, multiline=True)
    if path.stem == "html-in-text":
        assert stored.items[0].title == make_corpus.INERT_TITLE_HTML  # literal, never markup
        assert stored.items[0].content_text == (
            '<a href="javascript:alert(1)">click</a> <iframe src="smb://x/y">'
        )
    resident = content(store_path).tables["items"]
    assert resident[0] == len(parse(RESIDENT).items) + len(expected.items)
