"""Favourites that travel: list, add, remove, export and import between two homes; a
hostile file is refused in one sentence with exit code 3 and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msguide.store.favourites import MAX_ENTRIES


def test_favourites_round_trip_between_two_homes(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert cli("favourites", "add", "ceraf").code == 0
    assert cli("favourites", "add", "glaa").code == 0
    carried = tmp_path / "carried.json"
    assert cli("favourites", "export", "-o", str(carried)).code == 0
    document = json.loads(carried.read_text("utf-8"))
    assert {(e["source"], e["id"]) for e in document["favourites"]} == {
        ("hiow-msp", "ceraf"),
        ("hiow-msp", "glaa"),
    }
    assert any("CERAF" in e["title"] for e in document["favourites"])

    monkeypatch.setenv("MSGUIDE_HOME", str(tmp_path / "new-laptop"))
    assert cli("favourites", "add", "crimestoppers").code == 0
    imported = cli("favourites", "import", str(carried))
    assert imported.code == 0, imported.err
    assert "Added 2 favourites" in imported.out
    listed = json.loads(cli("favourites", "list", "--json").out)
    assert {f["id"] for f in listed} == {"ceraf", "glaa", "crimestoppers"}
    assert all(f["available"] for f in listed)
    again = cli("favourites", "import", str(carried))
    assert "Added 0 favourites; 2 already held" in again.out


def test_ids_not_in_the_content_are_kept_and_listed_as_unavailable(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    carried = tmp_path / "other.json"
    carried.write_text(
        json.dumps(
            {
                "msguide_favourites": 1,
                "favourites": [
                    {"source": "hiow-msp", "id": "glaa", "title": "GLAA"},
                    {"source": "another-partnership", "id": "gone-guide", "title": "Old"},
                ],
            }
        ),
        "utf-8",
    )
    result = cli("favourites", "import", str(carried), "--json")
    assert result.code == 0
    assert json.loads(result.out)["unavailable"] == [
        {"source": "another-partnership", "id": "gone-guide"}
    ]
    listed = json.loads(cli("favourites", "list", "--json").out)
    assert [(f["id"], f["available"]) for f in listed] == [("glaa", True), ("gone-guide", False)]
    text = cli("favourites", "list").out
    assert "gone-guide (another-partnership): not in the current content" in text
    assert cli("favourites", "remove", "gone-guide").code == 0
    assert [f["id"] for f in json.loads(cli("favourites", "list", "--json").out)] == ["glaa"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe{", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "not an msguide"),
        (b'{"msguide_favourites": 1, "msguide_favourites": 1, "favourites": []}', "not valid"),
        (b'{"msguide_favourites": 1, "favourites": {"a": 1}}', 'no list of "favourites"'),
        (b'{"msguide_favourites": 1, "favourites": [{"id": "x"}]}', "favourite 1"),
        (b'{"msguide_favourites": 1, "favourites": [{"source": "s", "id": "a\\u0000"}]}', "1 of"),
        (
            b'{"msguide_favourites": 1, "favourites": [{"source": "s", "id": "ok"}, '
            b'{"source": "s", "id": ""}]}',
            "favourite 2",
        ),
        (
            json.dumps(
                {"msguide_favourites": 1, "favourites": [{"source": "s", "id": "i"}] * 10_001}
            ).encode(),
            f"the most allowed is {MAX_ENTRIES}",
        ),
        (b" " * (3 * 1024 * 1024), "far larger"),
    ],
)
def test_a_hostile_file_changes_nothing(cli, tmp_path: Path, content: bytes, words: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("favourites", "add", "ceraf").code == 0
    before = cli("favourites", "list", "--json").out
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(content)
    result = cli("favourites", "import", str(hostile))
    assert result.code == 3
    assert result.out == ""
    assert result.err.count("\n") == 1 and words in result.err
    assert "Traceback" not in result.err
    assert cli("favourites", "list", "--json").out == before


def test_usage_mistakes_say_what_to_do(cli) -> None:  # type: ignore[no-untyped-def]
    missing = cli("favourites", "add", "no-such-item")
    assert missing.code == 2 and "msguide search" in missing.err
    assert cli("favourites", "remove", "ceraf").code == 2
    assert cli("favourites", "import", "/nonexistent/favourites.json").code == 2
    assert cli("favourites").code == 2
