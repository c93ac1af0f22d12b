"""Item fingerprints: equal for equal items, different when anything an item says differs."""

from __future__ import annotations

import dataclasses

import pytest

from msguide.feed.model import Attachment, Item
from msguide.feed.write import item_fingerprint

BASE = Item(
    id="a",
    kind="resource",
    title="Title",
    url="https://example.org/a",
    summary="Summary",
    content_text="Body",
    date_published="2025-01-01T00:00:00Z",
    tags=("NRM", "referral"),
    audiences=("adults",),
    categories=("nrm",),
    publisher="Home Office",
    format="web",
    attachments=(Attachment("https://example.org/a.pdf", "application/pdf", size_in_bytes=10),),
)

CHANGES = {
    "id": "b",
    "kind": "news",
    "title": "Title 2",
    "url": None,
    "summary": "",
    "content_text": "Body 2",
    "date_published": None,
    "date_modified": "2025-02-01T00:00:00Z",
    "tags": ("NRM",),
    "language": "en-GB",
    "audiences": ("adults", "children"),
    "categories": (),
    "publisher": "HIPS",
    "format": "pdf",
    "phone": "0800",
    "email": "a@example.org",
    "hours": "24/7",
    "pinned": True,
    "attachments": (Attachment("https://example.org/a.pdf", "application/pdf", size_in_bytes=0),),
}


def test_every_field_is_covered() -> None:
    assert set(CHANGES) == {f.name for f in dataclasses.fields(Item)}


def test_equal_items_have_equal_fingerprints() -> None:
    assert item_fingerprint(BASE) == item_fingerprint(dataclasses.replace(BASE))


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_any_change_changes_the_fingerprint(name: str) -> None:
    changed = dataclasses.replace(BASE, **{name: CHANGES[name]})
    assert item_fingerprint(changed) != item_fingerprint(BASE)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"title": "ab", "summary": "c"}, {"title": "a", "summary": "bc"}),
        ({"tags": ("a b",)}, {"tags": ("a", "b")}),
        ({"summary": "S\ncontent_text=4:Body", "content_text": ""}, {"summary": "S"}),
    ],
)
def test_text_cannot_pass_for_another_field(
    one: dict[str, object], other: dict[str, object]
) -> None:
    first = dataclasses.replace(BASE, **one)  # type: ignore[arg-type]
    second = dataclasses.replace(BASE, **other)  # type: ignore[arg-type]
    assert item_fingerprint(first) != item_fingerprint(second)
