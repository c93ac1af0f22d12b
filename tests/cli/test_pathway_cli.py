"""`msguide pathway list|show`: the bundled pathways, readable in a terminal and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from feedmaker import pathway_document, pathway_feed, to_bytes

BUNDLED = ["adult-may-be-victim", "child-may-be-victim", "advice-now"]


def test_list_shows_the_bundled_pathways(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("pathway", "list")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == BUNDLED
    assert "An adult may be a victim (10 steps, from hiow-msp)" in lines[0]
    as_json = cli("pathway", "list", "--json")
    entries = json.loads(as_json.out)
    assert [e["id"] for e in entries] == BUNDLED
    assert set(entries[0]) == {"source", "id", "title", "summary", "steps"}


def test_show_prints_every_step_choice_and_cited_item(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("pathway", "show", "adult-may-be-victim")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("An adult may be a victim\n")
    for step_id in ("start", "danger", "role", "age", "consent", "refer", "notify", "local"):
        assert f"[{step_id}] " in out
    assert "  2. No: they do not consent -> notify" in out
    assert "    - police-emergency: Police emergency, 999" in out
    assert "    - duty-to-notify: Duty to Notify" in out
    assert out.count("End of the pathway.") == 4
    assert max(len(line) for line in out.splitlines()) <= 80  # fits a terminal


def test_show_json_has_steps_choices_and_cited_ids(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("pathway", "show", "hiow-msp:child-may-be-victim", "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert shown["id"] == "child-may-be-victim" and shown["start"] == "start"
    steps = {s["id"]: s for s in shown["steps"]}
    assert steps["start"]["choices"][0] == {
        "label": "Yes: the child is in immediate danger",
        "next": "danger",
    }
    assert steps["ceraf"]["end"] is True and steps["ceraf"]["cites"][0] == "ceraf"
    assert shown["cited_items"]["ictg-assessment-line"]["phone"] == "0800 043 4303"


def test_an_unknown_pathway_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("pathway", "show", "no-such-pathway")
    assert result.code == 2
    assert 'there is no pathway "no-such-pathway"' in result.err
    assert result.out == ""


def test_an_id_two_sources_share_must_name_its_source(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "feed.json"
    feed.write_bytes(to_bytes(pathway_feed(pathway_document("advice-now"))))
    assert cli("import", str(feed)).code == 0
    result = cli("pathway", "show", "advice-now")
    assert result.code == 2
    assert "hiow-msp:advice-now" in result.err and "test-source:advice-now" in result.err
    chosen = cli("pathway", "show", "test-source:advice-now", "--json")
    assert json.loads(chosen.out)["title"] == "An adult may be a victim"


def test_feed_validate_counts_pathways(cli) -> None:  # type: ignore[no-untyped-def]
    seed = Path(__file__).resolve().parents[2] / "data" / "seed-feed.json"
    result = cli("feed", "validate", str(seed))
    assert result.code == 0 and result.out.rstrip().endswith("18 contacts), 3 pathways")
    assert json.loads(cli("feed", "validate", str(seed), "--json").out)["pathways"] == 3


def test_a_feed_with_a_looping_pathway_is_refused_with_exit_3_and_changes_nothing(
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(to_bytes(pathway_feed(pathway_document("first"))))
    assert cli("import", str(good)).code == 0
    before = cli("pathway", "list", "--json").out
    doc = pathway_feed(pathway_document("second"), sequence=2)
    doc["_msguide"]["pathways"][0]["_msguide"]["steps"][2]["choices"] = [
        {"label": "Start over", "next": "start"}
    ]
    bad = tmp_path / "bad.json"
    bad.write_bytes(to_bytes(doc))
    result = cli("import", str(bad))
    assert result.code == 3
    assert "_msguide.pathways[0]._msguide.steps[2].choices[0].next:" in result.err
    assert result.err.count("\n") == 1
    assert cli("pathway", "list", "--json").out == before
