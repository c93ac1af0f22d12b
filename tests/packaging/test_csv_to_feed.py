"""scripts/csv_to_feed.py: an admin's spreadsheet becomes a valid feed, errors point at rows."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from frozen_app import PROJECT, load_script

from msguide.feed.parse import parse

sheet = load_script("csv_to_feed")
EXAMPLE = PROJECT / "docs" / "examples"


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the worked example in docs/examples (feed.toml, items.csv)."""
    for name in ("feed.toml", "items.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "feed.toml", tmp_path / "items.csv"


def test_the_worked_example_becomes_a_valid_feed(
    example: tuple[Path, Path],
    tmp_path: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2026-01-05T10:00:00Z")
    output = tmp_path / "feed.json"
    said = sheet.build(*example, output, sequence=1)
    assert said == f"Wrote {output}: example-msp sequence 1, 5 items"
    feed = parse(output.read_bytes())
    assert (feed.sequence, feed.published) == (1, "2026-01-05T10:00:00Z")
    assert feed.expires == "2026-07-04T10:00:00Z"  # expires_after_days = 180
    first, helpline, police = feed.items[0], feed.items[2], feed.items[3]
    assert first.audiences == ("professionals", "adults") and first.pinned
    assert first.tags == ("NRM", "referral", "consent")
    assert "\n- An adult must give informed consent" in (first.content_text or "")
    assert (helpline.kind, helpline.phone, helpline.hours) == (
        "contact",
        "08000 121 700",
        "24 hours a day",
    )
    assert police.url is None and not police.pinned
    assert cli("feed", "validate", str(output)).code == 0
    assert cli("import", str(output)).code == 0
    found = cli("search", "consent", "--json")
    assert [hit["id"] for hit in json.loads(found.out)][:1] == ["nrm-guidance-adult"]


def test_an_unchanged_sheet_leaves_the_feed_alone_and_a_change_counts_up(
    example: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "feed.json"
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2026-01-05T10:00:00Z")
    sheet.build(*example, output, sequence=7)
    before = output.read_bytes()
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2026-02-01T08:00:00Z")
    assert sheet.build(*example, output) == f"{output} is unchanged (sequence 7)"
    assert output.read_bytes() == before
    items = example[1]
    items.write_text(items.read_text(encoding="utf-8").replace("24 hours a day", "24/7"))
    sheet.build(*example, output)
    feed = parse(output.read_bytes())
    assert (feed.sequence, feed.published) == (8, "2026-02-01T08:00:00Z")


def test_a_feed_error_names_the_spreadsheet_row(example: tuple[Path, Path], tmp_path: Path) -> None:
    items = example[1]
    text = items.read_text(encoding="utf-8")
    items.write_text(
        text.replace("https://www.gov.uk/government/publications/national", "ftp://x/")
    )
    with pytest.raises(sheet.SheetError, match=r"items\.csv row 3 \(items\[1\]\.url\): "):
        sheet.build(*example, tmp_path / "feed.json", sequence=1)
    assert not (tmp_path / "feed.json").exists()


def test_an_unknown_audience_names_the_row_and_a_header_error_the_settings(
    example: tuple[Path, Path], tmp_path: Path
) -> None:
    settings = example[0]
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('id = "adults"', 'id = "grown-ups"'), encoding="utf-8")
    with pytest.raises(sheet.SheetError, match=r"items\.csv row 2 \(items\[0\]\._msguide\.aud"):
        sheet.build(*example, tmp_path / "feed.json", sequence=1)
    settings.write_text(text.replace('id = "example-msp"', 'id = ""'), encoding="utf-8")
    with pytest.raises(sheet.SheetError, match=r"feed\.toml \(_msguide\.source"):
        sheet.build(*example, tmp_path / "feed.json", sequence=1)


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("id,kind,title,catagories", "a,resource,A,nrm", "unknown column.*catagories"),
        ("kind,title", "resource,A", "has no id column"),
        ("id,kind,title,pinned", "a,resource,A,maybe", "row 2: pinned should be yes or no"),
    ],
)
def test_sheet_mistakes_are_explained(
    example: tuple[Path, Path], tmp_path: Path, header: str, cell: str, message: str
) -> None:
    example[1].write_text(f"{header}\n{cell}\n", encoding="utf-8")
    with pytest.raises(sheet.SheetError, match=message):
        sheet.build(*example, tmp_path / "feed.json", sequence=1)


def test_excel_bom_and_semicolons_are_read(example: tuple[Path, Path], tmp_path: Path) -> None:
    rows = "id;kind;title;url;audiences\na;resource;Guide;https://example.org/a;professionals\n"
    example[1].write_bytes(rows.encode("utf-8-sig"))  # Excel's "CSV UTF-8" starts with a BOM
    sheet.build(*example, tmp_path / "feed.json", sequence=1, delimiter=";")
    assert [i.id for i in parse((tmp_path / "feed.json").read_bytes()).items] == ["a"]


def test_without_a_previous_feed_the_sequence_must_be_given(
    example: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(sheet.SheetError, match="give --sequence"):
        sheet.build(*example, tmp_path / "feed.json")
    (tmp_path / "feed.json").write_text("not json")
    with pytest.raises(sheet.SheetError, match="is not a feed this script wrote"):
        sheet.build(*example, tmp_path / "feed.json")


def test_the_command_line_says_what_went_wrong(
    example: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "feed.json"
    assert sheet.main([str(example[0]), str(example[1]), "-o", str(output)]) == 1
    assert "csv_to_feed: there is no earlier" in capsys.readouterr().err
    assert sheet.main([str(example[0]), str(example[1]), "-o", str(output), "--sequence", "3"]) == 0
    assert "sequence 3, 5 items" in capsys.readouterr().out
