"""The feed's download file is written, closed and removed off the thread that hands it the
body (the GUI thread in the window), and a failed write is said when the sync settles."""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import Any

import pytest

from msguide.errors import StorageError
from msguide.sync import download as download_module
from msguide.sync.download import Download


class _RecordingFile:
    """The real file, with the thread of every call to it noted (and a write that may fail)."""

    def __init__(self, real: Any, threads: list[str], fail: bool) -> None:
        self._real, self._threads, self._fail = real, threads, fail

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any) -> Any:
            self._threads.append(threading.current_thread().name)
            if name == "write" and self._fail:
                raise OSError(errno.ENOSPC, "No space left on device")
            return attribute(*args)

        return call


def _download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fail: bool = False
) -> tuple[Download, list[str]]:
    threads: list[str] = []
    real_fdopen = download_module.os.fdopen

    def recording_fdopen(descriptor: int, mode: str) -> _RecordingFile:
        return _RecordingFile(real_fdopen(descriptor, mode), threads, fail)

    monkeypatch.setattr(download_module.os, "fdopen", recording_fdopen)
    return Download(tmp_path), threads


def test_the_body_is_written_and_closed_off_the_thread_that_hands_it_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    download, threads = _download(tmp_path, monkeypatch)
    download(0, b"abc")
    download(3, b"def")
    download(0, b"restart ")  # the transport started the body again
    download(8, b"whole")
    download.finish()
    assert download.path.read_bytes() == b"restart whole"
    assert threads, "the file was never used"
    assert threading.current_thread().name not in threads
    download.discard()
    assert not download.path.exists()


def test_a_download_discarded_before_it_is_finished_is_removed_off_the_callers_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    download, threads = _download(tmp_path, monkeypatch)
    download(0, b"part of a body")
    download.discard()
    download._writer.join(timeout=10)
    assert not download.path.exists()
    assert threads, "the file was never used"
    assert threading.current_thread().name not in threads


def test_a_write_that_fails_is_said_when_the_download_is_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    download, _ = _download(tmp_path, monkeypatch, fail=True)
    download(0, b"abc")  # the caller never sees the failure: it is not its thread's
    with pytest.raises(StorageError, match="check the free space"):
        download.finish()
    download.discard()
    assert not download.path.exists()
