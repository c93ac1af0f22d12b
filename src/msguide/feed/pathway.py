"""Pathways ("What to do now"): their field rules and the checks of their step graph.

A pathway lives in the feed's `_msguide.pathways` list, not in `items`: msguide 0.1.0 refuses a
whole feed when an item has a kind it does not know, but ignores unknown keys of `_msguide`, so
a feed that carries pathways there still imports into it (docs/feed-format.md, Pathways).

The graph rules: the first step is the start; every `next` names a step of the same pathway and
every cite an item of the same feed; every step can be reached from the start (so there is one
start), and no path returns to a step it has passed (no cycle), so every walk ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from msguide.errors import FeedError
from msguide.feed.model import Pathway, PathwayChoice, PathwayStep
from msguide.feed.rules import Choice, Field, Identifier, ListOf, Record, Text, note_first_use

# Bounds: a person reads a pathway on one screen a step at a time, and choices are picked with
# the keys 1-9. Together they keep a feed's pathways to a few thousand JSON objects, inside the
# parser's object budget for even an empty feed.
MAX_PATHWAYS = 20
MAX_STEPS = 30
MAX_CHOICES = 9
MAX_CITES = 10
MAX_STEP_TEXT = 1_000
MAX_CHOICE_LABEL = 100
MAX_PATHWAY_TITLE = 300
MAX_PATHWAY_SUMMARY = 1_000

PATHWAY_KIND = "pathway"
STEP_ID = r"[a-z0-9][a-z0-9-]{0,63}"
STEP_ID_HINT = "use lower-case letters, digits and hyphens (for example no-consent)"

_step_id = Text(max_length=64, pattern=STEP_ID, pattern_hint=STEP_ID_HINT)

CHOICE = Record(
    {
        "label": Field(
            Text(MAX_CHOICE_LABEL, min_length=1, doc="The words on the choice's button."),
            required=True,
        ),
        "next": Field(_step_id, required=True),
    },
    build=lambda v: PathwayChoice(v["label"], v["next"]),
    required_note={"next": "every choice names the id of the step it leads to"},
)

STEP = Record(
    {
        "id": Field(_step_id, required=True),
        "text": Field(
            Text(MAX_STEP_TEXT, multiline=True, min_length=1, doc="Plain text shown at the step."),
            required=True,
        ),
        "cites": Field(
            ListOf(
                Identifier(doc="The id of an item of this feed."),
                MAX_CITES,
                unique=True,
                doc="Items of this feed the step rests on (guidance, contacts).",
            )
        ),
        "choices": Field(
            ListOf(
                CHOICE,
                MAX_CHOICES,
                doc="What the person answers; none makes this an end step.",
            )
        ),
    },
    build=lambda v: PathwayStep(
        id=v["id"], text=v["text"], cites=v.get("cites", ()), choices=v.get("choices", ())
    ),
)

PATHWAY_EXTENSION = Record(
    {
        "kind": Field(Choice((PATHWAY_KIND,)), required=True),
        "steps": Field(
            ListOf(STEP, MAX_STEPS, doc="The steps; the first one is where the pathway starts."),
            required=True,
        ),
    },
    required_note={"steps": "a pathway needs its steps (at least one)"},
)


def _pathway(values: dict[str, Any]) -> Pathway:
    return Pathway(
        id=values["id"],
        title=values["title"],
        summary=values.get("summary", ""),
        steps=values["_msguide"]["steps"],
    )


PATHWAY = Record(
    {
        "id": Field(Text(max_length=64, pattern=STEP_ID, pattern_hint=STEP_ID_HINT), required=True),
        "title": Field(Text(MAX_PATHWAY_TITLE, min_length=1), required=True),
        "summary": Field(Text(MAX_PATHWAY_SUMMARY, multiline=True)),
        "_msguide": Field(PATHWAY_EXTENSION, required=True),
    },
    build=_pathway,
    doc="A 'What to do now' pathway: steps that lead from a question to what to do.",
    required_note={"_msguide": 'every pathway needs "_msguide" with "kind": "pathway"'},
)

PATHWAYS = ListOf(
    PATHWAY,
    MAX_PATHWAYS,
    doc=(
        "'What to do now' pathways. Kept here rather than in items so that msguide 0.1.0, "
        "which refuses unknown item kinds, still reads the feed."
    ),
)


def check_pathways(pathways: tuple[Pathway, ...], item_ids: Iterable[str]) -> None:
    """Refuse, with a located `FeedError`, pathways whose graph or references are wrong."""
    known_items = set(item_ids)
    seen: dict[str, int] = {}
    for index, pathway in enumerate(pathways):
        where = f"_msguide.pathways[{index}]"
        note_first_use(
            seen, pathway.id, index, listed="_msguide.pathways", what="pathway", path=f"{where}.id"
        )
        _check_graph(pathway, known_items, f"{where}._msguide.steps")


def _check_graph(pathway: Pathway, known_items: set[str], where: str) -> None:
    if not pathway.steps:
        raise FeedError("is empty; a pathway needs at least one step", path=where)
    positions: dict[str, int] = {}
    for index, step in enumerate(pathway.steps):
        note_first_use(
            positions,
            step.id,
            index,
            listed="steps",
            what="step of a pathway",
            path=f"{where}[{index}].id",
        )
    for index, step in enumerate(pathway.steps):
        _check_step(step, positions, known_items, f"{where}[{index}]")
    _check_reachable(pathway, positions, where)
    _check_no_cycle(pathway, positions, where)


def _check_step(
    step: PathwayStep, positions: dict[str, int], known_items: set[str], where: str
) -> None:
    for n, cited in enumerate(step.cites):
        if cited not in known_items:
            raise FeedError(
                f'"{cited[:60]}" is not the id of an item of this feed; '
                "a step may cite only the feed's own items",
                path=f"{where}.cites[{n}]",
            )
    labels: set[str] = set()
    for n, choice in enumerate(step.choices):
        if choice.next not in positions:
            listing = ", ".join(sorted(positions)[:12])
            raise FeedError(
                f'"{choice.next}" is not a step of this pathway (its steps: {listing})',
                path=f"{where}.choices[{n}].next",
            )
        if choice.next == step.id:
            raise FeedError(
                "leads back to its own step; a pathway may not loop",
                path=f"{where}.choices[{n}].next",
            )
        if choice.label in labels:
            raise FeedError(
                f'"{choice.label[:60]}" is offered twice at this step; '
                "give every choice its own words",
                path=f"{where}.choices[{n}].label",
            )
        labels.add(choice.label)


def _check_reachable(pathway: Pathway, positions: dict[str, int], where: str) -> None:
    """Every step can be reached from the first: a step nothing leads to would be a 2nd start."""
    reached = {pathway.start.id}
    waiting = [pathway.start]
    while waiting:
        step = waiting.pop()
        for choice in step.choices:
            if choice.next not in reached:
                reached.add(choice.next)
                waiting.append(pathway.steps[positions[choice.next]])
    for index, step in enumerate(pathway.steps):
        if step.id not in reached:
            raise FeedError(
                f'no choice leads to step "{step.id}" from the start (the first step, '
                f'"{pathway.start.id}"); link it from another step or remove it',
                path=f"{where}[{index}].id",
            )


def _check_no_cycle(pathway: Pathway, positions: dict[str, int], where: str) -> None:
    """Depth-first from the start, without recursion (a hostile feed controls the depth)."""
    done: set[str] = set()
    on_path: set[str] = set()
    stack: list[tuple[PathwayStep, int]] = [(pathway.start, 0)]
    on_path.add(pathway.start.id)
    while stack:
        step, n = stack[-1]
        if n == len(step.choices):
            stack.pop()
            on_path.discard(step.id)
            done.add(step.id)
            continue
        stack[-1] = (step, n + 1)
        target = step.choices[n].next
        if target in on_path:
            raise FeedError(
                f'leads back to step "{target}", which comes before it: '
                "a pathway may not loop, so that every walk through it ends",
                path=f"{where}[{positions[step.id]}].choices[{n}].next",
            )
        if target not in done:
            on_path.add(target)
            stack.append((pathway.steps[positions[target]], 0))
