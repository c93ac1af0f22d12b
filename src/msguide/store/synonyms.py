"""Search that knows the field's words: a feed's `_msguide.synonyms` widen a query.

A query word or phrase that equals a term a feed lists (or one of the term's equivalents)
also finds the others: "nrm" finds "National Referral Mechanism" and the reverse. The words
as typed still match as before (prefixes and all), so synonyms only ever add matches; every
form found ranks by bm25 like any match and is highlighted in snippets, because it is part
of the one MATCH expression.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from msguide.store.query import Term, fts_query

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from msguide.feed.model import Feed
    from msguide.store.reader import Reader

log = logging.getLogger(__name__)

Phrase = tuple[str, ...]

# The words of a term as the query parser splits them (msguide.store.query).
_WORD = re.compile(r"[^\W_]+")


def phrase_of(text: str) -> Phrase:
    return tuple(w.lower() for w in _WORD.findall(text))


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Every phrase a feed names, with the phrases it is equivalent to (not itself)."""

    alternatives: dict[Phrase, tuple[Phrase, ...]]
    longest: int  # words in the longest phrase: how far a query is scanned for one

    def expand(self, terms: list[Term]) -> list[str]:
        """FTS expressions for a group of wanted terms, each run of terms that spells a known
        phrase widened to (the terms as typed OR its alternatives)."""
        out: list[str] = []
        start = 0
        while start < len(terms):
            end, alternatives = self._longest_match(terms, start)
            typed = [t.fts() for t in terms[start:end]]
            if not alternatives:
                out.extend(typed)
            else:
                own = typed[0] if len(typed) == 1 else "(" + " AND ".join(typed) + ")"
                wider = " OR ".join(_phrase_fts(p) for p in alternatives)
                out.append(f"({own} OR {wider})")
            start = end
        return out

    def _longest_match(self, terms: list[Term], start: int) -> tuple[int, tuple[Phrase, ...]]:
        words: Phrase = ()
        best: tuple[int, tuple[Phrase, ...]] = (start + 1, ())
        for end in range(start, len(terms)):
            words += terms[end].tokens
            if len(words) > self.longest:
                break
            found = self.alternatives.get(words)
            if found:
                best = (end + 1, found)
        return best


def _phrase_fts(phrase: Phrase) -> str:
    # A prefix on the last word lets "county line" find "county lines" too.
    return '"' + " ".join(phrase) + '"*'


EMPTY = Thesaurus({}, 0)


@lru_cache(maxsize=8)
def _build(rows: tuple[tuple[str, str], ...]) -> Thesaurus:
    linked: dict[Phrase, set[Phrase]] = defaultdict(set)
    for term, equivalents in rows:
        group = {phrase_of(term), *(phrase_of(e) for e in equivalents.split("\n"))}
        group.discard(())
        for phrase in group:
            linked[phrase] |= group
    alternatives = {
        phrase: tuple(sorted(others - {phrase})) for phrase, others in linked.items() if others
    }
    alternatives = {phrase: found for phrase, found in alternatives.items() if found}
    longest = max((len(p) for p in alternatives), default=0)
    return Thesaurus(alternatives, longest)


# --- writing --------------------------------------------------------------------------------


def replace_synonyms(connection: Connection, feed: Feed) -> None:
    """Store `feed`'s synonyms as its source's (in the import's transaction)."""
    connection.exec_driver_sql("DELETE FROM synonyms WHERE source_id = ?", (feed.source.id,))
    if feed.synonyms:
        connection.exec_driver_sql(
            "INSERT INTO synonyms (source_id, position, term, equivalents) VALUES (?,?,?,?)",
            [
                (feed.source.id, n, term, "\n".join(equivalents))
                for n, (term, equivalents) in enumerate(feed.synonyms)
            ],
        )


def add_synonyms_table(connection: Connection) -> None:
    """The schema 2 -> 3 upgrade: the table, filled from each source's current revision, so
    content held before this version searches with its synonyms at once."""
    from msguide.store.models import SynonymRow
    from msguide.store.upgrades import current_feeds

    SynonymRow.__table__.create(connection)  # type: ignore[attr-defined]
    for feed in current_feeds(connection, "synonyms"):
        replace_synonyms(connection, feed)


# --- reading --------------------------------------------------------------------------------


def thesaurus(connection: Reader) -> Thesaurus:
    """The synonyms of every source in the store, merged (read per query: they are few, and
    built once per distinct set)."""
    try:
        rows = tuple(
            (str(r[0]), str(r[1]))
            for r in connection.exec_driver_sql(
                "SELECT term, equivalents FROM synonyms ORDER BY source_id, position"
            )
        )
    except sqlite3.OperationalError as error:
        # A read-only store from before synonyms is shown as it is: plain search.
        if "no such table" in str(error):
            return EMPTY
        raise
    return _build(rows) if rows else EMPTY


def source_synonyms(connection: Reader, source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """One source's synonyms as its feed lists them (for export)."""
    try:
        rows = connection.exec_driver_sql(
            "SELECT term, equivalents FROM synonyms WHERE source_id = ? ORDER BY position",
            (source,),
        ).all()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return ()
        raise
    return tuple((str(r[0]), tuple(str(r[1]).split("\n"))) for r in rows)


def match_expression(connection: Reader, text: str) -> str | None:
    """The FTS5 MATCH expression for `text`, widened by the store's synonyms."""
    known = thesaurus(connection)
    if not known.alternatives:
        return fts_query(text)
    return fts_query(text, known.expand)
