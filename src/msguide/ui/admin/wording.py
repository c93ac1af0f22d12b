"""How the admin windows say things: signature states, changed fields, errors with advice."""

from __future__ import annotations

from msguide.errors import (
    FeedError,
    MsguideError,
    RollbackRefusedError,
    StorageError,
    UntrustedFeedError,
    UsageError,
)

FIELD_LABELS = {
    "kind": "kind",
    "title": "title",
    "url": "link",
    "summary": "summary",
    "content_text": "full text",
    "date_published": "date published",
    "date_modified": "date modified",
    "tags": "tags",
    "language": "language",
    "audiences": "audiences",
    "categories": "categories",
    "publisher": "publisher",
    "format": "format",
    "phone": "phone",
    "email": "e-mail",
    "hours": "hours",
    "pinned": "pinned",
    "attachments": "attachments",
}


def field_list(fields: tuple[str, ...]) -> str:
    return ", ".join(FIELD_LABELS.get(f, f.replace("_", " ")) for f in fields)


def signature_text(state: str, key_id: str | None) -> str:
    """A stored or judged signature state in words (never by colour alone)."""
    if state == "verified":
        return f"Signed by key {key_id}, trusted by your IT policy"
    if state == "unverifiable":
        return (
            f"Signed by key {key_id}, not checked: no key is pinned for this source, "
            "and your IT policy allows unsigned feeds from it"
        )
    if state == "unsigned":
        return "Unsigned: your IT policy allows unsigned feeds from this source"
    return state.capitalize()


def short_signature(state: str, key_id: str | None) -> str:
    if state == "verified":
        return f"Signed ({key_id})"
    if state == "unverifiable":
        return f"Not checked ({key_id})" if key_id else "Not checked"
    return "Unsigned" if state == "unsigned" else state.capitalize()


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def advice_for(error: BaseException) -> str:
    if isinstance(error, UntrustedFeedError):
        return (
            "Import only feeds signed with a key your IT policy trusts: check that the "
            ".minisig file beside the feed is the one the publisher made, or ask IT."
        )
    if isinstance(error, RollbackRefusedError):
        return "Ask the publisher for a feed with a higher sequence number."
    if isinstance(error, FeedError):
        return "Ask the publisher for a corrected feed file, or choose another file."
    if isinstance(error, UsageError):
        return "Choose a feed file (.json) and try again."
    if isinstance(error, StorageError):
        return "Nothing was changed. If this keeps happening, see Help ▸ Diagnostics."
    return "Nothing was changed. Please report this, with the report from Help ▸ Diagnostics."


def explain(error: BaseException) -> str:
    """An error as plain lines: what went wrong, where in the feed, what to do next."""
    if isinstance(error, MsguideError):
        lines = [sentence(error.message)]
        if error.path:
            lines.append(f"Where in the feed: {error.path}")
    else:
        from msguide.safetext import safe_text

        lines = [
            f"Something went wrong inside msguide ({type(error).__name__}: {safe_text(error)})."
        ]
    lines.append(advice_for(error))
    return "\n".join(lines)
