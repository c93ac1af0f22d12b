"""Did you mean …: a spelling the store itself knows, for a query that finds little.

Candidates come from the full-text index's own vocabulary (FTS5 `fts5vocab`), so a
suggestion is always a word the content uses. The closest by edit distance wins (a swap of
two letters counts as one edit), the more common breaking ties. A word that begins some
indexed word, or that a feed lists as a synonym, is taken as meant and left alone. The
suggestion is only offered when it finds more than the query as typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from msguide.store.query import parse_terms
from msguide.store.reader import raw_sqlite
from msguide.store.synonyms import thesaurus

if TYPE_CHECKING:
    import sqlite3

    from msguide.store.reader import Reader
    from msguide.store.search import Filters

# A query with at most this many matches is worth a suggestion ("nothing or little").
FEW_MATCHES = 2
# Words shorter than this are too short to correct (prefixes of what a person is typing).
MIN_WORD = 4
# Candidates looked at per word: all vocabulary words with its first letter, up to this many.
MAX_CANDIDATES = 50_000

_VOCAB = "msguide_vocab"
_WORD = re.compile(r"[^\W_]+")


def _allowed_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


def _vocabulary(raw: sqlite3.Connection) -> None:
    # A temporary table: it works on read-only stores and changes nothing in the file.
    raw.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_VOCAB} USING fts5vocab(main, items_fts, row)"
    )


def _known(raw: sqlite3.Connection, word: str) -> bool:
    """Whether some indexed word starts with `word` (search matches prefixes)."""
    row = raw.execute(
        f"SELECT 1 FROM {_VOCAB} WHERE term >= ? AND term < ? LIMIT 1", (word, word + "\U0010ffff")
    ).fetchone()
    return row is not None


def _closest(raw: sqlite3.Connection, word: str) -> str | None:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    first = word[0]
    rows = raw.execute(
        f"SELECT term, doc FROM {_VOCAB} WHERE term >= ? AND term < ? LIMIT ?",
        (first, first + "\U0010ffff", MAX_CANDIDATES),
    ).fetchall()
    terms = [str(row[0]) for row in rows]
    limit = _allowed_distance(word)
    # One call into rapidfuzz's C++ for every candidate: tens of thousands take milliseconds.
    close = process.extract(word, terms, scorer=OSA.distance, score_cutoff=limit, limit=None)
    ranked = sorted(
        (int(distance), -int(rows[index][1]), term)
        for term, distance, index in close
        if term.isalpha()
    )
    return ranked[0][2] if ranked else None


def suggestion(connection: Reader, text: str) -> str | None:
    """`text` with its unknown words replaced by the closest words of the store, or None
    when every word is known or nothing close enough is."""
    raw = raw_sqlite(connection)
    _vocabulary(raw)
    synonym_words = {w for phrase in thesaurus(connection).alternatives for w in phrase}
    fixes: dict[str, str] = {}
    for group in parse_terms(text):
        for term in group:
            for word in term.tokens:
                if (
                    len(word) < MIN_WORD
                    or not word.isalpha()
                    or word in synonym_words
                    or word in fixes
                    or _known(raw, word)
                ):
                    continue
                closest = _closest(raw, word)
                if closest is not None:
                    fixes[word] = closest
    if not fixes:
        return None
    return _WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), text)


def better_spelling(
    connection: Reader, text: str, filters: Filters | None = None, found: int | None = None
) -> str | None:
    """A suggestion for `text` if it finds few items (`found`, when the caller has counted
    them) and the suggestion finds more, within the same `filters`."""
    from msguide.store.search import Filters, count

    if not text.strip():
        return None
    filters = filters or Filters()
    if found is None:
        found = count(connection, text, filters)
    if found > FEW_MATCHES:
        return None
    suggested = suggestion(connection, text)
    if suggested is None or count(connection, suggested, filters) <= found:
        return None
    return suggested
