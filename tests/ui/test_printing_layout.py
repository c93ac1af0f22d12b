"""The printed layouts themselves: a pathway as a checklist, and the footer's words."""

from __future__ import annotations

from pathlib import Path

from msguide.store.citation import ContentRevision
from msguide.ui.printing import PrintStep, footer_text, pathway_printout, write_pdf
from pdftext import needs_pdftotext, pdf_pages

REVISION = ContentRevision("src", "A Partnership", 7, "2026-11-28T00:00:00Z")


def test_the_footer_names_publisher_revision_dates_and_the_warning() -> None:
    assert footer_text((REVISION,), "2026-12-04T10:00:00Z") == (
        "A Partnership: content revision 7, published 28 November 2026 · Printed 4 December 2026"
        " · Check msguide for updates before relying on this."
    )


@needs_pdftotext
def test_a_pathway_prints_every_step_as_a_checklist(qapp: object, tmp_path: Path) -> None:
    steps = [
        PrintStep(
            "Is anyone in immediate danger?",
            choices=(("yes", 2), ("no", 3)),
        ),
        PrintStep("Call the police on 999.", cites=("Police emergency: 999",)),
        PrintStep(
            "Refer the child into the NRM.",
            cites=("NRM guidance for child first responders: https://www.gov.uk/nrm-child",),
        ),
    ]
    out = tmp_path / "pathway.pdf"
    pages = write_pdf(
        pathway_printout("A child may be a victim", "What to do first.", steps, REVISION),
        out,
        "2026-12-04T10:00:00Z",
    )
    assert pages == 1
    [text] = pdf_pages(out)
    assert "A child may be a victim" in text
    assert "☐ Step 1. Is anyone in immediate danger?" in text
    assert "yes → go to step 2 no → go to step 3" in text
    assert "See: Police emergency: 999" in text
    assert text.count("End of the pathway.") == 2
    assert "A Partnership: content revision 7" in text and "Page 1 of 1" in text
