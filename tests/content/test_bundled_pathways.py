"""The bundled pathways state only what the items they cite state (content truth, issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from msguide.feed.model import Feed, Item, Pathway, PathwayStep
from msguide.feed.parse import parse

SEED_FEED = Path(__file__).resolve().parents[2] / "data" / "seed-feed.json"
CONTENT_SOURCES = SEED_FEED.parents[1] / "docs" / "content-sources.md"
# A number as written in text: 999, 0800 808 3733, 8.30, 24/7.
NUMBER = re.compile(r"\d+(?:[ ./]\d+)*")

FEED: Feed = parse(SEED_FEED.read_bytes())
ITEMS: dict[str, Item] = {item.id: item for item in FEED.items}
STEPS: list[tuple[Pathway, PathwayStep]] = [(p, s) for p in FEED.pathways for s in p.steps]


def _item_text(item: Item) -> str:
    text = " ".join((item.title, item.summary, item.content_text, item.phone, item.hours))
    return " ".join(text.split())


def _states(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d]){re.escape(number)}(?![\d])", text) is not None


def test_the_three_pathways_are_bundled() -> None:
    assert [p.title for p in FEED.pathways] == [
        "An adult may be a victim",
        "A child may be a victim",
        "I need advice now",
    ]


@pytest.mark.parametrize(("pathway", "step"), STEPS, ids=[f"{p.id}/{s.id}" for p, s in STEPS])
def test_every_step_cites_items_that_exist(pathway: Pathway, step: PathwayStep) -> None:
    assert step.cites, f"{pathway.id}/{step.id} cites nothing"
    assert all(cited in ITEMS for cited in step.cites)


@pytest.mark.parametrize(("pathway", "step"), STEPS, ids=[f"{p.id}/{s.id}" for p, s in STEPS])
def test_every_number_in_a_step_is_stated_by_an_item_it_cites(
    pathway: Pathway, step: PathwayStep
) -> None:
    cited = [_item_text(ITEMS[i]) for i in step.cites]
    for number in NUMBER.findall(" ".join(step.text.split())):
        assert any(_states(text, number) for text in cited), (
            f"{pathway.id}/{step.id} says {number}, which none of {step.cites} states"
        )


def test_the_number_check_catches_an_invented_number() -> None:
    helpline = _item_text(ITEMS["modern-slavery-exploitation-helpline"])
    assert _states(helpline, "08000 121 700")
    assert not _states(helpline, "08000 121 701")
    assert not _states(helpline, "0800 121 700")


def test_content_sources_lists_every_step_and_its_cites() -> None:
    text = CONTENT_SOURCES.read_text(encoding="utf-8")
    for pathway, step in STEPS:
        row = next(
            (line for line in text.splitlines() if line.startswith(f"| `{pathway.id}/{step.id}`")),
            None,
        )
        assert row is not None, f"docs/content-sources.md does not list {pathway.id}/{step.id}"
        for cited in step.cites:
            assert f"`{cited}`" in row, f"{pathway.id}/{step.id}: {cited} not listed"
