"""Pathways in the feed: valid graphs parse; cycles, dangling links, orphans, oversize refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from feedmaker import pathway_document, pathway_feed, to_bytes
from msguide.errors import FeedError
from msguide.feed.parse import parse
from msguide.feed.pathway import MAX_CHOICES, MAX_PATHWAYS, MAX_STEP_TEXT, MAX_STEPS
from msguide.feed.write import dump_feed

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "feed.schema.json"


def _steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = doc["_msguide"]["pathways"][0]["_msguide"]["steps"]
    return steps


def _refused(doc: dict[str, Any]) -> FeedError:
    with pytest.raises(FeedError) as caught:
        parse(to_bytes(doc))
    return caught.value


def test_a_pathway_parses_into_its_graph() -> None:
    feed = parse(to_bytes(pathway_feed()))
    (pathway,) = feed.pathways
    assert pathway.id == "adult-concern"
    assert pathway.start.id == "start"
    assert [c.next for c in pathway.start.choices] == ["refer", "advice"]
    assert pathway.step("advice") is not None and pathway.step("advice").is_end  # type: ignore[union-attr]
    assert pathway.start.cites == ("nrm-adult",)


def test_a_pathway_survives_writing_and_reading_back() -> None:
    feed = parse(to_bytes(pathway_feed()))
    assert parse(dump_feed(feed)) == feed


def test_a_choice_that_loops_back_is_refused() -> None:
    doc = pathway_feed()
    _steps(doc)[1]["choices"][0]["next"] = "start"
    error = _refused(doc)
    assert error.path == "_msguide.pathways[0]._msguide.steps[1].choices[0].next"
    assert "loop" in str(error)


def test_a_longer_cycle_is_refused() -> None:
    doc = pathway_feed()
    steps = _steps(doc)
    steps[2]["choices"] = [{"label": "Back to referral", "next": "refer"}]
    error = _refused(doc)
    assert error.path == "_msguide.pathways[0]._msguide.steps[2].choices[0].next"


def test_a_step_choosing_itself_is_refused() -> None:
    doc = pathway_feed()
    _steps(doc)[1]["choices"][1]["next"] = "refer"
    assert "its own step" in str(_refused(doc))


def test_a_dangling_next_is_refused() -> None:
    doc = pathway_feed()
    _steps(doc)[0]["choices"][1]["next"] = "nowhere"
    error = _refused(doc)
    assert error.path == "_msguide.pathways[0]._msguide.steps[0].choices[1].next"
    assert '"nowhere" is not a step' in str(error)


def test_a_dangling_cite_is_refused() -> None:
    doc = pathway_feed()
    _steps(doc)[2]["cites"] = ["helpline", "not-an-item"]
    error = _refused(doc)
    assert error.path == "_msguide.pathways[0]._msguide.steps[2].cites[1]"


def test_a_step_no_choice_leads_to_is_refused_as_a_second_start() -> None:
    doc = pathway_feed()
    _steps(doc).append({"id": "orphan", "text": "Nobody gets here."})
    error = _refused(doc)
    assert error.path == "_msguide.pathways[0]._msguide.steps[4].id"
    assert "from the start" in str(error)


def test_duplicate_step_and_pathway_ids_are_refused() -> None:
    doc = pathway_feed()
    _steps(doc)[3]["id"] = "advice"
    assert _refused(doc).path == "_msguide.pathways[0]._msguide.steps[3].id"
    doc = pathway_feed(pathway_document("same"), pathway_document("same"))
    assert _refused(doc).path == "_msguide.pathways[1].id"


def test_an_empty_pathway_is_refused() -> None:
    doc = pathway_feed()
    doc["_msguide"]["pathways"][0]["_msguide"]["steps"] = []
    assert "at least one step" in str(_refused(doc))


@pytest.mark.parametrize("what", ["steps", "choices", "text", "pathways"])
def test_oversize_graphs_are_refused(what: str) -> None:
    doc = pathway_feed()
    steps = _steps(doc)
    if what == "steps":
        # A chain longer than allowed, every step reachable: only its size is wrong.
        chain = [
            {"id": f"s{n}", "text": "Go on.", "choices": [{"label": "Next", "next": f"s{n + 1}"}]}
            for n in range(MAX_STEPS)
        ]
        steps[:] = [*chain, {"id": f"s{MAX_STEPS}", "text": "End."}]
        expected = "_msguide.pathways[0]._msguide.steps"
    elif what == "choices":
        steps[0]["choices"] = [
            {"label": f"Answer {n}", "next": "advice"} for n in range(MAX_CHOICES + 1)
        ]
        expected = "_msguide.pathways[0]._msguide.steps[0].choices"
    elif what == "text":
        steps[2]["text"] = "x" * (MAX_STEP_TEXT + 1)
        expected = "_msguide.pathways[0]._msguide.steps[2].text"
    else:
        doc = pathway_feed(*(pathway_document(f"p{n}") for n in range(MAX_PATHWAYS + 1)))
        expected = "_msguide.pathways"
    error = _refused(doc)
    assert error.path == expected
    assert "the most allowed" in str(error)


def test_step_text_is_plain_text_made_inert() -> None:
    doc = pathway_feed()
    _steps(doc)[3]["text"] = "<b>Done</b>\u202e evil\x07"
    feed = parse(to_bytes(doc))
    text = feed.pathways[0].steps[3].text
    assert "<b>Done</b>" in text  # shown literally, never rendered
    assert "\u202e" not in text and "\x07" not in text


def test_a_pathway_item_in_items_is_refused_with_where_it_belongs() -> None:
    doc = pathway_feed()
    doc["items"][0]["_msguide"]["kind"] = "pathway"
    error = _refused(doc)
    assert error.path == "items[0]._msguide.kind"
    assert "_msguide.pathways" in str(error)


def test_the_schema_agrees_on_pathway_bounds() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(pathway_feed())) == []
    doc = pathway_feed()
    _steps(doc)[0]["choices"] = [
        {"label": f"Answer {n}", "next": "advice"} for n in range(MAX_CHOICES + 1)
    ]
    assert list(validator.iter_errors(doc))
    doc = pathway_feed()
    doc["_msguide"]["pathways"][0]["_msguide"]["kind"] = "resource"
    assert list(validator.iter_errors(doc))


def test_the_publisher_guide_pathway_example_fits_its_minimal_feed() -> None:
    import re

    guide = (SCHEMA.parent / "feed-format.md").read_text(encoding="utf-8")
    feed_example, pathway_example = re.findall(r"```json\n(.*?)```", guide, re.S)[:2]
    doc = json.loads(feed_example)
    doc["_msguide"]["pathways"] = [json.loads(pathway_example)]
    (pathway,) = parse(to_bytes(doc)).pathways
    assert [s.id for s in pathway.steps if s.is_end] == ["refer", "notify"]
