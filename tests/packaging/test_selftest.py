"""`msguide --self-test`: passes on a complete bundle, names what is missing, writes nothing."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest
from frozen_app import Frozen, isolated_env

from feedmaker import feed_bytes, item
from msguide.selftest import (
    CHECKS,
    REQUIRED_FILES,
    _offscreen_unless_chosen,
    _platform_plugin_present,
    check_files,
)
from msguide.store.seed import build_seed


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def check_lines(output: str) -> dict[str, str]:
    """{check name: "ok" | "FAIL"} from the self-test's output."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        if status in ("ok", "FAIL"):
            found[rest.strip().split(":", 1)[0]] = status
    return found


def test_a_complete_bundle_passes_and_nothing_is_written(
    frozen: Frozen, bundle: Path, tmp_path: Path
) -> None:
    before = snapshot(bundle)
    done = frozen("--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(frozen," in done.stdout.splitlines()[0]
    results = check_lines(done.stdout)
    assert set(results.values()) == {"ok"} and len(results) == len(CHECKS)
    assert '"nrm adult" finds' in done.stdout
    assert "'offscreen' platform" in done.stdout  # chosen by the self-test: none was set
    assert "Self-test passed" in done.stdout
    assert done.stderr == ""  # the offscreen plugin's size-hints notice is not shown
    assert not (tmp_path / "home").exists()
    assert snapshot(bundle) == before  # the seed was opened read-only: no journal, no WAL


def test_it_writes_nothing_in_the_platform_folders(
    frozen: Frozen, bundle: Path, tmp_path: Path
) -> None:
    user = tmp_path / "user"
    user.mkdir()
    env = isolated_env(
        tmp_path,
        HOME=str(user),
        XDG_DATA_HOME=str(user / "data"),
        XDG_CONFIG_HOME=str(user / "config"),
        XDG_CACHE_HOME=str(user / "cache"),
        XDG_STATE_HOME=str(user / "state"),
    )
    del env["MSGUIDE_HOME"]
    done = frozen("--self-test", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"data folder: {user / 'data' / 'msguide'}" in done.stdout
    assert list(user.iterdir()) == []


def test_the_portable_marker_puts_the_data_folder_beside_the_program(
    frozen: Frozen, bundle: Path, tmp_path: Path
) -> None:
    (bundle.parent / "portable").touch()
    env = isolated_env(tmp_path)
    del env["MSGUIDE_HOME"]
    before = snapshot(bundle.parent)
    done = frozen("--self-test", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"data folder: {bundle.parent / 'data'} (portable)" in done.stdout
    assert snapshot(bundle.parent) == before


@pytest.mark.parametrize("missing", REQUIRED_FILES)
def test_each_missing_file_is_named(
    bundle: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert check_files().ok
    (bundle / missing).unlink()
    result = check_files()
    assert not result.ok and result.detail.startswith(f"missing {missing} (looked in {bundle})")


def test_a_missing_seed_fails_the_self_test(frozen: Frozen, bundle: Path) -> None:
    (bundle / "data" / "seed.sqlite").unlink()
    done = frozen("--self-test")
    assert done.returncode == 1
    assert "FAIL  bundled files: missing data/seed.sqlite" in done.stdout
    assert check_lines(done.stdout)["bundled content"] == "FAIL"
    assert "Self-test failed: 2 of" in done.stdout


def test_a_seed_where_search_finds_nothing_fails(frozen: Frozen, bundle: Path) -> None:
    feed = bundle / "data" / "seed-feed.json"
    feed.write_bytes(feed_bytes(items=[item("other", "Something else entirely")]))
    (bundle / "data" / "seed.sqlite").unlink()
    build_seed(feed, bundle / "data" / "seed.sqlite")
    done = frozen("--self-test")
    assert done.returncode == 1
    assert check_lines(done.stdout)["bundled content"] == "FAIL"
    assert 'for "nrm adult" found nothing' in done.stdout


def test_a_damaged_seed_fails_without_a_traceback(frozen: Frozen, bundle: Path) -> None:
    (bundle / "data" / "seed.sqlite").write_bytes(b"not a database" * 100)
    done = frozen("--self-test")
    assert done.returncode == 1
    assert check_lines(done.stdout)["bundled content"] == "FAIL"
    assert "Traceback" not in done.stdout + done.stderr


def test_a_missing_platform_plugin_fails_instead_of_aborting(
    frozen: Frozen, tmp_path: Path
) -> None:
    done = frozen("--self-test", env=isolated_env(tmp_path, QT_QPA_PLATFORM="nosuchplatform"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL  window: Qt's 'nosuchplatform' platform plugin is missing" in done.stdout
    assert "FAIL  icons: not checked, because Qt could not start" in done.stdout
    assert "Self-test failed" in done.stdout


def test_a_check_that_raises_is_reported_as_a_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    def check_boom() -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("msguide.selftest.CHECKS", (check_boom,))
    from msguide.selftest import run_self_test

    assert run_self_test() == 1
    out = capsys.readouterr().out
    assert "FAIL  boom: unexpected RuntimeError: kaboom" in out
    assert not home.exists()


def test_the_platform_it_chooses_is_not_left_for_child_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A browser or mail program started from msguide later must not inherit "offscreen".
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    with _offscreen_unless_chosen() as platform:
        assert platform == "offscreen" and os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert "QT_QPA_PLATFORM" not in os.environ
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb:dpi=96")
    with _offscreen_unless_chosen() as platform:
        assert platform == "xcb:dpi=96"
    assert os.environ["QT_QPA_PLATFORM"] == "xcb:dpi=96"


@pytest.mark.parametrize(
    ("platforms", "present"),
    [("offscreen", True), ("xcb:dpi=96", True), ("nosuch;offscreen", True), ("nosuch", False)],
)
def test_platform_plugins_are_found_by_name_arguments_and_fallbacks(
    platforms: str, present: bool
) -> None:
    assert _platform_plugin_present(platforms) is present


def _own_store(tmp_path: Path, bundle: Path) -> Path:
    """The person's store under the self-test's MSGUIDE_HOME: a copy of the bundled seed."""
    store = tmp_path / "home" / "data" / "msguide.sqlite"
    store.parent.mkdir(parents=True)
    store.write_bytes((bundle / "data" / "seed.sqlite").read_bytes())
    return store


def test_the_persons_own_store_is_checked_without_changing_it(
    frozen: Frozen, bundle: Path, tmp_path: Path
) -> None:
    """Issue 14: the self-test looked only at the bundle, never at the store in use."""
    store = _own_store(tmp_path, bundle)
    before = snapshot(store.parent)
    done = frozen("--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert check_lines(done.stdout)["your store"] == "ok"
    assert f"ok    your store: {store}: 4 items, search index sound" in done.stdout
    assert snapshot(store.parent) == before


@pytest.mark.parametrize("damage", ["garbage", "search-index"])
def test_a_damaged_own_store_fails_the_self_test_and_is_left_as_it_is(
    frozen: Frozen, bundle: Path, tmp_path: Path, damage: str
) -> None:
    store = _own_store(tmp_path, bundle)
    if damage == "garbage":
        with store.open("r+b") as handle:
            handle.seek(4096)
            handle.write(b"\x5a" * 4096)
    else:
        connection = sqlite3.connect(store)
        connection.execute("DELETE FROM items_fts_config")
        connection.commit()
        connection.close()
    before = snapshot(store.parent)
    done = frozen("--self-test")
    assert done.returncode == 1
    assert check_lines(done.stdout)["your store"] == "FAIL"
    assert "start msguide once to repair it" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert snapshot(store.parent) == before
