"""The parsed, validated feed: immutable values that any layer may hold and pass between threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ItemKind = Literal["resource", "news", "contact"]
ITEM_KINDS: tuple[ItemKind, ...] = ("resource", "news", "contact")

ItemFormat = Literal["web", "pdf", "toolkit", "training", "data", "video"]
ITEM_FORMATS: tuple[ItemFormat, ...] = ("web", "pdf", "toolkit", "training", "data", "video")

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Taxon:
    """An audience or a category: the feed's own vocabulary for the sidebar."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    mime_type: str
    title: str = ""
    size_in_bytes: int | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One resource, news story or contact. Text fields are plain text, already made inert."""

    id: str
    kind: ItemKind
    title: str
    url: str | None = None
    summary: str = ""
    content_text: str = ""
    date_published: str | None = None
    date_modified: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    audiences: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    publisher: str = ""
    format: ItemFormat | None = None
    phone: str = ""
    email: str = ""
    hours: str = ""
    pinned: bool = False
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A full snapshot of one source's content (DESIGN.md §2)."""

    source: Source
    sequence: int
    published: str
    title: str
    items: tuple[Item, ...]
    audiences: tuple[Taxon, ...] = ()
    categories: tuple[Taxon, ...] = ()
    expires: str | None = None
    home_page_url: str | None = None
    feed_url: str | None = None
    description: str = ""
    language: str | None = None
    about: str | None = None
    format: int = FORMAT_VERSION
    # Search synonyms: (term, its equivalents) in feed order (`_msguide.synonyms`).
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
