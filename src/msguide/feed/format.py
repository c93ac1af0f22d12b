"""The msguide feed format (DESIGN.md §2) written as rules: JSON Feed 1.1 plus `_msguide`."""

from __future__ import annotations

from typing import Any

from msguide.feed.model import (
    FORMAT_VERSION,
    ITEM_FORMATS,
    ITEM_KINDS,
    JSON_FEED_VERSION,
    Attachment,
    Item,
    Source,
    Taxon,
)
from msguide.feed.pathway import PATHWAYS
from msguide.feed.rules import (
    Boolean,
    Choice,
    Field,
    Identifier,
    Integer,
    Link,
    ListOf,
    MapOf,
    Record,
    SearchWords,
    Text,
    Timestamp,
)

# Field limits. Generous for real content, small enough that a hostile feed cannot bloat the
# store or the UI. Publishers see the same numbers in docs/feed.schema.json.
MAX_TITLE = 300
MAX_SUMMARY = 2_000
MAX_CONTENT = 20_000
MAX_LABEL = 100
MAX_DESCRIPTION = 1_000
MAX_TAG = 64
MAX_TAGS = 30
MAX_TAXA = 200
MAX_REFS = 20
MAX_ATTACHMENTS = 20
# A detached minisign signature is under 400 bytes; a "signature" far larger is not one
# (read with this bound from a file, a sync or a pack).
MAX_SIGNATURE_BYTES = 64 * 1024
MAX_SMALL_TEXT = 200
MAX_ATTACHMENT_BYTES = 2**40
# Search synonyms (`_msguide.synonyms`): each query word or phrase that equals a term (or one
# of its equivalents) also finds the others. Bounded so a query's expansion stays small.
MAX_SYNONYM_TERMS = 500
MAX_EQUIVALENTS = 10
MAX_SYNONYM_LENGTH = 64
MAX_SYNONYM_WORDS = 8

SLUG = r"[a-z0-9][a-z0-9-]{0,63}"
SLUG_HINT = "use lower-case letters, digits and hyphens (for example children-services)"
SHA256_HEX = r"[0-9a-f]{64}"
LANGUAGE_TAG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}"

WEB_ONLY = frozenset({"https", "http"})

_slug = Text(max_length=64, pattern=SLUG, pattern_hint=SLUG_HINT)
_language = Text(
    max_length=35, pattern=LANGUAGE_TAG, pattern_hint="use a language tag such as en-GB"
)


def _taxon(values: dict[str, Any]) -> Taxon:
    return Taxon(values["id"], values["label"], values.get("description", ""))


TAXON = Record(
    {
        "id": Field(_slug, required=True),
        "label": Field(Text(MAX_LABEL, min_length=1), required=True),
        "description": Field(Text(MAX_DESCRIPTION)),
    },
    build=_taxon,
)

SOURCE = Record(
    {
        "id": Field(_slug, required=True),
        "name": Field(Text(MAX_LABEL, min_length=1), required=True),
    },
    build=lambda v: Source(v["id"], v["name"]),
    doc="Who publishes this feed. The id is stable for the life of the feed.",
)

_search_words = SearchWords(MAX_SYNONYM_LENGTH, MAX_SYNONYM_WORDS)

SYNONYMS = MapOf(
    key=_search_words,
    value=ListOf(_search_words, MAX_EQUIVALENTS, unique=True),
    max_entries=MAX_SYNONYM_TERMS,
    doc=(
        "Search synonyms and abbreviations: a term and the words or phrases that mean the same "
        '(for example "NRM": ["National Referral Mechanism"]). Read both ways: searching for '
        "any of them also finds the others."
    ),
)

FEED_EXTENSION = Record(
    {
        "about": Field(Link(WEB_ONLY, doc="Address of the format's documentation.")),
        "format": Field(
            Choice(
                (FORMAT_VERSION,),
                hint="this msguide understands format 1 only; update msguide to read newer feeds",
            ),
            required=True,
        ),
        "source": Field(SOURCE, required=True),
        "sequence": Field(
            Integer(doc="Grows with every publication; never goes down."), required=True
        ),
        "published": Field(Timestamp(), required=True),
        "expires": Field(Timestamp(doc="After this moment the content is shown as out of date.")),
        "audiences": Field(ListOf(TAXON, MAX_TAXA)),
        "categories": Field(ListOf(TAXON, MAX_TAXA)),
        "pathways": Field(PATHWAYS),
        "synonyms": Field(SYNONYMS),
    },
    required_note={"sequence": "every publication needs a sequence number that only grows"},
)

ATTACHMENT = Record(
    {
        "url": Field(Link(WEB_ONLY), required=True),
        "mime_type": Field(Text(MAX_SMALL_TEXT, min_length=1), required=True),
        "title": Field(Text(MAX_TITLE)),
        "size_in_bytes": Field(Integer(maximum=MAX_ATTACHMENT_BYTES)),
        "_msguide": Field(
            Record(
                {
                    "sha256": Field(
                        Text(
                            64,
                            pattern=SHA256_HEX,
                            pattern_hint=(
                                "give the file's SHA-256 as 64 lower-case hexadecimal digits"
                            ),
                        )
                    )
                }
            )
        ),
    },
    build=lambda v: Attachment(
        url=v["url"],
        mime_type=v["mime_type"],
        title=v.get("title", ""),
        size_in_bytes=v.get("size_in_bytes"),
        sha256=v.get("_msguide", {}).get("sha256"),
    ),
)

ITEM_EXTENSION = Record(
    {
        "kind": Field(
            Choice(
                ITEM_KINDS,
                hint=(
                    "a pathway goes in the feed's _msguide.pathways list, not in items "
                    "(older msguide versions refuse a feed with an item kind they do not know)"
                ),
            ),
            required=True,
        ),
        "audiences": Field(ListOf(_slug, MAX_REFS, unique=True)),
        "categories": Field(ListOf(_slug, MAX_REFS, unique=True)),
        "publisher": Field(Text(MAX_SMALL_TEXT)),
        "format": Field(Choice(ITEM_FORMATS)),
        "phone": Field(Text(64)),
        "email": Field(Text(254)),
        "hours": Field(Text(MAX_SMALL_TEXT)),
        "pinned": Field(Boolean()),
    },
)


def _item(values: dict[str, Any]) -> Item:
    extension = values["_msguide"]
    return Item(
        id=values["id"],
        kind=extension["kind"],
        title=values.get("title", ""),
        url=values.get("url"),
        summary=values.get("summary", ""),
        content_text=values.get("content_text", ""),
        date_published=values.get("date_published"),
        date_modified=values.get("date_modified"),
        tags=values.get("tags", ()),
        language=values.get("language"),
        audiences=extension.get("audiences", ()),
        categories=extension.get("categories", ()),
        publisher=extension.get("publisher", ""),
        format=extension.get("format"),
        phone=extension.get("phone", ""),
        email=extension.get("email", ""),
        hours=extension.get("hours", ""),
        pinned=extension.get("pinned", False),
        attachments=values.get("attachments", ()),
    )


ITEM = Record(
    {
        "id": Field(Identifier(doc="Stable for the life of the item."), required=True),
        "url": Field(Link()),
        "title": Field(Text(MAX_TITLE, min_length=1), required=True),
        "summary": Field(Text(MAX_SUMMARY, multiline=True)),
        "content_text": Field(
            Text(MAX_CONTENT, multiline=True, doc="Plain text; paragraphs and '- ' bullet lines.")
        ),
        "date_published": Field(Timestamp()),
        "date_modified": Field(Timestamp()),
        "tags": Field(ListOf(Text(MAX_TAG, min_length=1), MAX_TAGS)),
        "language": Field(_language),
        "attachments": Field(ListOf(ATTACHMENT, MAX_ATTACHMENTS)),
        "_msguide": Field(ITEM_EXTENSION, required=True),
    },
    build=_item,
    required_note={
        "_msguide": 'every item needs "_msguide" with at least a "kind"',
        "title": "every item needs a title",
    },
)

# `items` is checked item by item by the parser (it needs the item limit), so the top-level
# record lists it only for the schema.
TOP_LEVEL_FIELDS = {
    "version": Field(
        Choice((JSON_FEED_VERSION,), hint=f'use "{JSON_FEED_VERSION}"'), required=True
    ),
    "title": Field(Text(MAX_TITLE, min_length=1), required=True),
    "home_page_url": Field(Link(WEB_ONLY)),
    "feed_url": Field(Link(WEB_ONLY)),
    "description": Field(Text(MAX_DESCRIPTION, multiline=True)),
    "language": Field(_language),
    "_msguide": Field(FEED_EXTENSION, required=True),
}

TOP_LEVEL = Record(
    TOP_LEVEL_FIELDS,
    required_note={"_msguide": 'this is not an msguide feed: "_msguide" is missing'},
)


def json_schema(max_items: int) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the format, generated from the rules above."""
    schema = Record(
        {**TOP_LEVEL_FIELDS, "items": Field(ListOf(ITEM, max_items), required=True)}
    ).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://msguide.invalid/feed.schema.json",
        "title": "msguide feed (JSON Feed 1.1 with the _msguide extension)",
        "description": (
            "Generated from msguide.feed.format by `msguide feed schema`; do not edit by hand. "
            "Cross-references (unique ids, known audiences and categories) are checked by "
            "msguide itself and cannot be expressed here."
        ),
        **schema,
    }
