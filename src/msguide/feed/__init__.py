"""The feed format: parse, validate and verify feeds. Pure Python: no Qt, no database.

Signatures live in `msguide.feed.signature` (imported on demand: it loads the crypto library).
"""

from msguide.feed.model import Attachment, Feed, Item, ItemKind, Source, Taxon
from msguide.feed.parse import DEFAULT_LIMITS, Limits, parse
from msguide.feed.write import dump_feed, item_fingerprint

__all__ = [
    "DEFAULT_LIMITS",
    "Attachment",
    "Feed",
    "Item",
    "ItemKind",
    "Limits",
    "Source",
    "Taxon",
    "dump_feed",
    "item_fingerprint",
    "parse",
]
