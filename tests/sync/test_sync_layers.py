"""The sync logic stays Qt-free behind the transport interface; TLS checks are never disabled."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

QT_FREE = (
    "msguide.sync.transport, msguide.sync.accept, msguide.sync.steps, msguide.sync.state, "
    "msguide.sync.outcome, msguide.sync.messages, msguide.sync.schedule"
)


def test_the_sync_logic_does_not_load_qt() -> None:
    code = f"import sys, {QT_FREE}; print([m for m in sys.modules if m.startswith('PySide6')])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_no_source_file_switches_off_certificate_checks() -> None:
    """CHECKLISTS 10: nothing in src/ disables TLS verification or ignores TLS errors."""
    pattern = re.compile(
        r"verify\s*=\s*False|CERT_NONE|ignoreSslErrors|VerifyNone|check_hostname\s*=\s*False"
    )
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
