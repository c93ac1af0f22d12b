"""docs/feed.schema.json is generated from the parser's own rules and agrees with the parser."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from feedmaker import feed_document
from msguide.feed.format import json_schema
from msguide.feed.parse import DEFAULT_LIMITS

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "feed.schema.json"


def test_committed_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(DEFAULT_LIMITS.max_items), (
        "docs/feed.schema.json is stale: run `msguide feed schema -o docs/feed.schema.json`"
    )


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_valid_feed_passes_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(feed_document())) == []


def test_seed_feed_passes_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    seed = SCHEMA_FILE.parents[1] / "data" / "seed-feed.json"
    assert list(validator.iter_errors(json.loads(seed.read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("items", 0, "title"), "x" * 301),
        (("items", 0, "_msguide", "kind"), "blog"),
        (("items", 0, "url"), "javascript:alert(1)"),
        (("_msguide", "sequence"), -1),
        (("version",), "https://jsonfeed.org/version/1"),
        (("_msguide", "source", "id"), "Not A Slug"),
    ],
)
def test_schema_refuses_what_the_parser_refuses(
    validator: jsonschema.Draft202012Validator, path: tuple[object, ...], value: object
) -> None:
    doc = feed_document()
    target = doc
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    assert list(validator.iter_errors(doc)), f"schema accepted {path}={value!r}"


def test_publisher_guide_example_is_a_valid_feed() -> None:
    import re

    from msguide.feed.parse import parse

    guide = (SCHEMA_FILE.parent / "feed-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", guide, re.S)
    assert example is not None
    feed = parse(example.group(1).encode())
    assert [i.kind for i in feed.items] == ["resource", "contact"]
