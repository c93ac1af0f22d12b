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
        (b"[[sources]]\nid = 'x'\nurl = 'http://127.attacker.example/f.json'\n", ["uses http://"]),
        (b"[[sources]]\nid = 'x'\nurl = 'http://127.0.0.1.nip.io/f.json'\n", ["uses http://"]),
        (b"[[sources]]\nid = 'x'\n", ["sources[0].url should be str"]),
        (
            b"[[sources]]\nid = 'x'\nurl = 'https://e.org/f.json'\nkeys = 'RW'\n",
            ["keys should be list"],
        ),
        (
            b"[[sources]]\nid = 'x'\nurl = 'https://e.org/f.json'\nkeys = ['RWQ']\n",
            ['keys[0] "RWQ…" is not a minisign'],
        ),
        (
            b"[[sources]]\nid = 'x'\nurl = 'https://e.org/f.json'\n"
            b"keys = ['RWS6MefCRj6W9Q6WQcWyj27DzDNm4ljKI2OdW7xPTRQP0MaJ/E21aHN']\n",
            ["is not a minisign public key"],
        ),
        (b"[[sources]]\nurl = 'https://e.org/f.json'\nkeys = ['RWQ']\n", ["id is missing"]),
        (b"sources = 'https://example.org'\n", ["sources should be list"]),
        (b"[locks]\nsettings = 'sync.interval_hours'\n", ["locks.settings should be list"]),
        (b"\xff\xfe\x00garbage\xc3", ["is not"]),
        (b"[sync]\ninterval_hours = 1" + b"0" * 400 + b"\n", ["sync.interval_hours is far too"]),
        (b"[sync]\ninterval_hours = 1" + b"0" * 5000 + b"\n", ["a number far too long"]),
        (b"[[sources]]\nid = 'x'\nurl = 'https://[::1/feed.json'\n", ["not a valid web address"]),
        (b"[[sources]]\nid = 'x'\nurl = 'https://e.org:99999/f.json'\n", ["not a valid web"]),
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
        load_policy(write(tmp_path / "comment.toml", b"# nothing set yet\n")),
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


# Policy mistakes found by trying what a careless admin would write (issue 14).
PINNED = (
    "id = 'hiow-msp'\nurl = 'https://e.org/f.json'\n"
    "keys = ['RWS6MefCRj6W9Q6WQcWyj27DzDNm4ljKI2OdW7xPTRQP0MaJ/E21aHN6']\n"
)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[[source]]\n" + PINNED, ['the table or key "source"', 'did you mean "sources"']),
        ("[admin]\ntool = false\n", ['[admin] has a key "tool"', 'did you mean "tools"']),
        ("[sync]\ninterval_hour = 6\n", ['"interval_hour"', 'did you mean "interval_hours"']),
        ("[[sources]]\n" + PINNED + "key = []\n", ["[[sources]] number 1", '"key"']),
        ("admin_tools = false\n", ['"admin_tools"']),
        ("[future]\nkey = 1\n", ['"future"']),
        ("[ui]\nzoom = 150\n", ['[ui] has a key "zoom"']),
        ('["\\u001b]0;owned\\u0007\\u202e"]\nx = 1\n', ["\u241b]0;owned\u2407<U+202E>"]),
    ],
    ids=["[[source]]", "tool", "interval_hour", "sources-key", "top-level", "future", "ui", "esc"],
)
def test_an_unknown_table_or_key_makes_the_policy_broken(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    """A typo used to drop what IT meant silently (the pinned key, then unsigned feeds passed)."""
    path = write(tmp_path / "msguide.toml", content)
    policy = load_policy(path)
    assert_safe_fallback(policy, *words)
    assert "\x1b" not in policy.problems[0] and "\u202e" not in policy.problems[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "[[sources]]\nid = 'hiow-msp'\nurl = 'https://mirror.example/f.json'\n"
            "allow_unsigned = true\n[[sources]]\n" + PINNED,
            ['sources[1].id "hiow-msp" is listed twice'],
        ),
        (
            "[[sources]]\n" + PINNED + "[[sources]]\nid = 'other'\nurl = 'https://e.org/f.json'\n",
            ['sources[1].url "https://e.org/f.json" is listed twice'],
        ),
        (
            "[[sources]]\nurl = 'https://mirror.example/f.json'\nallow_unsigned = true\n",
            ["sources[0].id is missing"],
        ),
        ("[[sources]]\nurl = 'https://mirror.example/f.json'\n", ["sources[0].id is missing"]),
    ],
    ids=["duplicate-id", "duplicate-url", "no-id-unsigned", "no-id"],
)
def test_duplicate_sources_and_entries_without_an_id_make_the_policy_broken(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    """The first entry used to win (an allow_unsigned one undid the pinned key), and an entry
    without an id accepted any source's feed unsigned."""
    assert_safe_fallback(load_policy(write(tmp_path / "msguide.toml", content)), *words)


@pytest.mark.parametrize("opening", ["[", "{b = "])
def test_a_deeply_nested_policy_is_broken_not_a_crash(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    path = write(tmp_path / "msguide.toml", f"a = {opening * 50_000}1{closing * 50_000}\n")
    assert_safe_fallback(load_policy(path), str(path), "is n")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_or_a_huge_file_as_the_policy_is_broken_not_a_hang(tmp_path: Path) -> None:
    link = tmp_path / "msguide.toml"
    link.symlink_to("/dev/zero")
    assert_safe_fallback(load_policy(link), "not a regular file")
    big = write(tmp_path / "big.toml", b"# " + b"x" * 2 * 1024 * 1024 + b"\n")
    assert_safe_fallback(load_policy(big), "not a regular file of at most 1024 KB")
