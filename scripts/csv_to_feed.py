"""Build a feed from the spreadsheet a partnership's admin keeps: feed.toml + items.csv → JSON.

    python scripts/csv_to_feed.py feed.toml items.csv -o feed.json [--sequence N]

feed.toml holds what the feed says about itself (source, title, audiences, categories);
items.csv has one row per resource, news story or contact (save it from Excel as "CSV UTF-8").
A worked example: docs/examples/. The feed is checked with msguide's own rules before it is
written. Run again after editing the sheet: if nothing changed, feed.json is left as it was;
otherwise its sequence goes up by one (read from the feed.json it replaces) and `published`
is now. Sign and publish it as docs/publishing.md says.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from msguide.clock import now
from msguide.errors import FeedError
from msguide.feed.parse import parse

JSON_FEED = "https://jsonfeed.org/version/1.1"
COLUMNS = (
    "id", "kind", "title", "url", "summary", "content", "audiences", "categories", "tags",
    "publisher", "format", "phone", "email", "hours", "pinned", "date_published",
)  # fmt: skip
REQUIRED_COLUMNS = ("id", "kind", "title")
LISTS = ("audiences", "categories", "tags")  # cells hold several values split by ";"
EXTENSION = ("publisher", "format", "phone", "email", "hours")  # go into the item's _msguide
YES, NO = {"yes", "y", "true", "1", "x"}, {"", "no", "n", "false", "0"}
HEADER_ROW = 1


class SheetError(Exception):
    """A problem in feed.toml or items.csv, said so the admin can find and fix it."""


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    """The sheet's rows as {column: text}; blank rows skipped, unknown columns refused."""
    with path.open(encoding="utf-8-sig", newline="") as handle:  # Excel writes a BOM
        reader = csv.reader(handle, delimiter=delimiter)
        header = [name.strip().lower() for name in next(reader, [])]
        unknown = [name for name in header if name and name not in COLUMNS]
        if unknown:
            raise SheetError(
                f"{path}: unknown column(s) {', '.join(unknown)}; "
                f"the columns are {', '.join(COLUMNS)}"
            )
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise SheetError(f"{path}: the header row has no {', '.join(missing)} column")
        rows = []
        # Numbered as the spreadsheet numbers them: the header is row 1, blank rows count.
        for number, cells in enumerate(reader, start=HEADER_ROW + 1):
            if not any(cell.strip() for cell in cells):
                continue
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
            row["_row"] = str(number)
            rows.append(row)
    return rows


def item_from_row(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": row["id"]}
    if row.get("url"):
        item["url"] = row["url"]
    item["title"] = row["title"]
    if row.get("summary"):
        item["summary"] = row["summary"]
    if row.get("content"):
        item["content_text"] = row["content"]
    if row.get("date_published"):
        item["date_published"] = row["date_published"]
    if row.get("tags"):
        item["tags"] = _split(row["tags"])
    extension: dict[str, Any] = {"kind": row["kind"].lower()}
    for name in ("audiences", "categories"):
        extension[name] = _split(row.get(name, ""))
    for name in EXTENSION:
        if row.get(name):
            extension[name] = row[name]
    pinned = row.get("pinned", "").lower()
    if pinned not in YES | NO:
        raise SheetError(f"row {row['_row']}: pinned should be yes or no, not {row['pinned']!r}")
    if pinned in YES:
        extension["pinned"] = True
    item["_msguide"] = extension
    return item


def feed_from_sheet(
    settings: dict[str, Any], rows: list[dict[str, str]], sequence: int, published: datetime
) -> dict[str, Any]:
    source = settings.get("source", {})
    document: dict[str, Any] = {"version": JSON_FEED, "title": settings.get("title", "")}
    for name in ("home_page_url", "feed_url", "description", "language"):
        if settings.get(name):
            document[name] = settings[name]
    extension: dict[str, Any] = {"format": 1}
    if settings.get("about"):
        extension["about"] = settings["about"]
    extension["source"] = {"id": source.get("id", ""), "name": source.get("name", "")}
    extension["sequence"] = sequence
    extension["published"] = _stamp(published)
    if settings.get("expires_after_days"):
        extension["expires"] = _stamp(published + timedelta(days=settings["expires_after_days"]))
    extension["audiences"] = settings.get("audiences", [])
    extension["categories"] = settings.get("categories", [])
    document["_msguide"] = extension
    document["items"] = [item_from_row(row) for row in rows]
    return document


def _previous(output: Path) -> dict[str, Any] | None:
    """The feed this build replaces, if there is one: it knows the last sequence."""
    if not output.exists():
        return None
    try:
        document: dict[str, Any] = json.loads(output.read_bytes())
        int(document["_msguide"]["sequence"])
    except (ValueError, KeyError, TypeError):
        raise SheetError(
            f"{output} is not a feed this script wrote, so its sequence is unknown: "
            "move it away, or give --sequence"
        ) from None
    return document


def _content(document: dict[str, Any]) -> dict[str, Any]:
    """The document without what changes on every build (sequence, dates)."""
    extension = {
        k: v
        for k, v in document.get("_msguide", {}).items()
        if k not in ("sequence", "published", "expires")
    }
    return {**document, "_msguide": extension}


def _located(error: FeedError, rows: list[dict[str, str]], sheet: Path, settings: Path) -> str:
    """Point a feed error at the spreadsheet row (items[3].url → row 5) or at feed.toml."""
    found = re.match(r"items\[(\d+)\]", error.path or "")
    if found and int(found[1]) < len(rows):
        return f"{sheet} row {rows[int(found[1])]['_row']} ({error.path}): {error.message}"
    return f"{settings} ({error.path or 'feed'}): {error.message}"


def build(
    settings_path: Path,
    sheet: Path,
    output: Path,
    *,
    sequence: int | None = None,
    delimiter: str = ",",
) -> str:
    """Write `output` if the content changed; return a sentence saying what happened."""
    try:
        settings = tomllib.loads(settings_path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise SheetError(f"{settings_path} is not valid TOML: {error}") from None
    rows = read_rows(sheet, delimiter)
    previous = _previous(output)
    if sequence is None:
        if previous is None:
            raise SheetError(
                f"there is no earlier {output} to count on from: give --sequence "
                "(1 for a new feed; else one more than the published feed's sequence)"
            )
        sequence = int(previous["_msguide"]["sequence"]) + 1
    document = feed_from_sheet(settings, rows, sequence, now().replace(microsecond=0))
    if previous is not None and _content(previous) == _content(document):
        return f"{output} is unchanged (sequence {previous['_msguide']['sequence']})"
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        feed = parse(data)
    except FeedError as error:
        raise SheetError(_located(error, rows, sheet, settings_path)) from None
    temporary = output.with_name(f".{output.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, output)
    return f"Wrote {output}: {feed.source.id} sequence {feed.sequence}, {len(feed.items)} items"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", type=Path, help="feed.toml: source, title, taxonomy")
    parser.add_argument("sheet", type=Path, help="items.csv: one row per item")
    parser.add_argument("-o", "--output", type=Path, default=Path("feed.json"))
    parser.add_argument("--sequence", type=int, help="(default: the previous feed's plus one)")
    parser.add_argument("--delimiter", default=",", help='";" for sheets saved that way')
    args = parser.parse_args(argv)
    try:
        print(
            build(
                args.settings,
                args.sheet,
                args.output,
                sequence=args.sequence,
                delimiter=args.delimiter,
            )
        )
    except (SheetError, OSError) as error:
        print(f"csv_to_feed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
