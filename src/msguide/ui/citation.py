"""Copy as text: the shown item as a short plain-text citation for an e-mail or a chat.

Title, publisher, the number (for a contact) or the link, and the content revision it was
read in, so the person receiving it can tell how current it is. Plain text only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msguide.ui.text import human_date

if TYPE_CHECKING:
    from msguide.feed.model import Item
    from msguide.store.citation import ContentRevision


def revision_line(revision: ContentRevision | None) -> str:
    if revision is None:
        return "From msguide."
    return (
        f"From {revision.source_name}, content revision {revision.sequence} "
        f"(published {human_date(revision.published)}), via msguide."
    )


def citation_text(item: Item, revision: ContentRevision | None) -> str:
    lines = [item.title]
    if item.publisher:
        lines.append(f"Publisher: {item.publisher}")
    if item.phone:
        lines.append(f"Phone: {item.phone}" + (f" ({item.hours})" if item.hours else ""))
    if item.email:
        lines.append(f"E-mail: {item.email}")
    if item.url:
        lines.append(item.url)
    lines.append(revision_line(revision))
    return "\n".join(lines)
