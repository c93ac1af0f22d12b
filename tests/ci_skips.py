"""Under MSGUIDE_NO_SKIPS=1 (.ci/run) a skipped test fails: a guarantee whose test cannot run on
the CI machine is not a guarantee. Only the platform skips in ALLOWED_SKIPS stay skips.
Loaded by tests/conftest.py."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

NO_SKIPS = "MSGUIDE_NO_SKIPS"  # .ci/run and the Windows workflow set it
# Skips that are right on a platform, by platform and words of the reason (documented in
# docs/reliability.md): anything else skipped under MSGUIDE_NO_SKIPS=1 is a failure.
ALLOWED_SKIPS: dict[str, tuple[str, ...]] = {
    "win32": (
        "needs fork and SIGKILL",  # the crash test forks; Windows has no fork
        "needs POSIX file-size limits",  # RLIMIT_FSIZE: disk_limit covers disk-full there
        "cannot make symbolic links without special rights",  # needs Developer Mode
    ),
}


# Skips that are right on any platform: a shallow clone holds no released version to run
# (tests/feed/test_released_version.py); a full clone, as CI makes, runs it.
ALLOWED_ANYWHERE: tuple[str, ...] = ("(a shallow clone?)",)


def skip_allowed(reason: str, platform: str = sys.platform) -> bool:
    allowed = ALLOWED_SKIPS.get(platform, ()) + ALLOWED_ANYWHERE
    return any(words in reason for words in allowed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get(NO_SKIPS) != "1" or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    if not skip_allowed(reason):
        report.outcome = "failed"
        report.longrepr = (
            f"{NO_SKIPS}=1: this test was skipped ({reason}), so the guarantee it proves was "
            f"not checked on this machine; install what it needs, or allow the skip for "
            f"{sys.platform} in tests/ci_skips.py ALLOWED_SKIPS with the reason documented"
        )
