"""Devices, pipes and links to them handed over as a feed, signature, pack or policy file are
refused in one sentence, quickly, without reading them (issue 14, defect 12).

Before, `/dev/zero` as a feed or `.minisig` was read until memory ran out and a named pipe was
waited on for ever; each test here unblocks a waiting pipe itself after a few seconds, so a
regression fails on the time taken instead of hanging the suite.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from feedmaker import feed_bytes
from msguide.errors import UsageError
from msguide.filereading import FileTooLargeError, read_regular_file
from msguide.policy import load_policy_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")

QUICK = 2.0


@contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A named pipe at `path`; if anything still waits on it after a few seconds, it gets a
    few bytes and an end, so a reader that waits fails the time limit instead of hanging."""
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        if done.wait(QUICK + 2):
            return
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.write(descriptor, b"{}")
        os.close(descriptor)

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    try:
        yield path
    finally:
        done.set()
        watchdog.join()


def assert_refused_quickly(run, *args: str, words: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = run(*args)
    # In this process, the wall clock: a wait on a pipe costs time but no CPU. A child's own
    # CPU time (its start-up included): reading a device costs that, and a busy machine only
    # stretches the wall clock around it.
    took = result.cpu if isinstance(result, Ran) else time.monotonic() - started
    assert took < QUICK, f"refused after {took:.2f} s"
    assert result.code == 2, result.err
    assert result.err.startswith("msguide: ") and result.err.count("\n") == 1, result.err
    assert words in result.err
    return result


@dataclass
class Ran:
    code: int
    err: str
    cpu: float  # seconds the child computed


def msguide_limited(*args: str) -> Ran:
    """`msguide ARGS` in a child with 1 GB of address space: reading /dev/zero without a
    bound then fails with a MemoryError there instead of exhausting the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "msguide", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Ran(done.returncode, done.stderr, cpu)


def test_a_device_is_not_read_as_a_feed(home: Path) -> None:
    assert_refused_quickly(msguide_limited, "import", "/dev/zero", words="/dev/zero is a device")
    assert_refused_quickly(msguide_limited, "feed", "validate", "/dev/zero", words="is a device")


def test_a_pipe_is_not_waited_on_as_a_feed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with fifo(tmp_path / "feed.json") as pipe:
        assert_refused_quickly(cli, "import", str(pipe), words="is a pipe, not a feed file")


def test_a_signature_that_links_to_a_device_or_pipe_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "feed.json"
    feed.write_bytes(feed_bytes())
    signature = tmp_path / "feed.json.minisig"
    signature.symlink_to("/dev/zero")
    words = "is a device, not a signature file"
    assert_refused_quickly(msguide_limited, "import", str(feed), words=words)
    signature.unlink()
    with fifo(tmp_path / "pipe") as pipe:
        signature.symlink_to(pipe)
        assert_refused_quickly(cli, "import", str(feed), words="is a pipe, not a signature file")


def test_a_pack_that_is_a_pipe_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with fifo(tmp_path / "pack.zip") as pipe:
        assert_refused_quickly(cli, "import", str(pipe), words="pack")


def test_a_policy_file_that_is_a_pipe_or_device_gives_the_safe_defaults(tmp_path: Path) -> None:
    with fifo(tmp_path / "policy.toml") as pipe:
        started = time.monotonic()
        policy = load_policy_file(pipe)
        assert time.monotonic() - started < QUICK
    assert policy.problems and "is not a regular file" in policy.problems[0]
    assert "is not a regular file" in load_policy_file(Path("/dev/null")).problems[0]


def test_the_reader_stops_at_its_bound_even_when_the_size_is_not_known(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.write_bytes(b"x" * 10)
    assert read_regular_file(small, 10) == b"x" * 10
    with pytest.raises(FileTooLargeError):
        read_regular_file(small, 9)
    with pytest.raises(UsageError, match="is a folder, not a feed"):
        read_regular_file(tmp_path, 10, what="a feed")


def test_a_file_name_too_long_for_the_system_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", "x" * 5000 + ".json")
    assert result.code == 2 and "is too long" in result.err
