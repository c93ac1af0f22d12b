"""Helpers for the command-line contract tests: every command, hostile values, the rules."""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msguide.cli import build_parser
from msguide.feed.text import has_control_characters

DOCUMENTED_EXIT_CODES = {0, 2, 3, 4, 5}  # README "Exit codes"; 1 is a bug in msguide

# Arguments an attacker (or a slip of the keyboard) could give. Each once made a command
# crash, echo raw escapes, or print output that was not JSON (issue 14). No NUL: a real
# command line cannot carry one. No "../" paths: some commands write where they are told.
HOSTILE = (
    "\x1b]0;owned\x07\x1b[2J\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\u202egnp.json",
    "\udcff\udcfe.json",  # a name that is not UTF-8, as Python receives it
    "9" * 30,  # beyond 64 bits
    "-1",
    "",
    "https://[::1/feed.json",
    "http://127.attacker.example/feed.json",
    "A" * 5000,  # longer than any file name may be
)


def leaf_commands(
    parser: argparse.ArgumentParser | None = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command and tool (`feed verify`, …) with its parser, found in the real parser so
    that a new command is covered without touching the tests."""
    parser = parser or build_parser()
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if path:
        yield path, parser
    for group in groups:
        for name, sub in group.choices.items():
            yield from leaf_commands(sub, (*path, name))


def hostile_argv(path: tuple[str, ...], parser: argparse.ArgumentParser, value: str) -> list[str]:
    """`path` with `value` for every positional and every option that takes a value."""
    argv = list(path)
    takes_value = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            argv.append(value)  # an unknown tool name
            takes_value = True
        elif not action.option_strings and action.dest not in ("help",):
            argv.append(value)
            takes_value = True
        elif action.option_strings and action.nargs != 0 and action.dest not in ("help",):
            argv += [action.option_strings[-1], value]
            takes_value = True
    if not takes_value:
        argv.append(value)  # an argument the command does not take
    return argv


def has_json(parser: argparse.ArgumentParser) -> bool:
    return any("--json" in a.option_strings for a in parser._actions)


def store_fingerprint(path: Path) -> str:
    """Every row of the store (content, index, favourites), read without changing the file."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


def assert_contract(result: Any, *, as_json: bool) -> None:
    """A documented exit code, no traceback, nothing raw from the input, and on failure one
    sentence (or one JSON error object)."""
    both = result.out + result.err
    assert result.code in DOCUMENTED_EXIT_CODES, both
    assert "Traceback" not in both and 'File "' not in both, both
    assert not has_control_characters(both.replace("\n", "").replace("\t", "")), repr(both)
    if result.code == 0:
        return
    if as_json:
        error = json.loads(result.out)["error"]
        assert error["exit_code"] == result.code and error["message"], result.out
        assert "\n" not in error["message"]
    else:
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("msguide: "), result.err
