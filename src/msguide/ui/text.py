"""Words and numbers as the app shows them: dates, kinds, formats, errors."""

from __future__ import annotations

from datetime import datetime

KIND_LABELS = {"resource": "Resource", "news": "News", "contact": "Contact"}
FORMAT_LABELS = {
    "web": "Web page",
    "pdf": "PDF",
    "toolkit": "Toolkit",
    "training": "Training",
    "data": "Data",
    "video": "Video",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(timestamp: str | None) -> str:
    """'2025-03-06T00:00:00Z' → '6 March 2025' (UK style; no locale surprises)."""
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


def format_label(fmt: str | None) -> str:
    return FORMAT_LABELS.get(fmt or "", fmt or "")


def join_dots(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def short_url(url: str | None) -> str:
    """An address without its scheme, for showing where a link goes."""
    if not url:
        return ""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            return url[len(prefix) :]
    return url


def error_sentence(error: BaseException) -> str:
    """What went wrong, as one sentence for the person using msguide."""
    from msguide.errors import MsguideError

    if isinstance(error, MsguideError):
        text = str(error)
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    from msguide.safetext import safe_text

    # The error may quote anything (a path, a server's answer): shown visibly, never raw.
    return (
        f"Something went wrong inside msguide ({type(error).__name__}: {safe_text(error)}). "
        "Your content is safe; please report this with Help ▸ Diagnostics."
    )
