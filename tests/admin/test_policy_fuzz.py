"""Fuzzing the policy loader (issue 14): new random examples on every run, bounded in time.

Whatever the file or registry holds, loading never raises, every problem is one safe
sentence, and a policy is either used whole (every name in it known, no duplicate source) or
replaced by the safe defaults. Examples that ever failed stay as explicit cases in
test_policy.py (deep nesting, huge numbers, malformed URLs, typos, duplicates, devices)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msguide.policy import Policy, load_policy_file, read_policy
from msguide.policy_registry import POLICY_KINDS, DictRegistry
from msguide.safetext import safe_text
from msguide.settings import SETTINGS

KNOWN = sorted({*POLICY_KINDS, *(s.name for s in SETTINGS)})
TABLES = sorted({name.split(".")[0] for name in KNOWN})
KEYS = sorted({name.split(".")[1] for name in KNOWN})
KEY = "RWS6MefCRj6W9Q6WQcWyj27DzDNm4ljKI2OdW7xPTRQP0MaJ/E21aHN6"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Names: the real ones, near misses and anything at all.
NAMES = st.one_of(
    st.sampled_from(TABLES + KEYS),
    st.sampled_from(TABLES + KEYS).map(lambda n: n[:-1] or "x"),
    st.text(min_size=1, max_size=12),
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://e.org/f.json",
            "http://127.attacker.example/f.json",
            "https://[::1/f.json",
            KEY,
            "RWnotakey",
            "hiow-msp",
            "pinned",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=3)),
    max_leaves=8,
)
SOURCE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["hiow-msp", "other"]),
        "url": st.sampled_from(["https://e.org/f.json", "https://m.example/f.json"]),
        "keys": st.lists(st.sampled_from([KEY, "RWnotakey"]), max_size=2),
        "allow_unsigned": st.booleans(),
    },
)
DOCUMENTS = st.dictionaries(
    NAMES,
    st.one_of(VALUES, st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=3)),
    max_size=4,
) | st.fixed_dictionaries({"sources": st.lists(SOURCE, max_size=3)})


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml(document: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in document.items())


def names_in(document: dict[str, Any]) -> set[str]:
    """Every table.key the document sets (sources' entries by their keys)."""
    names: set[str] = set()
    for table, value in document.items():
        entries = value if table == "sources" and isinstance(value, list) else [value]
        names.add(table)
        for entry in entries:
            if isinstance(entry, dict):
                names |= {f"{table}.{key}" for key in entry}
    return names


def assert_whole_or_safe(policy: Policy) -> None:
    for problem in policy.problems:
        assert problem == safe_text(problem) and "\n" not in problem
    if policy.problems and policy.origin != "defaults":
        assert policy.sources == () and policy.admin_tools is False
        assert policy.trust_for("any").allow_unsigned is False


@FUZZ
@given(data=st.binary(max_size=300))
def test_property_any_bytes_load_without_raising(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "msguide.toml"
    path.write_bytes(data)
    assert_whole_or_safe(load_policy_file(path))


@FUZZ
@given(document=DOCUMENTS)
def test_property_a_policy_is_used_whole_or_not_at_all(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    path = tmp_path / "msguide.toml"
    path.write_text(toml(document), encoding="utf-8")
    policy = load_policy_file(path)
    assert_whole_or_safe(policy)
    known = set(KNOWN) | set(TABLES)
    if not policy.problems:
        assert names_in(document) <= known, "an unknown name was ignored"
        ids = [s.id for s in policy.sources]
        assert None not in ids and len(set(ids)) == len(ids)
        assert len({s.url for s in policy.sources}) == len(ids)


@FUZZ
@given(document=DOCUMENTS)
def test_property_any_registry_tree_loads_without_raising(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    """The same documents as registry keys and values (REG_SZ, DWORD, MULTI_SZ, binary)."""

    def as_key(table: Any) -> dict[str, Any]:
        values: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        for name, value in table.items():
            if isinstance(value, dict):
                keys[str(name)] = as_key(value)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                keys[str(name)] = {"keys": {str(n): as_key(v) for n, v in enumerate(value)}}
            elif isinstance(value, list):
                values[str(name)] = [str(v) for v in value]
            elif isinstance(value, bool | int) and 0 <= int(value) < 2**32:
                values[str(name)] = int(value)
            elif isinstance(value, float):
                values[str(name)] = repr(value).encode()  # a binary value
            else:
                values[str(name)] = str(value)
        return {"values": values, "keys": keys}

    registry = DictRegistry(as_key(document))
    policy = read_policy(tmp_path / "absent.toml", registry=registry, machine_wide=False)
    assert_whole_or_safe(policy)
