"""The registry form of the policy (Group Policy on Windows), read through a fake on any system."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from adminkit import PROJECT, write

from msguide.policy import load_policy_file, read_policy
from msguide.policy_registry import (
    POLICY_ORIGIN,
    DictRegistry,
    RegistryValue,
    registry_document,
    snake_name,
)
from msguide.settings import Settings

EXAMPLE_REG = PROJECT / "docs" / "policy-example.reg"
EXAMPLE_TOML = PROJECT / "docs" / "policy-example.toml"
ROOT = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\msguide"


def parse_reg(text: str) -> DictRegistry:
    """A small reader of regedit's .reg format: REG_SZ, dword and hex(7) (REG_MULTI_SZ)."""
    tree: dict[str, Any] = {"values": {}, "keys": {}}
    node: dict[str, Any] | None = None
    text = re.sub(r"\\\r?\n\s*", "", text)  # join continued hex lines
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith((";", "Windows Registry")):
            continue
        if line.startswith("["):
            path = line[1:-1]
            assert path.startswith(ROOT), path
            node = tree
            for part in [p for p in path[len(ROOT) :].split("\\") if p]:
                node = node["keys"].setdefault(part, {"values": {}, "keys": {}})
            continue
        assert node is not None
        name, _, raw = line.partition("=")
        value: RegistryValue
        if raw.startswith('"'):
            value = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif raw.startswith("dword:"):
            value = int(raw[6:], 16)
        elif raw.startswith("hex(7):"):
            data = bytes(int(b, 16) for b in raw[7:].split(","))
            value = [s for s in data.decode("utf-16-le").split("\0") if s]
        else:
            raise AssertionError(f"unsupported value {raw}")
        node["values"][name.strip('"')] = value
    return DictRegistry(tree)


def test_the_reg_example_gives_the_same_policy_as_the_toml_example(tmp_path: Path) -> None:
    registry = parse_reg(EXAMPLE_REG.read_text(encoding="ascii"))
    from_registry = read_policy(tmp_path / "absent.toml", registry=registry, machine_wide=False)
    from_file = load_policy_file(EXAMPLE_TOML)
    assert from_registry.problems == ()
    assert from_registry.origin == POLICY_ORIGIN
    for name in ("sources", "sync_interval_hours", "offline_attachments", "offline_cap_mb"):
        assert getattr(from_registry, name) == getattr(from_file, name), name
    assert from_registry.admin_tools == from_file.admin_tools
    assert from_registry.locked == from_file.locked
    assert from_registry.network.max_feed_mb == from_file.network.max_feed_mb
    assert from_registry.network.stall_timeout_seconds == 30.0


def test_the_mapping_subkeys_numbered_lists_multi_strings_and_dwords() -> None:
    registry = DictRegistry(
        {
            "values": {"": "default value is ignored"},
            "keys": {
                "Sources": {
                    "keys": {
                        "1": {"values": {"Url": "https://b.example/f.json", "Id": "b"}},
                        "0": {
                            "values": {
                                "url": "https://a.example/f.json",
                                "Keys": "RWsingle",
                                "AllowUnsigned": "true",
                            }
                        },
                    }
                },
                "Sync": {"values": {"IntervalHours": "0.5", "OnStart": 0}},
                "UI": {"values": {"ZoomPercent": 150, "ShowNews": 1}},
                "Locks": {"values": {"Settings": ["ui.zoom_percent", "ui.show_news", ""]}},
                "Network": {"values": {"ExtraCAFile": "corp.pem", "MaxFeedMB": 40}},
            },
        }
    )
    kinds = {"ui.zoom_percent": int, "ui.show_news": bool, "sync.on_start": bool}
    document = registry_document(registry, kinds)
    assert document == {
        "sources": [
            {"url": "https://a.example/f.json", "keys": ["RWsingle"], "allow_unsigned": True},
            {"url": "https://b.example/f.json", "id": "b"},
        ],
        "sync": {"interval_hours": 0.5, "on_start": False},
        "ui": {"zoom_percent": 150, "show_news": True},
        "locks": {"settings": ["ui.zoom_percent", "ui.show_news"]},
        "network": {"extra_ca_file": ["corp.pem"], "max_feed_mb": 40},
    }


def test_locks_set_in_the_registry_win_over_the_user_setting(tmp_path: Path) -> None:
    registry = DictRegistry(
        {
            "keys": {
                "UI": {"values": {"ZoomPercent": 150, "ShowNews": 0}},
                "Locks": {"values": {"Settings": ["ui.zoom_percent", "ui.show_news"]}},
            }
        }
    )
    policy = read_policy(tmp_path / "absent.toml", registry=registry, machine_wide=False)
    user = write(tmp_path / "settings.toml", "[ui]\nzoom_percent = 90\nshow_news = true\n")
    settings = Settings(user, policy)
    assert settings.get("ui.zoom_percent") == 150
    assert settings.get("ui.show_news") is False
    assert settings.problems == []


def test_the_registry_wins_over_the_policy_file(tmp_path: Path) -> None:
    path = write(tmp_path / "msguide.toml", "[admin]\ntools = true\n")
    registry = DictRegistry({"keys": {"Admin": {"values": {"Tools": 0}}}})
    assert read_policy(path, registry=registry, machine_wide=True).admin_tools is False
    assert registry_document(_Absent(), {}) is None


class _Absent:
    """A registry without the policy key."""

    def values(self, path: str) -> dict[str, RegistryValue] | None:
        return None

    def subkeys(self, path: str) -> list[str]:
        return []


def test_no_policy_key_means_the_file_decides(tmp_path: Path) -> None:
    path = write(tmp_path / "msguide.toml", "[admin]\ntools = false\n")
    assert read_policy(path, registry=_Absent(), machine_wide=False).admin_tools is False


@pytest.mark.parametrize(
    ("tree", "words"),
    [
        ({"Admin": {"values": {"Tools": 2}}}, [r"msguide\Admin\Tools", "1 or 0"]),
        ({"Sync": {"values": {"IntervalHours": "soon"}}}, ["IntervalHours", "a number"]),
        ({"Sync": {"values": {"IntervalHours": b"\x01"}}}, ["binary value"]),
        ({"Locks": {"values": {"Settings": 7}}}, ["REG_MULTI_SZ"]),
        ({"Sources": {"keys": {"0": {"values": {"Url": 5}}}}}, [r"Sources\0\Url", "REG_SZ"]),
        ({"Sources": {"keys": {"0": {"values": {"Id": "x"}}}}}, ["sources[0].url"]),
        ({"Offline": {"values": {"Attachments": "some"}}}, ["all, pinned or none"]),
        ({"Admin": {"values": {"Tool": 0}}}, ['"tool"', 'did you mean "tools"']),
        ({"Source": {"keys": {"0": {"values": {"Id": "x"}}}}}, ['"source"', '"sources"']),
        (
            {"Sources": {"keys": {"0": {"values": {"Url": "https://e/f", "AllowUnsigned": 1}}}}},
            ["sources[0].id is missing"],
        ),
    ],
)
def test_a_broken_registry_policy_falls_back_to_safe_defaults(
    tmp_path: Path, tree: dict[str, Any], words: list[str]
) -> None:
    file_policy = write(tmp_path / "msguide.toml", "[admin]\ntools = true\n")
    policy = read_policy(file_policy, registry=DictRegistry({"keys": tree}), machine_wide=False)
    assert policy.origin == POLICY_ORIGIN
    assert len(policy.problems) == 1
    for word in words:
        assert word in policy.problems[0], policy.problems[0]
    assert POLICY_ORIGIN in policy.problems[0]
    assert policy.admin_tools is False  # not the file's "true": the registry policy is IT's
    assert policy.trust_for("any").allow_unsigned is False


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        ("IntervalHours", "interval_hours"),
        ("interval_hours", "interval_hours"),
        ("MaxFeedMB", "max_feed_mb"),
        ("ExtraCAFile", "extra_ca_file"),
        ("Url", "url"),
        ("UI", "ui"),
        ("allowInsecureHttp", "allow_insecure_http"),
    ],
)
def test_registry_names_become_policy_keys(name: str, snake: str) -> None:
    assert snake_name(name) == snake
