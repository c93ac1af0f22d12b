"""The command line contract of DESIGN.md §3: output, --json shapes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedmaker import feed_bytes, feed_document, item, newer_document, to_bytes
from msguide import __version__


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def loaded(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A home whose store holds the seed plus the test feed at sequence 1."""
    result = cli("import", write(tmp_path, "v1.json", feed_bytes()))
    assert result.code == 0, result.err
    return cli


def test_fresh_install_search_nrm_adult_lists_adult_guidance_first(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "nrm adult", "--json")
    assert result.code == 0
    hits = json.loads(result.out)
    assert hits[0]["id"] == "nrm-guidance-adult"
    assert hits[0]["url"].startswith("https://www.gov.uk/")
    for key in ("id", "title", "url", "kind", "snippet", "source", "score", "offline"):
        assert key in hits[0]
    text = cli("search", "nrm adult")
    assert text.code == 0
    first = text.out.splitlines()[0]
    assert first.startswith("1. National referral mechanism (NRM) guidance: adult")


def test_search_filters_and_limit(cli) -> None:  # type: ignore[no-untyped-def]
    contacts = json.loads(cli("search", "", "--kind", "contact", "--json", "--limit", "3").out)
    assert len(contacts) == 3 and {h["kind"] for h in contacts} == {"contact"}
    children = json.loads(
        cli("search", "", "--audience", "children", "--json", "--limit", "100").out
    )
    assert children and all(h["kind"] in ("resource", "news", "contact") for h in children)
    assert cli("search", "x", "--limit", "0").code == 2


def test_no_results_says_what_to_do(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "qqqqzzzz")
    assert result.code == 0 and "No results" in result.out


BAD_FEEDS = {
    "malformed.json": (b'{"version": "https://jsonfeed.org/version/1.1",, }', "not valid JSON"),
    "truncated.json": (feed_bytes()[:200], "truncated"),
    "wrong-version.json": (
        to_bytes(feed_document(version="https://jsonfeed.org/version/1")),
        "version:",
    ),
    "duplicate-id.json": (
        to_bytes(feed_document(items=[item("a", "A"), item("a", "B")])),
        "items[1].id:",
    ),
    "unknown-audience.json": (
        to_bytes(feed_document(items=[item("a", "A", audiences=["kids"])])),
        "items[0]._msguide.audiences[0]:",
    ),
    "hostile-url.json": (
        to_bytes(feed_document(items=[item("a", "A", url="javascript:alert(1)")])),
        'items[0].url: "javascript:alert(1)" is not an allowed link',
    ),
    "nan.json": (b'{"version": NaN}', "NaN"),
}


@pytest.mark.parametrize("name", sorted(BAD_FEEDS))
def test_bad_feed_exits_3_with_located_message_and_keeps_content(
    loaded,
    tmp_path: Path,
    name: str,  # type: ignore[no-untyped-def]
) -> None:
    before = loaded("search", "", "--json", "--limit", "500").out
    data, words = BAD_FEEDS[name]
    result = loaded("import", write(tmp_path, name, data))
    assert result.code == 3
    assert words in result.err
    assert result.err.count("\n") == 1  # one sentence
    assert loaded("search", "", "--json", "--limit", "500").out == before
    as_json = loaded("import", write(tmp_path, name, data), "--json")
    error = json.loads(as_json.out)["error"]
    assert as_json.code == 3 and error["exit_code"] == 3 and error["message"]


def test_oversized_feed_exits_3(loaded, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    result = loaded("import", str(big))
    assert result.code == 3 and "the most allowed is 20 MB" in result.err


def test_file_import_honours_the_policys_max_feed_mb(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """IT may let a large national feed be imported by file, as a sync of it would be."""
    policy = Path(os.environ["MSGUIDE_POLICY"])
    policy.write_text("[network]\nmax_feed_mb = 24\n", encoding="utf-8")
    padded = to_bytes(newer_document()) + b" " * (22 * 1024 * 1024)  # valid JSON, 22 MB
    result = loaded("import", write(tmp_path, "big.json", padded))
    assert result.code == 0, result.err
    assert "now at sequence 2" in result.out
    too_big = tmp_path / "too-big.json"
    with too_big.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)
    refused = loaded("import", str(too_big))
    assert refused.code == 3 and "the most allowed is 24 MB" in refused.err
    assert refused.err.count("\n") == 1  # one sentence


def test_newer_import_prints_counts_and_rollback_restores(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded("feed", "validate", write(tmp_path, "v2.json", to_bytes(newer_document())))
    assert loaded("import", str(tmp_path / "v1.json")).out.startswith(
        "test-source sequence 1: already up to date"
    )
    result = loaded("import", str(tmp_path / "v2.json"))
    assert result.code == 0
    assert "1 added, 1 changed, 1 removed" in result.out
    assert "~ National referral mechanism guidance: adult (summary)" in result.out
    as_json = json.loads(loaded("import", str(tmp_path / "v2.json"), "--json").out)
    assert as_json["applied"] is False and as_json["sequence"] == 2

    history = json.loads(loaded("history", "--json").out)
    mine = [h for h in history if h["source"] == "test-source"]
    assert [(h["sequence"], h["current"]) for h in mine] == [(2, True), (1, False)]
    for key in ("source", "sequence", "sha256", "imported_at", "origin", "signed", "current"):
        assert key in mine[0]

    back = json.loads(loaded("rollback", "test-source", "1", "--json").out)
    assert back["applied"] and back["added"] == ["ceraf"] and back["removed"] == ["duty-to-notify"]
    refused = loaded("import", str(tmp_path / "v1.json"), "--json")
    assert json.loads(refused.out)["applied"] is False


def test_lower_sequence_is_refused_with_exit_3(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded("import", write(tmp_path, "v2.json", to_bytes(newer_document())))
    result = loaded("import", write(tmp_path, "v0.json", feed_bytes(sequence=0)))
    assert result.code == 3 and "possible rollback" in result.err
    forced = loaded("import", str(tmp_path / "v0.json"), "--force")
    assert forced.code == 0


def test_export_round_trips(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "export.json"
    assert loaded("export", "--source", "test-source", "-o", str(out)).code == 0
    validated = loaded("feed", "validate", str(out), "--json")
    assert json.loads(validated.out)["items"] == 4
    assert loaded("export").code == 2  # two sources: must choose


def test_export_without_a_console_asks_for_a_file(
    loaded, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    from msguide.cli import main

    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", None)  # as in the windowed Windows program
    assert main(["export", "--source", "test-source"]) == 2
    assert "use -o FILE" in capsys.readouterr().err


def test_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("search").code == 2
    assert cli("rollback", "x", "not-a-number").code == 2
    assert cli("frobnicate").code == 2
    assert cli("import", "/no/such/file.json").code == 2


def test_doctor_json_shape(cli) -> None:  # type: ignore[no-untyped-def]
    cli("search", "x")  # first start installs the seed
    result = cli("doctor", "--json")
    report = json.loads(result.out)
    assert result.code == 0
    assert report["version"] == __version__
    assert set(report["paths"]) >= {"home", "store", "config", "cache", "log", "policy"}
    assert report["store"]["ok"] is True and report["store"]["items"] > 40


def test_sign_verify_and_keygen_commands(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret, public = tmp_path / "k.key", tmp_path / "k.pub"
    made = cli("feed", "keygen", "-s", str(secret), "-p", str(public), "--no-password")
    assert made.code == 0 and 'keys = ["RW' in made.out
    feed = write(tmp_path, "f.json", feed_bytes())
    assert cli("feed", "sign", feed, "-s", str(secret), "--no-password").code == 0
    assert Path(feed + ".minisig").exists()
    ok = cli("feed", "verify", feed, "-k", str(public))
    assert ok.code == 0 and "signed by key" in ok.out
    Path(feed).write_bytes(feed_bytes(sequence=5))
    assert cli("feed", "verify", feed, "-k", str(public)).code == 3


def test_real_entry_point_version_and_exit_codes(home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MSGUIDE_HOME": str(home)}
    version = subprocess.run(
        [sys.executable, "-m", "msguide", "--version"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert version.returncode == 0 and version.stdout.strip() == f"msguide {__version__}"
    bad = write(tmp_path, "bad.json", b"{")
    done = subprocess.run(
        [sys.executable, "-m", "msguide", "import", bad],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3 and "truncated" in done.stderr


def test_a_repaired_store_is_reported_once_on_stderr(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("search", "nrm").code == 0  # first start: the seed is installed
    store = home / "data" / "msguide.sqlite"
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    with store.open("r+b") as handle:  # garbage over page 2
        handle.seek(4096)
        handle.write(b"\xde\xad" * 2048)
    repaired = cli("search", "nrm", "--json")
    assert repaired.code == 0
    assert "msguide found its content store damaged" in repaired.err
    assert json.loads(repaired.out)  # content is back
    again = cli("search", "nrm")
    assert again.code == 0 and again.err == ""


def test_importing_an_expired_feed_says_it_may_be_out_of_date(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: an expired feed imported without a word; now every import result says so."""
    document = feed_document()
    document["_msguide"]["expires"] = "2025-06-01T00:00:00Z"
    path = tmp_path / "expired.json"
    path.write_bytes(to_bytes(document))
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2025-07-01T00:00:00Z")
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0 and "valid only until 2025-06-01, so it may be out of date" in dry.out
    done = cli("import", str(path), "--json")
    result = json.loads(done.out)
    assert done.code == 0 and result["expired"] is True and result["applied"] is True
    assert result["expires"] == "2025-06-01T00:00:00Z"
    again = cli("import", str(path))
    assert "already up to date" in again.out and "may be out of date" in again.out
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", "2025-05-01T00:00:00Z")
    assert "out of date" not in cli("import", str(path)).out  # not yet expired: no warning


def test_exporting_and_importing_again_is_the_content_you_already_have(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """Issue 14: the export's bytes differ from the imported feed's, so this was refused as
    "already imported with different content" (exit 3)."""
    source = tmp_path / "feed.json"
    source.write_bytes(feed_bytes())
    assert cli("import", str(source)).code == 0
    exported = tmp_path / "exported.json"
    assert cli("export", "--source", "test-source", "-o", str(exported)).code == 0
    assert exported.read_bytes() != source.read_bytes()
    again = cli("import", str(exported))
    assert again.code == 0, again.err
    assert "this is the content you already have" in again.out
    changed = json.loads(exported.read_bytes())
    changed["items"][0]["title"] = "Changed without a new sequence"
    exported.write_bytes(to_bytes(changed))
    refused = cli("import", str(exported))
    assert refused.code == 3 and "already imported with different content" in refused.err
