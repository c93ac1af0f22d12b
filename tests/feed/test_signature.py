"""Signatures: pinned keys decide; msguide and Debian's minisign verify each other's output."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from msguide.errors import FeedError, UntrustedFeedError
from msguide.feed.signature import generate_keys, public_key_id, sign, verify

DATA = b'{"feed": "bytes"}\n'


@pytest.fixture(scope="module")
def keys():  # type: ignore[no-untyped-def]
    return generate_keys(None)


def test_valid_signature_by_pinned_key_verifies(keys) -> None:  # type: ignore[no-untyped-def]
    status = verify(DATA, sign(DATA, keys.secret, None), [keys.public_base64])
    assert status.signed and status.key_id == keys.key_id


def test_one_changed_byte_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    signature = sign(DATA, keys.secret, None)
    with pytest.raises(UntrustedFeedError, match="does not match the feed"):
        verify(DATA.replace(b"bytes", b"bytez"), signature, [keys.public_base64])


def test_signature_by_unpinned_key_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    other = generate_keys(None)
    with pytest.raises(UntrustedFeedError, match="not a trusted key"):
        verify(DATA, sign(DATA, other.secret, None), [keys.public_base64])


def test_missing_signature_with_pinned_keys_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UntrustedFeedError, match="not signed"):
        verify(DATA, None, [keys.public_base64])


def test_garbage_signature_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UntrustedFeedError, match="not a minisign signature"):
        verify(DATA, b"<html>404 not found</html>", [keys.public_base64])


def test_unsigned_needs_permission_when_no_key_is_pinned() -> None:
    with pytest.raises(UntrustedFeedError, match="unsigned feeds are not allowed"):
        verify(DATA, None, [])
    assert verify(DATA, None, [], allow_unsigned=True).state == "unsigned"


def test_encrypted_secret_key_needs_its_password() -> None:
    keys = generate_keys("correct horse")
    with pytest.raises(FeedError, match="protected by a password; give the password"):
        sign(DATA, keys.secret, None)
    with pytest.raises(FeedError, match="wrong password"):
        sign(DATA, keys.secret, "wrong")
    assert verify(DATA, sign(DATA, keys.secret, "correct horse"), [keys.public_base64]).signed


MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(
    MINISIGN is None and os.environ.get("MSGUIDE_REQUIRE_MINISIGN") != "1",
    reason="Debian's minisign is not installed (CI installs it: .ci/run)",
)


@needs_minisign
def test_msguide_signature_passes_minisign_verify(keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "feed.json"
    feed.write_bytes(DATA)
    (tmp_path / "feed.json.minisig").write_bytes(
        sign(DATA, keys.secret, None, file_name="feed.json")
    )
    (tmp_path / "key.pub").write_bytes(keys.public)
    done = subprocess.run(
        ["minisign", "-V", "-p", str(tmp_path / "key.pub"), "-m", str(feed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Signature and comment signature verified" in done.stdout


@needs_minisign
def test_minisign_signature_verifies_in_msguide(tmp_path: Path) -> None:
    public, secret = tmp_path / "m.pub", tmp_path / "m.key"
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(public), "-s", str(secret)],
        check=True,
        capture_output=True,
    )
    feed = tmp_path / "feed.json"
    feed.write_bytes(DATA)
    subprocess.run(
        ["minisign", "-S", "-s", str(secret), "-m", str(feed)], check=True, capture_output=True
    )
    signature = (tmp_path / "feed.json.minisig").read_bytes()
    status = verify(DATA, signature, [public.read_text()])
    assert status.signed
    assert public.read_text().splitlines()[0].endswith(status.key_id or "?")
    assert public_key_id(public.read_text().splitlines()[1]) == status.key_id
    with pytest.raises(UntrustedFeedError):
        verify(DATA + b" ", signature, [public.read_text()])
