"""A stored pathway as plain text for a terminal (`msguide pathway show`) and as JSON.

Every step is listed in feed order with its id, text, the items it cites (with their phone
numbers) and where each choice leads, so the whole pathway can be read or printed at once.
"""

from __future__ import annotations

import textwrap
from typing import Any

from msguide.feed.model import PathwayStep
from msguide.store.pathways import CitedItem, StoredPathway

WIDTH = 78


def _cite_text(item_id: str, cited: dict[str, CitedItem]) -> str:
    item = cited.get(item_id)
    if item is None:
        return f"{item_id}: not in the current content"
    extra = f", {item.phone}" if item.phone else ""
    return f"{item_id}: {item.title}{extra}"


def _wrap(text: str, indent: str, first: str = "") -> list[str]:
    lines: list[str] = []
    for n, paragraph in enumerate(text.split("\n")):
        lines += textwrap.wrap(
            paragraph,
            WIDTH,
            initial_indent=first if n == 0 and first else indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
    return lines


def _step_lines(step: PathwayStep, cited: dict[str, CitedItem]) -> list[str]:
    lines = _wrap(step.text, "    ", first=f"[{step.id}] ")
    if step.cites:
        lines.append("  Cites:")
        for item_id in step.cites:
            lines += _wrap(_cite_text(item_id, cited), "      ", "    - ")
    for number, choice in enumerate(step.choices, 1):
        lines += _wrap(f"{choice.label} -> {choice.next}", "       ", f"  {number}. ")
    if step.is_end:
        lines.append("  End of the pathway.")
    return lines


def pathway_text(stored: StoredPathway) -> str:
    pathway = stored.pathway
    lines = [pathway.title]
    if pathway.summary:
        lines += _wrap(pathway.summary, "")
    lines += _wrap(
        f"Pathway {pathway.id} from {stored.source_name} ({stored.source}): "
        f"{len(pathway.steps)} steps, starting at [{pathway.start.id}].",
        "",
    )
    for step in pathway.steps:
        lines.append("")
        lines += _step_lines(step, stored.cited)
    return "\n".join(lines) + "\n"


def pathway_json(stored: StoredPathway) -> dict[str, Any]:
    pathway = stored.pathway
    return {
        "source": stored.source,
        "source_name": stored.source_name,
        "id": pathway.id,
        "title": pathway.title,
        "summary": pathway.summary,
        "start": pathway.start.id,
        "steps": [
            {
                "id": step.id,
                "text": step.text,
                "cites": list(step.cites),
                "choices": [{"label": c.label, "next": c.next} for c in step.choices],
                "end": step.is_end,
            }
            for step in pathway.steps
        ],
        "cited_items": {
            item.id: {
                "title": item.title,
                "kind": item.kind,
                "phone": item.phone,
                "hours": item.hours,
                "url": item.url,
            }
            for item in sorted(stored.cited.values(), key=lambda i: i.id)
        },
    }
