"""`msguide sync` against real servers on 127.0.0.1: what it imports, refuses, and reports."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import FeedServer, Route, gzip_bomb
from syncing import PolicyWriter, publish, snapshot

from feedmaker import feed_document, item, newer_document, to_bytes
from msguide.feed.signature import KeyFiles, generate_keys, sign


def sync_json(cli: Any, expected_code: int = 0) -> dict[str, Any]:
    """Run `msguide sync --json` in-process and return the one source's object."""
    done = cli("sync", "--json")
    assert done.code == expected_code, done.out + done.err
    objects = json.loads(done.out)
    assert len(objects) == 1
    return objects[0]


def test_first_sync_imports_then_an_unchanged_feed_costs_one_304(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)

    first = sync_json(cli)
    assert first["status"] == "updated" and first["applied"] is True
    assert first["source"] == "test-source" and first["sequence"] == 1
    assert sorted(first["added"]) == ["ceraf", "helpline", "nrm-adult", "stats-2024"]
    assert first["signature"] == "verified" and first["expired"] is False
    assert server.requests_for("/feed.json")[0].headers["user-agent"].startswith("msguide/")
    before = snapshot(store_path)
    seen = len(server.seen)

    second = sync_json(cli)
    assert second["status"] == "unchanged" and second["applied"] is False
    assert "up to date" in second["message"]
    later = server.seen[seen:]
    assert [r.path for r in later] == ["/feed.json"], "one request, no signature fetch"
    assert later[0].headers["if-none-match"] == server.etag("/feed.json")
    assert snapshot(store_path) == before


def test_a_changed_feed_is_imported_and_the_diff_reported(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    sync_json(cli)
    publish(server, newer_document(), keys)

    done = cli("sync")
    assert done.code == 0, done.err
    assert "test-source: updated: Updated Test source to sequence 2" in done.out
    assert "(1 added, 1 changed, 1 removed)" in done.out
    assert "+ Duty to Notify" in done.out and "- Child exploitation" in done.out
    history = json.loads(cli("history", "--source", "test-source", "--json").out)
    assert [(r["sequence"], r["current"]) for r in history] == [(2, True), (1, False)]
    assert history[0]["origin"] == server.url() and history[0]["signed"] is True


def test_equal_sequence_with_identical_bytes_is_a_silent_no_op(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    publish(server, feed_document(), keys, etag=None)  # no ETag: every sync downloads in full
    policy.source(server.url(), keys)
    sync_json(cli)
    before = snapshot(store_path)

    again = sync_json(cli)
    assert again["status"] == "unchanged" and again["applied"] is False
    assert "if-none-match" not in server.requests_for("/feed.json")[-1].headers
    assert snapshot(store_path) == before


# --- every failure: the right exit code and sentence, and the store byte-identical ----------

FailureSetup = Callable[[FeedServer, KeyFiles], None]


def _server_error(server: FeedServer, keys: KeyFiles) -> None:
    server.routes["/feed.json"] = Route(b"Internal error", status=500)


def _reset(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, newer_document(), keys, behaviour="reset")


def _stall(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, newer_document(), keys, behaviour="stall")


def _truncated(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, newer_document(), keys, behaviour="truncate")


def _over_cap(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, b'{"pad": "' + b"x" * 1_200_000 + b'"}', keys)


def _gzip_bomb(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, b"{}", keys, behaviour="gzip", raw_gzip=gzip_bomb(64 * 1024 * 1024))


def _invalid_json(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, to_bytes(newer_document())[:-40], keys)


def _bad_signature(server: FeedServer, keys: KeyFiles) -> None:
    raw = to_bytes(newer_document())
    publish(server, raw.replace(b"Duty to Notify", b"Duty to Notifx"), None)
    server.routes["/feed.json.minisig"] = Route(sign(raw, keys.secret, None))


def _missing_signature(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, newer_document(), None)


def _unpinned_key(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, newer_document(), generate_keys(None))


def _lower_sequence(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, feed_document(sequence=1), keys)


def _same_sequence_other_bytes(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, feed_document(sequence=2, title="Changed without a new sequence"), keys)


def _other_source(server: FeedServer, keys: KeyFiles) -> None:
    publish(server, feed_document(sequence=3, source_id="other-source"), keys)


FAILURES: list[tuple[str, FailureSetup, int, str, str]] = [
    ("server 500", _server_error, 4, "failed", "had a problem (HTTP 500)"),
    ("connection reset", _reset, 4, "failed", "was lost during the download"),
    ("stall after headers", _stall, 4, "failed", "stopped responding"),
    ("short Content-Length", _truncated, 4, "failed", "was lost during the download"),
    ("body over the cap", _over_cap, 4, "failed", "larger than the 1.0 MB allowed"),
    ("gzip bomb", _gzip_bomb, 4, "failed", "was not downloaded"),
    ("invalid JSON", _invalid_json, 3, "refused", "Refused the feed"),
    ("one byte changed", _bad_signature, 3, "refused", "signature does not match the feed"),
    ("missing signature", _missing_signature, 3, "refused", "the feed is not signed"),
    ("unpinned key", _unpinned_key, 3, "refused", "which is not a trusted key"),
    ("lower sequence", _lower_sequence, 3, "refused", "refused as a possible rollback"),
    ("same sequence", _same_sequence_other_bytes, 3, "refused", "with different content"),
    ("another source", _other_source, 3, "refused", 'belongs to source "other-source"'),
]


@pytest.mark.parametrize(
    ("setup", "code", "status", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in FAILURES],
)
def test_a_failed_sync_explains_itself_and_leaves_the_store_unchanged(
    cli: Any,
    server: FeedServer,
    policy: PolicyWriter,
    keys: KeyFiles,
    store_path: Path,
    setup: FailureSetup,
    code: int,
    status: str,
    fragment: str,
) -> None:
    policy.source(server.url(), keys, network={"stall_timeout_seconds": 0.5, "max_feed_mb": 1})
    publish(server, feed_document(sequence=2), keys)
    assert sync_json(cli)["status"] == "updated"
    before = snapshot(store_path)
    setup(server, keys)

    outcome = sync_json(cli, expected_code=code)

    assert outcome["status"] == status
    assert fragment in outcome["message"]
    assert "the content from 2025-04-01 is still shown" in outcome["message"].lower()
    assert outcome["error"]["exit_code"] == code
    assert outcome["sequence"] == 2 and outcome["applied"] is False
    assert snapshot(store_path) == before
    text = cli("sync")
    assert text.code == code and fragment in text.err and text.err.startswith("msguide: ")


def test_a_refused_feed_is_downloaded_again_next_time(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    """The ETag of a refused feed is not remembered, so a 304 cannot hide the refusal."""
    policy.source(server.url(), keys)
    publish(server, feed_document(), keys)
    sync_json(cli)
    accepted_etag = server.etag("/feed.json")
    _missing_signature(server, keys)
    sync_json(cli, expected_code=3)
    assert sync_json(cli, expected_code=3)["status"] == "refused"
    last = server.requests_for("/feed.json")[-1]
    assert last.headers["if-none-match"] == accepted_etag != server.etag("/feed.json")


def test_a_store_restored_to_older_content_is_not_trusted_to_a_304(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    sync_json(cli)
    store_path.unlink()  # as if the store had been rebuilt from the bundled seed

    again = sync_json(cli)
    assert again["status"] == "updated" and again["sequence"] == 1
    assert "if-none-match" not in server.requests_for("/feed.json")[-1].headers


def test_an_unreachable_server_is_offline_and_says_which_content_is_shown(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, store_path: Path
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    sync_json(cli)
    before = snapshot(store_path)
    # A port that nothing listens on: bound, never listening, and kept until the sync is done,
    # so no server another test (or process) starts meanwhile can be given it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
        policy.source(f"http://127.0.0.1:{closed_port}/feed.json", keys)
        outcome = sync_json(cli, expected_code=4)
    assert outcome["status"] == "offline" and outcome["source"] == "test-source"
    assert "the content from 2025-04-01 is still shown" in outcome["message"]
    assert outcome["content_date"] == "2025-04-01T09:00:00Z"
    assert snapshot(store_path) == before


def test_an_expired_feed_is_accepted_when_newer_and_reported_out_of_date(
    cli: Any,
    server: FeedServer,
    policy: PolicyWriter,
    keys: KeyFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy.source(server.url(), keys)
    publish(server, feed_document(), keys)
    sync_json(cli)
    expiring = newer_document()
    expiring["_msguide"]["expires"] = "2025-06-01T00:00:00Z"
    publish(server, expiring, keys)
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2025-07-01T00:00:00Z")

    outcome = sync_json(cli)
    assert outcome["status"] == "updated" and outcome["expired"] is True
    assert "content may be out of date" in outcome["message"]
    assert "2025-06-01" in outcome["message"]
    again = sync_json(cli)  # a 304 still says so: the content shown is past its date
    assert again["status"] == "unchanged" and again["expired"] is True
    assert "content may be out of date" in again["message"]
    found = cli("search", "Duty", "--source", "test-source", "--json")
    assert [hit["id"] for hit in json.loads(found.out)] == ["duty-to-notify"]


def test_no_configured_sources_is_said_plainly(cli: Any, policy: PolicyWriter) -> None:
    policy.write([])
    done = cli("sync")
    assert done.code == 0
    assert "No feeds are configured, so there is nothing to sync" in done.out
    as_json = cli("sync", "--json")
    assert as_json.code == 0 and json.loads(as_json.out) == []


def test_several_sources_each_report_and_the_worst_failure_sets_the_exit_code(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    publish(server, feed_document(), keys)
    publish(server, feed_document(source_id="local", items=[item("a", "Local")]), None, "/l.json")
    policy.write(
        [
            {"id": "test-source", "url": server.url(), "keys": [keys.public_base64]},
            {"id": "local", "url": server.url("/l.json"), "keys": [keys.public_base64]},
        ]
    )
    done = cli("sync", "--json")
    assert done.code == 3
    by_source = {o["source"]: o for o in json.loads(done.out)}
    assert by_source["test-source"]["status"] == "updated"
    assert by_source["local"]["status"] == "refused"


def test_a_users_own_source_cannot_stand_in_for_a_policy_source(
    cli: Any, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, home: Path
) -> None:
    """Cross-feed substitution through settings.toml: the policy's keys still decide."""
    publish(server, feed_document(), None, "/mirror.json")
    policy.source(server.url("/publisher-is-down.json"), keys)
    settings = home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        f'[[sources]]\nurl = "{server.url("/mirror.json")}"\nallow_unsigned = true\n'
    )
    done = cli("sync", "--json")
    assert done.code == 3
    outcomes = {o["url"]: o for o in json.loads(done.out)}
    mirror = outcomes[server.url("/mirror.json")]
    assert mirror["status"] == "refused" and "not signed" in mirror["message"]
    assert json.loads(cli("history", "--source", "test-source", "--json").out) == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("published", "0001-01-01T00:30:00+05:00", "is before the year 1 in UTC"),
        ("expires", "2025-01-01T00:00:00Z", "cannot expire before it is published"),
    ],
)
def test_a_feed_with_impossible_dates_is_refused_by_a_sync_and_the_content_kept(
    cli: Any,
    server: FeedServer,
    policy: PolicyWriter,
    keys: KeyFiles,
    store_path: Path,
    field: str,
    value: str,
    words: str,
) -> None:
    """Issue 14: a date overflowing in UTC crashed the sync (OverflowError); a feed expiring
    before its publication was presented as current."""
    policy.source(server.url(), keys)
    publish(server, feed_document(), keys)
    sync_json(cli)
    before = snapshot(store_path)
    broken = newer_document()
    broken["_msguide"][field] = value
    publish(server, broken, keys)
    outcome = sync_json(cli, expected_code=3)
    assert outcome["status"] == "refused" and words in outcome["message"]
    assert snapshot(store_path) == before


def test_a_users_source_without_an_id_cannot_take_over_a_source_under_a_broken_policy(
    cli: Any, server: FeedServer, home: Path
) -> None:
    """An id-less allow_unsigned entry accepted whatever source its server claimed (issue 14).
    Its feed must also pass the policy's trust for that source: under a broken policy (safe
    defaults) an unsigned feed is refused, so the bundled content stays."""
    publish(server, feed_document(source_id="hiow-msp", sequence=99_999), None, "/mirror.json")
    Path(os.environ["MSGUIDE_POLICY"]).write_text("[admin]\ntool = false\n", encoding="utf-8")
    settings = home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        f'[[sources]]\nurl = "{server.url("/mirror.json")}"\nallow_unsigned = true\n'
    )
    before = cli("history", "--source", "hiow-msp", "--json").out
    done = cli("sync", "--json")
    assert done.code == 3, done.out + done.err
    [outcome] = json.loads(done.out)
    assert outcome["status"] == "refused" and "unsigned feeds are not allowed" in outcome["message"]
    assert cli("history", "--source", "hiow-msp", "--json").out == before
