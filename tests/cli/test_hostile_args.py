"""Hostile arguments to every command (issue 14): one sentence, a documented exit code, no
traceback, nothing raw from the input on the terminal, and the store unchanged."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from clikit import (
    HOSTILE,
    assert_contract,
    has_json,
    hostile_argv,
    leaf_commands,
    store_fingerprint,
)

from feedmaker import feed_bytes
from msguide.feed.text import has_control_characters

COMMANDS = {path: parser for path, parser in leaf_commands() if path != ("gui",)}


@pytest.fixture
def ready(cli: Any, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A home whose store exists (the seed), run from an empty folder: commands that write
    where they are told (keygen, export, pack create) write there."""
    assert cli("history").code == 0
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return cli


def store_path(home: Path) -> Path:
    return home / "data" / "msguide.sqlite"


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_meets_the_contract_with_hostile_arguments(
    ready: Any, home: Path, path: tuple[str, ...]
) -> None:
    parser = COMMANDS[path]
    before = store_fingerprint(store_path(home))
    for value in HOSTILE:
        argv = hostile_argv(path, parser, value)
        assert_contract(ready(*argv), as_json=False)
        if has_json(parser):
            assert_contract(ready(*argv, "--json"), as_json=True)
    assert store_fingerprint(store_path(home)) == before


def test_every_command_is_covered() -> None:
    names = {" ".join(p) for p in COMMANDS}
    for expected in ("search", "import", "rollback", "feed verify", "offline keep", "doctor"):
        assert expected in names
    assert len(names) >= 20


# Each case below once failed (a traceback, a raw escape, or output that was not JSON).


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["search", "x", "--limit", "9" * 30], 2, "--limit: must be a whole number from 1"),
        (["search", "x", "--limit", "0"], 2, "--limit: must be a whole number from 1"),
        (["rollback", "hiow-msp", "9" * 30], 2, "SEQUENCE: must be a whole number from 0"),
        (["rollback", "hiow-msp", "-" + "9" * 30], 2, "must be a whole number"),
        (["import", "https://[::1/feed.json"], 2, "is not a valid web address"),
        (["import", "https://example.org:99999/f.json"], 2, "is not a valid web address"),
        (["import", "http://127.attacker.example/feed.json"], 2, "uses plain http://"),
        (["import", "http://127.0.0.1.nip.io/feed.json"], 2, "uses plain http://"),
    ],
)
def test_numbers_beyond_64_bits_and_malformed_urls_are_usage_errors(
    ready: Any, home: Path, argv: list[str], code: int, words: str
) -> None:
    before = store_fingerprint(store_path(home))
    result = ready(*argv)
    assert_contract(result, as_json=False)
    assert result.code == code and words in result.err, result.err
    assert store_fingerprint(store_path(home)) == before


def test_feed_verify_takes_a_long_key_as_a_key_not_a_file_name(ready: Any, tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(feed_bytes())
    signature = tmp_path / "feed.json.minisig"
    signature.write_bytes(b"untrusted comment: x\nRWQ\ntrusted comment: y\nAAAA\n")
    result = ready("feed", "verify", str(feed), "-k", "RW" + "Q" * 5000)
    assert_contract(result, as_json=False)
    assert result.code == 3 and "too long" not in result.err


def test_raw_escapes_from_arguments_are_shown_visibly(ready: Any) -> None:
    result = ready("import", "\x1b]0;owned\x07\u202e.json")
    assert result.code == 2
    assert result.err == "msguide: there is no file \u241b]0;owned\u2407<U+202E>.json\n"
    as_json = ready("import", "\x1b]0;owned\x07\u202e.json", "--json")
    message = json.loads(as_json.out)["error"]["message"]
    assert message == "there is no file \u241b]0;owned\u2407<U+202E>.json"


def test_json_errors_with_a_name_that_is_not_utf8_are_valid_json(ready: Any) -> None:
    """A lone surrogate (how Python holds a file name that is not UTF-8) crashed json.dump."""
    result = ready("import", "\udcff.json", "--json")
    error = json.loads(result.out)["error"]
    assert result.code == 2 and error["message"] == "there is no file <U+DCFF>.json"
    result.out.encode("utf-8")  # strictly encodable


def test_an_unexpected_error_is_one_sentence_and_its_traceback_goes_to_the_log(
    ready: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom \x1b[2J from deep inside")

    monkeypatch.setattr("msguide.store.history.history", broken)
    result = ready("history")
    assert result.code == 1
    assert result.err.startswith("msguide: msguide failed unexpectedly (RuntimeError)")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "msguide.log" in result.err
    as_json = json.loads(ready("history", "--json").out)["error"]
    assert as_json["code"] == "internal" and as_json["exit_code"] == 1
    logging.getLogger("msguide").handlers[-1].flush()
    log = (home / "logs" / "msguide.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom \u241b[2J from deep inside" in log
    assert "\x1b" not in log


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (PermissionError(13, "Permission denied", "/some/file"), 5, "/some/file: Permission"),
        (__import__("sqlite3").DatabaseError("file is not a database"), 5, "local store"),
        (RecursionError("maximum recursion depth exceeded"), 1, "RecursionError"),
    ],
)
def test_system_errors_map_to_documented_exit_codes(
    ready: Any, monkeypatch: pytest.MonkeyPatch, error: Exception, code: int, words: str
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("msguide.store.history.history", broken)
    result = ready("history")
    assert result.code == code and words in result.err, result.err
    assert result.err.count("\n") == 1


def test_a_policy_typo_refuses_unsigned_feeds_and_doctor_says_why(
    ready: Any, tmp_path: Path
) -> None:
    """[[source]] for [[sources]] silently dropped the pinned key: an unsigned feed imported
    with exit 0 and doctor said nothing (issue 14)."""
    Path(os.environ["MSGUIDE_POLICY"]).write_text(
        "[[source]]\nid = 'test-source'\nurl = 'https://e.org/f.json'\n"
        "keys = ['RWS6MefCRj6W9Q6WQcWyj27DzDNm4ljKI2OdW7xPTRQP0MaJ/E21aHN6']\n",
        encoding="utf-8",
    )
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_bytes(feed_bytes())
    refused = ready("import", str(unsigned))
    assert refused.code != 0
    assert json.loads(ready("history", "--source", "test-source", "--json").out) == []
    doctor = ready("doctor")
    assert "problem: The IT policy file" in doctor.out
    assert '"source" is not one msguide knows (did you mean "sources"?)' in doctor.out
    report = json.loads(ready("doctor", "--json").out)
    assert any('did you mean "sources"' in p for p in report["policy"]["problems"])


def test_doctor_reports_a_malformed_pinned_key(ready: Any, home: Path) -> None:
    settings = home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        "[[sources]]\nid = 'mine'\nurl = 'https://127.0.0.1:9/f.json'\nkeys = ['RWnotakey']\n",
        encoding="utf-8",
    )
    doctor = ready("doctor")
    assert "key problem: the public key 'RWnotakey'" in doctor.out
    report = json.loads(ready("doctor", "--json").out)
    [feed] = report["network"]["feeds"]
    assert "is not a minisign public key" in feed["key_problem"]
    Path(os.environ["MSGUIDE_POLICY"]).write_text(
        "[[sources]]\nid = 'x'\nurl = 'https://e.org/f.json'\nkeys = ['RWnotakey']\n",
        encoding="utf-8",
    )
    assert 'sources[0].keys[0] "RWnotakey…" is not a minisign public key' in ready("doctor").out


def test_doctor_shows_policy_problems_without_raw_escapes(ready: Any) -> None:
    Path(os.environ["MSGUIDE_POLICY"]).write_text(
        '["\\u001b]0;owned\\u0007\\u202e"]\nx = 1\n', encoding="utf-8"
    )
    doctor = ready("doctor")
    assert "\u241b]0;owned\u2407<U+202E>" in doctor.out
    assert not has_control_characters(doctor.out.replace("\n", ""))


@pytest.mark.parametrize(
    "argv",
    [["pack"], ["feed"], ["offline"], ["\x1b]0;owned\x07"], ["--bogus\u202e"], ["doctor", "\x1f"]],
    ids=["pack", "feed", "offline", "esc-command", "rlo-option", "doctor-unit-separator"],
)
def test_found_by_fuzzing_a_missing_tool_or_an_odd_word_is_one_usage_sentence(
    ready: Any, argv: list[str]
) -> None:
    """`msguide pack` printed the whole help; `doctor \\x1f` echoed the control raw."""
    result = ready(*argv)
    assert_contract(result, as_json=False)
    assert result.code == 2


def test_doctor_names_every_unknown_key_and_every_lock_problem(ready: Any) -> None:
    Path(os.environ["MSGUIDE_POLICY"]).write_text(
        "[admin]\ntool = false\n[sync]\ninterval_hour = 6\n", encoding="utf-8"
    )
    doctor = ready("doctor")
    assert '"tool" is not one msguide knows' in doctor.out
    assert '"interval_hour" is not one msguide knows' in doctor.out
    Path(os.environ["MSGUIDE_POLICY"]).write_text(
        "[ui]\nzoom_percent = 'huge'\n[locks]\nsettings = ['ui.zoom_percent', 'sync.nope']\n",
        encoding="utf-8",
    )
    doctor = ready("doctor")
    assert "settings problem: The IT policy" in doctor.out and 'locks "sync.nope"' in doctor.out
    assert "locks a setting to a value it cannot take" in doctor.out
    report = json.loads(ready("doctor", "--json").out)
    assert len(report["settings"]["problems"]) == 2
