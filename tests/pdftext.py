"""Read a PDF back with a real reader: `pdftotext` from Debian's poppler-utils.

CI installs it and sets MSGUIDE_REQUIRE_POPPLER=1 (.ci/run), so there a missing reader fails
the tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None and os.environ.get("MSGUIDE_REQUIRE_POPPLER") != "1",
    reason="poppler-utils (pdftotext) is not installed (CI installs it: .ci/run)",
)


def pdf_text(path: Path) -> str:
    """The PDF's text, one string, ligatures (ﬁ) and line breaks undone for easy matching."""
    assert PDFTOTEXT is not None, "pdftotext (Debian poppler-utils) is needed to read PDFs"
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    text = unicodedata.normalize("NFKC", done.stdout.decode("utf-8"))
    return " ".join(text.split())


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    assert PDFTOTEXT is not None
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    text = unicodedata.normalize("NFKC", done.stdout.decode("utf-8"))
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]
