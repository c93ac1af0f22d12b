"""Build feed documents for tests: a small valid feed, and variations of it."""

from __future__ import annotations

import copy
import json
from typing import Any

AUDIENCES = [
    {"id": "adults", "label": "Adults", "description": "People aged 18 and over."},
    {"id": "children", "label": "Children", "description": "Anyone under 18."},
]
CATEGORIES = [
    {"id": "nrm", "label": "Identification & referral (NRM)"},
    {"id": "toolkits", "label": "Toolkits"},
]


def item(item_id: str, title: str, *, kind: str = "resource", **extra: Any) -> dict[str, Any]:
    ext = {
        "kind": kind,
        "audiences": extra.pop("audiences", ["adults"]),
        "categories": extra.pop("categories", ["nrm"]),
    }
    for key in ("publisher", "format", "phone", "email", "hours", "pinned"):
        if key in extra:
            ext[key] = extra.pop(key)
    out: dict[str, Any] = {"id": item_id, "title": title}
    if kind != "contact" or "url" in extra:
        out["url"] = extra.pop("url", f"https://example.org/{item_id}")
    out["summary"] = extra.pop("summary", f"Summary of {title}.")
    out["content_text"] = extra.pop("content_text", f"Content about {title}.")
    out.update(extra)
    out["_msguide"] = ext
    return out


BASE_ITEMS = [
    item(
        "nrm-adult",
        "National referral mechanism guidance: adult",
        summary="How to refer an adult potential victim into the NRM.",
        tags=["NRM", "referral"],
        publisher="Home Office",
        format="web",
    ),
    item(
        "ceraf",
        "Child exploitation risk assessment framework",
        audiences=["children"],
        categories=["toolkits"],
        publisher="HIPS",
        format="toolkit",
        summary="Assess children at risk of exploitation.",
    ),
    item(
        "stats-2024",
        "NRM statistics 2024 published",
        kind="news",
        date_published="2025-03-06T00:00:00Z",
        summary="19,125 potential victims referred.",
    ),
    item(
        "helpline",
        "Modern Slavery & Exploitation Helpline",
        kind="contact",
        phone="08000 121 700",
        hours="24/7",
        url="https://www.modernslaveryhelpline.org/",
        audiences=["adults", "children"],
        categories=[],
    ),
]


def feed_document(
    *,
    sequence: int = 1,
    items: list[dict[str, Any]] | None = None,
    source_id: str = "test-source",
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Test feed",
        "home_page_url": "https://example.org/",
        "language": "en-GB",
        "_msguide": {
            "format": 1,
            "source": {"id": source_id, "name": "Test source"},
            "sequence": sequence,
            "published": "2025-04-01T09:00:00Z",
            "audiences": copy.deepcopy(AUDIENCES),
            "categories": copy.deepcopy(CATEGORIES),
        },
        "items": copy.deepcopy(BASE_ITEMS) if items is None else items,
    }
    doc.update(extra)
    return doc


def to_bytes(document: Any) -> bytes:
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")


def feed_bytes(**kwargs: Any) -> bytes:
    return to_bytes(feed_document(**kwargs))


def newer_document() -> dict[str, Any]:
    """Sequence 2: one item added, one changed, one removed compared to the base feed."""
    doc = feed_document(sequence=2)
    items = doc["items"]
    items[0]["summary"] = "Updated: how to refer an adult potential victim into the NRM."
    del items[1]
    items.append(item("duty-to-notify", "Duty to Notify", summary="Adults who do not consent."))
    return doc


def pathway_document(pathway_id: str = "adult-concern", **extra: Any) -> dict[str, Any]:
    """A small valid pathway over BASE_ITEMS: a question, a branch that rejoins, two ends."""
    steps: list[dict[str, Any]] = [
        {
            "id": "start",
            "text": "Does the adult consent to a referral?",
            "cites": ["nrm-adult"],
            "choices": [
                {"label": "Yes", "next": "refer"},
                {"label": "No", "next": "advice"},
            ],
        },
        {
            "id": "refer",
            "text": "Refer them into the NRM.",
            "cites": ["nrm-adult"],
            "choices": [{"label": "Next", "next": "advice"}, {"label": "Done", "next": "done"}],
        },
        {"id": "advice", "text": "Call the helpline on 08000 121 700.", "cites": ["helpline"]},
        {"id": "done", "text": "Nothing more to do."},
    ]
    doc: dict[str, Any] = {
        "id": pathway_id,
        "title": "An adult may be a victim",
        "summary": "What to do next.",
        "_msguide": {"kind": "pathway", "steps": steps},
    }
    doc.update(extra)
    return doc


def pathway_feed(*pathways: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The base feed with `pathways` (default: one `pathway_document()`)."""
    doc = feed_document(**kwargs)
    doc["_msguide"]["pathways"] = list(pathways) if pathways else [pathway_document()]
    return doc
