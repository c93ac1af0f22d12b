"""The Windows pipeline (.github/workflows/windows.yml) passes actionlint, and does what
docs/deploying.md says it does. It runs on a Windows runner only; here it is checked on paper."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
WORKFLOW = PROJECT / ".github" / "workflows" / "windows.yml"


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
        "actionlint"
    )
    if found is None:
        # Fails under MSGUIDE_NO_SKIPS (.ci/run): the [test] extra installs it.
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_windows_workflow_passes_actionlint() -> None:
    done = lint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "windows.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    broken.write_text(text.replace("${{ github.ref }}", "${{ github.no_such_thing }}"))
    assert lint(broken).returncode != 0


def test_the_workflow_covers_each_step_the_docs_promise() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for step in (
        "runs-on: windows-latest",
        "pytest",  # the test suite
        "pyinstaller --noconfirm --clean",  # the bundle
        "iscc installer\\msguide.iss",  # the Inno Setup installer
        '"/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER"',  # per-user install
        "--self-test",  # of the bundle and of the installed program
        "HKLM:\\SOFTWARE\\Policies\\msguide",  # the IT policy in the registry
        "HKCU:\\SOFTWARE\\Policies\\msguide",  # and a user's key, which must not count
        "unins000.exe",  # silent uninstall
        "MSGUIDE_NO_SKIPS",
    ):
        assert step in text, step
