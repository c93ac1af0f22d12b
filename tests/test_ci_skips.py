"""Under MSGUIDE_NO_SKIPS=1 (.ci/run) a skipped guarantee fails the run, unless the skip is
allowed for the platform (tests/conftest.py ALLOWED_SKIPS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ci_skips import NO_SKIPS, skip_allowed

CONFTEST = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from ci_skips import pytest_runtest_makereport
"""
PROBE = """
import pytest

def test_skipped_at_run_time():
    pytest.skip("cannot check this here")

@pytest.mark.skipif(True, reason="cannot check this here either")
def test_skipped_by_a_mark():
    pass

@pytest.mark.skipif(True, reason="needs fork and SIGKILL")
def test_skipped_for_windows():
    pass
"""


def run_probe(tmp_path: Path, no_skips: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != NO_SKIPS}
    if no_skips is not None:
        env[NO_SKIPS] = no_skips
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_skips_fail_the_run_under_no_skips(tmp_path: Path) -> None:
    done = run_probe(tmp_path, "1")
    assert done.returncode == 1, done.stdout
    assert "FAILED test_probe.py::test_skipped_at_run_time" in done.stdout
    assert "ERROR test_probe.py::test_skipped_by_a_mark" in done.stdout
    if sys.platform == "win32":
        assert "SKIPPED" in done.stdout and "needs fork and SIGKILL" in done.stdout
    else:
        assert "test_skipped_for_windows" in done.stdout.split("short test summary")[1]
        assert "SKIPPED" not in done.stdout


def test_skips_stay_skips_elsewhere(tmp_path: Path) -> None:
    done = run_probe(tmp_path, None)
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("SKIPPED") == 3


def test_only_documented_platform_skips_are_allowed() -> None:
    assert skip_allowed("needs fork and SIGKILL", "win32")
    assert not skip_allowed("needs fork and SIGKILL", "linux")
    assert not skip_allowed("chattr +i is not supported here", "linux")
