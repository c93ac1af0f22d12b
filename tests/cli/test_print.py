"""`msguide print`: an item and the contacts list as PDFs that a real reader (pdftotext) reads
back with their titles, numbers and the footer on every page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from feedmaker import feed_document, item, to_bytes
from pdftext import needs_pdftotext, pdf_pages, pdf_text

FOOTER = "Check msguide for updates before relying on this."
REVISION = (
    "Hampshire & Isle of Wight Modern Slavery Partnership: content revision 1, "
    "published 28 November 2026"
)


def _footer_on_every_page(path: Path) -> list[str]:
    pages = pdf_pages(path)
    for number, page in enumerate(pages, 1):
        assert FOOTER in page, f"page {number} has no footer"
        assert REVISION in page
        assert "Printed " in page
        assert f"Page {number} of {len(pages)}" in page
    return pages


@needs_pdftotext
def test_an_item_prints_with_its_title_link_and_footer(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "guidance.pdf"
    result = cli("print", "nrm-guidance-child-first-responders", "-o", str(out))
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "National referral mechanism: guidance for child first responders" in text
    assert "Home Office" in text
    address = "https://www.gov.uk/government/publications/national-referral-mechanism-guidance-for"
    assert address in text.replace(" ", "")  # a long address wraps at any character
    assert "Children do not have to consent to a referral" in text
    _footer_on_every_page(out)


@needs_pdftotext
def test_the_contacts_list_prints_every_number(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "contacts.pdf"
    assert cli("print", "contacts", "-o", str(out)).code == 0
    text = pdf_text(out)
    contacts = json.loads(cli("search", "", "--kind", "contact", "--limit", "100", "--json").out)
    assert len(contacts) > 10
    for contact in contacts:
        assert contact["title"] in text
        if contact["phone"]:
            assert contact["phone"] in text
    pages = _footer_on_every_page(out)
    assert len(pages) >= 2


@needs_pdftotext
def test_feed_text_is_printed_as_text_never_as_markup(cli, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "feed.json"
    feed.write_bytes(
        to_bytes(
            feed_document(
                sequence=5,
                items=[
                    item(
                        "markup",
                        "<b>Bold</b> &amp; <img src=x> title",
                        summary="<script>alert(1)</script> <a href='https://evil'>link</a>",
                    )
                ],
            )
        )
    )
    assert cli("import", str(feed)).code == 0
    out = tmp_path / "markup.pdf"
    assert cli("print", "markup", "-o", str(out)).code == 0
    text = pdf_text(out)
    assert "<b>Bold</b> &amp; <img src=x> title" in text
    assert "<script>alert(1)</script>" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["no-such-item", "-o", "x.pdf"], 'no item "no-such-item"'),
        (["pathway:no-such", "-o", "x.pdf"], 'no pathway "no-such"'),
        (["contacts", "-o", "x.txt"], ".pdf"),
        (["contacts"], "-o"),
    ],
)
def test_print_mistakes_are_usage_errors(cli, tmp_path: Path, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("print", *[str(tmp_path / a) if a.endswith((".pdf", ".txt")) else a for a in args])
    assert result.code == 2
    assert words in result.err and result.err.count("\n") == 1
    assert not list(tmp_path.glob("*.pdf"))


def test_an_unwritable_pdf_is_a_storage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("print", "contacts", "-o", str(tmp_path / "missing-folder" / "c.pdf"))
    assert result.code == 5
    assert result.err.count("\n") == 1


@needs_pdftotext
@pytest.mark.parametrize("name", ["adult-may-be-victim", "child-may-be-victim", "advice-now"])
def test_each_bundled_pathway_prints_every_step_as_a_checklist(
    cli, tmp_path: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    shown = json.loads(cli("pathway", "show", name, "--json").out)
    out = tmp_path / f"{name}.pdf"
    assert cli("print", f"pathway:{name}", "-o", str(out)).code == 0
    pages = _footer_on_every_page(out)
    footer = re.compile(re.escape(REVISION) + r".*?Page \d+ of \d+\.")
    text = " ".join(footer.sub("", page) for page in pages)  # a step may go over a page
    assert shown["title"] in text

    def squeeze(words: str) -> str:
        # Lines wrap anywhere, and the reader joins "Inter-" + "Agency" at a line's end.
        return words.replace(" ", "").replace("-", "")

    squeezed = squeeze(text)
    for number, step in enumerate(shown["steps"], 1):
        assert f"☐ Step {number}." in text
        assert squeeze(step["text"]) in squeezed
        for choice in step["choices"]:
            target = [s["id"] for s in shown["steps"]].index(choice["next"]) + 1
            assert squeeze(f"{choice['label']} → go to step {target}") in squeezed
    assert text.count("End of the pathway.") == sum(1 for s in shown["steps"] if not s["choices"])


def test_a_pathway_can_be_named_with_its_source(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "advice.pdf"
    assert cli("print", "pathway:hiow-msp:advice-now", "-o", str(out)).code == 0
    assert out.stat().st_size > 1000
