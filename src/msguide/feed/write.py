"""Turn a `Feed` back into feed JSON: used by export, the seed build and item fingerprints."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from operator import attrgetter
from typing import Any

from msguide.feed.model import (
    FORMAT_VERSION,
    JSON_FEED_VERSION,
    Attachment,
    Feed,
    Item,
    Pathway,
    PathwayStep,
    Taxon,
)


def _taxon(taxon: Taxon) -> dict[str, Any]:
    out: dict[str, Any] = {"id": taxon.id, "label": taxon.label}
    if taxon.description:
        out["description"] = taxon.description
    return out


def _attachment(attachment: Attachment) -> dict[str, Any]:
    out: dict[str, Any] = {"url": attachment.url, "mime_type": attachment.mime_type}
    if attachment.title:
        out["title"] = attachment.title
    if attachment.size_in_bytes is not None:
        out["size_in_bytes"] = attachment.size_in_bytes
    if attachment.sha256:
        out["_msguide"] = {"sha256": attachment.sha256}
    return out


def item_document(item: Item) -> dict[str, Any]:
    """The item as feed JSON; empty optional fields are left out."""
    out: dict[str, Any] = {"id": item.id}
    if item.url is not None:
        out["url"] = item.url
    out["title"] = item.title
    for name in ("summary", "content_text", "date_published", "date_modified", "language"):
        value = getattr(item, name)
        if value:
            out[name] = value
    if item.tags:
        out["tags"] = list(item.tags)
    if item.attachments:
        out["attachments"] = [_attachment(a) for a in item.attachments]
    extension: dict[str, Any] = {"kind": item.kind}
    if item.audiences:
        extension["audiences"] = list(item.audiences)
    if item.categories:
        extension["categories"] = list(item.categories)
    for name in ("publisher", "format", "phone", "email", "hours"):
        value = getattr(item, name)
        if value:
            extension[name] = value
    if item.pinned:
        extension["pinned"] = True
    out["_msguide"] = extension
    return out


def _step(step: PathwayStep) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id, "text": step.text}
    if step.cites:
        out["cites"] = list(step.cites)
    if step.choices:
        out["choices"] = [{"label": c.label, "next": c.next} for c in step.choices]
    return out


def pathway_document(pathway: Pathway) -> dict[str, Any]:
    """The pathway as feed JSON (an entry of the feed's `_msguide.pathways`)."""
    out: dict[str, Any] = {"id": pathway.id, "title": pathway.title}
    if pathway.summary:
        out["summary"] = pathway.summary
    out["_msguide"] = {"kind": "pathway", "steps": [_step(s) for s in pathway.steps]}
    return out


_ITEM_FIELDS = tuple(f.name for f in fields(Item))
_item_values = attrgetter(*_ITEM_FIELDS)
_ATTACHMENT_FIELDS = tuple(f.name for f in fields(Attachment))
_attachment_values = attrgetter(*_ATTACHMENT_FIELDS)


def _attachment_text(attachment: Attachment) -> str:
    return "".join(
        f"{name}={len(text)}:{text};"
        for name, value in zip(_ATTACHMENT_FIELDS, _attachment_values(attachment), strict=True)
        if value is not None and value != ""
        for text in (str(value),)
    )


def item_fingerprint(item: Item) -> str:
    """A digest of everything an item says; equal fingerprints mean an unchanged item.

    Every field that is set goes in as ``name=length:value``, so no text can pass for another
    field, and a field added to the format later leaves existing fingerprints as they were.
    (Hashing the item's canonical JSON said the same, in twice the time, for every item of every
    import.)
    """
    parts: list[str] = []
    for name, value in zip(_ITEM_FIELDS, _item_values(item), strict=True):
        if value is None or value is False or value == "" or value == ():
            continue
        if type(value) is tuple:
            for n, element in enumerate(value):
                text = _attachment_text(element) if type(element) is Attachment else element
                parts.append(f"{name}[{n}]={len(text)}:{text}\n")
        else:
            text = value if type(value) is str else str(value)
            parts.append(f"{name}={len(text)}:{text}\n")
    return hashlib.sha256("".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def feed_document(feed: Feed) -> dict[str, Any]:
    out: dict[str, Any] = {"version": JSON_FEED_VERSION, "title": feed.title}
    if feed.home_page_url:
        out["home_page_url"] = feed.home_page_url
    if feed.feed_url:
        out["feed_url"] = feed.feed_url
    if feed.description:
        out["description"] = feed.description
    if feed.language:
        out["language"] = feed.language
    extension: dict[str, Any] = {}
    if feed.about:
        extension["about"] = feed.about
    extension["format"] = feed.format or FORMAT_VERSION
    extension["source"] = {"id": feed.source.id, "name": feed.source.name}
    extension["sequence"] = feed.sequence
    extension["published"] = feed.published
    if feed.expires:
        extension["expires"] = feed.expires
    extension["audiences"] = [_taxon(t) for t in feed.audiences]
    extension["categories"] = [_taxon(t) for t in feed.categories]
    if feed.pathways:
        extension["pathways"] = [pathway_document(p) for p in feed.pathways]
    if feed.synonyms:
        extension["synonyms"] = {term: list(equivalents) for term, equivalents in feed.synonyms}
    out["_msguide"] = extension
    out["items"] = [item_document(i) for i in feed.items]
    return out


def dump_feed(feed: Feed) -> bytes:
    """Feed JSON as UTF-8 bytes, indented for people who read and diff it."""
    text = json.dumps(feed_document(feed), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
