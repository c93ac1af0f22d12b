"""The policy's `[network]` table: defaults, relative CA paths, and refusals of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from msguide.policy import NetworkPolicy, load_policy


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "it" / "msguide.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_network_table_the_defaults_apply(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path, "")).network == NetworkPolicy()


def test_network_settings_are_read_and_ca_paths_resolved_beside_the_policy(tmp_path: Path) -> None:
    policy = load_policy(
        write(
            tmp_path,
            '[network]\nextra_ca_file = ["corp.pem", "/etc/ssl/other.pem"]\n'
            "stall_timeout_seconds = 12\ntransfer_timeout_seconds = 90.5\nmax_feed_mb = 64\n",
        )
    )
    assert policy.problems == ()
    assert policy.network == NetworkPolicy(
        extra_ca_files=(tmp_path / "it" / "corp.pem", Path("/etc/ssl/other.pem")),
        stall_timeout_seconds=12.0,
        transfer_timeout_seconds=90.5,
        max_feed_mb=64,
    )
    single = load_policy(write(tmp_path, '[network]\nextra_ca_file = "corp.pem"\n'))
    assert single.network.extra_ca_files == (tmp_path / "it" / "corp.pem",)


@pytest.mark.parametrize(
    "table",
    [
        "stall_timeout_seconds = 0",
        "transfer_timeout_seconds = 99999",
        "max_feed_mb = 0",
        'max_feed_mb = "20"',
        "extra_ca_file = 3",
    ],
)
def test_bad_network_values_leave_a_problem_and_safe_defaults(tmp_path: Path, table: str) -> None:
    policy = load_policy(write(tmp_path, f"[network]\n{table}\n"))
    assert policy.network == NetworkPolicy()
    assert policy.problems and "network." in policy.problems[0]
