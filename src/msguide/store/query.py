"""Turn whatever a person types into a safe FTS5 query: no input can cause a syntax error.

Words are matched as prefixes (results follow the typing); `"quoted words"` match as a phrase
(an unclosed quote runs to the end); `OR` between words widens; `-word` or `NOT word` excludes;
hyphenated and dotted words (child-exploitation, s.49) match as phrases. Punctuation, emoji and
FTS5's own operators are never passed through: every token is a double-quoted string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# bm25 weights of the FTS columns (title, summary, content_text, tags_text, publisher): title
# counts most, then summary and tags; the body least (DESIGN.md §5). The index's configured
# rank (store.db) and store.search's ordering both use them.
RANK_WEIGHTS = "10.0, 4.0, 1.0, 3.0, 2.0"

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MAX_TERMS = 16


@dataclass(frozen=True, slots=True)
class Term:
    tokens: tuple[str, ...]
    prefix: bool = True
    negated: bool = False

    def fts(self) -> str:
        phrase = '"' + " ".join(self.tokens) + '"'
        expression = phrase + "*" if self.prefix else phrase
        if self.prefix and len(self.tokens) == 1:
            singular = _singular(self.tokens[0])
            if singular:
                # "adults" should find "adult"; prefix matching already covers the reverse.
                expression = f'({expression} OR "{singular}")'
        return expression


def _singular(word: str) -> str | None:
    if len(word) <= 3 or not word.isalpha():
        return None
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return None


def parse_terms(text: str) -> list[list[Term]]:
    """The query as OR-ed groups of AND-ed terms."""
    groups: list[list[Term]] = [[]]
    negate_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            tokens = tuple(w.lower() for w in _WORD.findall(quoted))
            if tokens:
                closed = match.group(0).endswith('"') and len(match.group(0)) > 1
                groups[-1].append(Term(tokens, prefix=not closed, negated=negate_next))
                count += 1
            negate_next = False
        else:
            if bare == "OR" or bare == "|":
                if groups[-1]:
                    groups.append([])
                continue
            if bare in ("AND", "&", "+"):
                continue
            if bare == "NOT":
                negate_next = True
                continue
            negated = negate_next
            if bare.startswith("-") and len(bare) > 1:
                negated = True
                bare = bare[1:]
            tokens = tuple(w.lower() for w in _WORD.findall(bare))
            if tokens:
                groups[-1].append(Term(tokens, negated=negated))
                count += 1
            negate_next = False
        if count >= MAX_TERMS:
            break
    return [g for g in groups if any(not t.negated for t in g)]


def fts_query(text: str, expand: Callable[[list[Term]], list[str]] | None = None) -> str | None:
    """An FTS5 MATCH expression for `text`, or None when it holds nothing searchable.

    `expand` turns a group's wanted terms into the expressions that must all match (the
    synonyms of msguide.store.synonyms); by default each term is one expression."""
    clauses = []
    for group in parse_terms(text):
        wanted = [t for t in group if not t.negated]
        expressions = expand(wanted) if expand is not None else [t.fts() for t in wanted]
        positive = " AND ".join(expressions)
        negative = [t.fts() for t in group if t.negated]
        clause = f"({positive})"
        for expression in negative:
            clause = f"({clause} NOT {expression})"
        clauses.append(clause)
    if not clauses:
        return None
    return " OR ".join(clauses)


def highlight_words(text: str) -> tuple[str, ...]:
    """The lower-cased words of a query that should be shown highlighted."""
    return tuple(
        token
        for group in parse_terms(text)
        for term in group
        if not term.negated
        for token in term.tokens
    )
