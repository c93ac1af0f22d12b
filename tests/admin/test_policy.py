"""The IT policy file: the documented example, broken files, the machine-wide file's rule."""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path

import pytest
from adminkit import PROJECT, write

from msguide.policy import Policy, load_policy, load_policy_file, parse_policy, read_policy
from msguide.policy_registry import POLICY_KINDS
from msguide.settings import SETTINGS, Settings

EXAMPLE = PROJECT / "docs" / "policy-example.toml"


def assert_safe_fallback(policy: Policy, *words: str) -> None:
    assert len(policy.problems) == 1
    problem = policy.problems[0]
    for word in words:
        assert word in problem, problem
    assert "safe defaults" in problem and "Tell your IT team" in problem
    assert policy.sources == ()
    assert policy.admin_tools is False
    assert policy.trust_for("anything").allow_unsigned is False


def test_the_documented_example_is_valid_and_complete() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    policy = load_policy_file(EXAMPLE)
    assert policy.problems == ()
    assert policy.origin == str(EXAMPLE)
    [source] = policy.sources
    assert (source.id, source.url, source.allow_unsigned) == (
        "hiow-msp",
        "https://example.org/msguide/feed.json",
        False,
    )
    assert len(source.keys) == 1 and source.keys[0].startswith("RW")
    assert policy.admin_tools is True
    assert policy.offline_attachments == "pinned"
    assert set(policy.locked) == {"sync.interval_hours", "offline.attachments", "sources"}
    # Every key the policy reads, and every setting it can lock, is explained there.
    for dotted in POLICY_KINDS:
        table, key = dotted.split(".")
        assert f"[{table}]" in text or f"[[{table}]]" in text, table
        assert f"{key} =" in text or f"{key} " in text, dotted
    for setting in SETTINGS:
        assert setting.name in text, setting.name
    assert Settings(Path("/nonexistent/settings.toml"), policy).problems == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[sync\ninterval_hours = 6\n", ["is not valid TOML", "line 1"]),
        (b"[sync]\ninterval_hours = 'often'\n", ["sync.interval_hours should be"]),
        (b"[sync]\ninterval_hours = 0\n", ["between 0.25 and 720"]),
        (b"[sync]\ninterval_hours = nan\n", ["between 0.25 and 720"]),
        (b"[admin]\ntools = 'no'\n", ["admin.tools should be bool"]),
        (b"[offline]\nattachments = 'some'\n", ["all, pinned or none"]),
        (b"[offline]\ncap_mb = -5\n", ["offline.cap_mb should be between"]),
        (b"[[sources]]\nurl = 'http://example.org/feed.json'\n", ["uses http://"]),
        (b"[[sources]]\nurl = 'ftp://example.org/feed.json'\n", ["must be an https:// address"]),
        (b"[[sources]]\nid = 'x'\n", ["sources[0].url should be str"]),
        (b"[[sources]]\nurl = 'https://e.org/f.json'\nkeys = 'RW'\n", ["keys should be list"]),
        (b"[[sources]]\nurl = 'https://e.org/f.json'\nkeys = ['RWQ']\n", ["id is missing"]),
        (b"sources = 'https://example.org'\n", ["sources should be list"]),
        (b"[locks]\nsettings = 'sync.interval_hours'\n", ["locks.settings should be list"]),
        (b"\xff\xfe\x00garbage\xc3", ["is not"]),
        (b"\x00\x01\x02\x03", ["is not valid TOML"]),
    ],
)
def test_a_broken_policy_file_falls_back_to_safe_defaults_with_a_message(
    tmp_path: Path, content: bytes, words: list[str]
) -> None:
    path = write(tmp_path / "msguide.toml", content)
    policy = load_policy(path)
    assert_safe_fallback(policy, str(path), *words)


def test_a_policy_that_cannot_be_read_falls_back_too(tmp_path: Path) -> None:
    folder = tmp_path / "msguide.toml"
    folder.mkdir()  # a folder where the file should be
    assert_safe_fallback(load_policy(folder), "cannot be read")


def test_no_policy_and_an_empty_policy_mean_open_defaults(tmp_path: Path) -> None:
    for policy in (
        load_policy(tmp_path / "missing.toml"),
        load_policy(write(tmp_path / "empty.toml", b"")),
        load_policy(write(tmp_path / "comment.toml", b"# nothing set yet\n[future]\nkey = 1\n")),
    ):
        assert policy.problems == ()
        assert policy.admin_tools is True
        assert policy.trust_for("any-source").allow_unsigned is True


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + "[admin]\ntools = false # ünïcode\n".encode(),
        codecs.BOM_UTF16_LE + "[admin]\ntools = false # ünïcode\n".encode("utf-16-le"),
    ],
    ids=["utf-8 with BOM", "utf-16 (Notepad's Unicode)"],
)
def test_files_saved_by_notepad_are_read(tmp_path: Path, encoded: bytes) -> None:
    policy = load_policy(write(tmp_path / "msguide.toml", encoded))
    assert policy.problems == ()
    assert policy.admin_tools is False


def test_the_machine_wide_file_counts_only_when_this_account_cannot_change_it(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "msguide.toml", b"[admin]\ntools = false\n")
    # The test runs with write access to its own file: on Windows that file would be ignored.
    ignored = read_policy(path, registry=None, machine_wide=True)
    assert ignored.admin_tools is True
    assert (
        ignored.problems and "ignored because this account can change it" in (ignored.problems[0])
    )
    assert str(path) in ignored.problems[0]
    protected = read_policy(path, registry=None, machine_wide=True, can_modify=lambda _p: False)
    assert protected.problems == () and protected.admin_tools is False
    # A file named explicitly (MSGUIDE_POLICY, tests, pilots) is not the shared one.
    assert read_policy(path, registry=None, machine_wide=False).admin_tools is False


def test_only_the_machine_wide_path_on_windows_is_treated_as_shared(tmp_path: Path) -> None:
    from msguide.policy import is_machine_wide, user_can_modify

    path = write(tmp_path / "msguide.toml", b"")
    assert is_machine_wide(path) is False  # never on Linux; on Windows only for ProgramData
    assert user_can_modify(path) is True


def test_locked_values_the_settings_cannot_take_and_unknown_locks_are_reported(
    tmp_path: Path,
) -> None:
    document = tomllib.loads(
        "[ui]\nzoom_percent = 'huge'\n[locks]\nsettings = ['ui.zoom_percent', 'sync.nope']\n"
    )
    policy = parse_policy(document, "policy.toml")
    settings = Settings(tmp_path / "settings.toml", policy)
    assert settings.get("ui.zoom_percent") == 100  # msguide's default, not the bad value
    assert any("locks a setting to a value it cannot take" in p for p in settings.problems)
    assert any('locks "sync.nope"' in p for p in settings.problems)
