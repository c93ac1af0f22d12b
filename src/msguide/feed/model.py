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
class PathwayChoice:
    """One answer at a pathway step: the words on its button and the step it leads to."""

    label: str
    next: str


@dataclass(frozen=True, slots=True)
class PathwayStep:
    """One pathway step: plain text, the items it rests on, its choices (none at an end)."""

    id: str
    text: str
    cites: tuple[str, ...] = ()
    choices: tuple[PathwayChoice, ...] = ()

    @property
    def is_end(self) -> bool:
        return not self.choices


@dataclass(frozen=True, slots=True)
class Pathway:
    """A "What to do now" guide (docs/feed-format.md, Pathways): a small graph of steps with no
    cycle, starting at the first step. Its steps cite items of the same feed by id."""

    id: str
    title: str
    steps: tuple[PathwayStep, ...]
    summary: str = ""

    @property
    def start(self) -> PathwayStep:
        return self.steps[0]

    def step(self, step_id: str) -> PathwayStep | None:
        return next((s for s in self.steps if s.id == step_id), None)


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
    pathways: tuple[Pathway, ...] = ()
    # Search synonyms: (term, its equivalents) in feed order (`_msguide.synonyms`).
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
