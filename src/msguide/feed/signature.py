"""Detached minisign signatures: verify a feed against pinned keys; make keys and signatures.

Uses py-minisign, whose output the standard `minisign` tool verifies and vice versa (tested in
tests/feed/test_signature_interop.py against Debian's minisign).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import minisign

from msguide.errors import FeedError, UntrustedFeedError

SignatureState = Literal["verified", "unsigned", "unverifiable"]


class ByteReader(Protocol):
    """An open file, or anything read like one."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """How a feed's signature was judged. `key_id` is minisign's 16 hex digits, upper-case."""

    state: SignatureState
    key_id: str | None = None
    trusted_comment: str = ""

    @property
    def signed(self) -> bool:
        return self.state == "verified"

    def describe(self) -> str:
        if self.state == "verified":
            return f"signed by key {self.key_id}"
        if self.state == "unverifiable":
            return f"signed by key {self.key_id}, which is not pinned, so not checked"
        return "unsigned"


def _public_key(text: str) -> minisign.PublicKey:
    text = text.strip()
    try:
        if "\n" in text:
            return minisign.PublicKey.from_bytes(text.encode())
        return minisign.PublicKey.from_base64(text)
    except (minisign.Error, ValueError) as error:
        raise FeedError(
            f"the public key {text[:20]!r}… is not a minisign public key ({error}); "
            "keys look like RWQ… (56 characters)"
        ) from None


def key_id_text(key_id: bytes) -> str:
    """A key id as minisign prints it: the little-endian number in hex, no leading zeros."""
    return format(int.from_bytes(key_id, "little"), "X")


def public_key_id(text: str) -> str:
    """The key id minisign prints for a public key (`RW…` base64 or a .pub file's text)."""
    key = _public_key(text)
    return key_id_text(bytes(key._keynum_pk.key_id))


def _signature(data: bytes) -> minisign.Signature:
    try:
        return minisign.Signature.from_bytes(data.strip())
    except (minisign.Error, ValueError, IndexError) as error:
        raise UntrustedFeedError(
            f"the signature file is not a minisign signature ({error}); "
            "publish the .minisig file that minisign or `msguide feed sign` wrote"
        ) from None


def signature_key_id(signature: bytes) -> str:
    return key_id_text(bytes(_signature(signature)._key_id))


def verify(
    data: bytes | ByteReader,
    signature: bytes | None,
    keys: Sequence[str],
    *,
    allow_unsigned: bool = False,
) -> SignatureStatus:
    """Judge `data` against its detached `signature` and the pinned `keys`.

    With keys pinned, only a valid signature by one of them passes. With none pinned, the feed
    passes only if `allow_unsigned`; a signature is then recorded but cannot be checked.
    `data` may be an open file, read from where it stands only when a pinned key must check
    it: a prehashed signature (minisign's "ED", what minisign >= 0.11 and `msguide feed sign`
    write) hashes it with BLAKE2b-512 in chunks, so a large feed is never held whole; a legacy
    "Ed" signature signs the message itself, so the file is read whole (it is bounded by the
    feed size limit).
    Raises `UntrustedFeedError` with a sentence a person can act on.
    """
    if not keys:
        if not allow_unsigned:
            raise UntrustedFeedError(
                "no signing key is pinned for this source and unsigned feeds are not allowed; "
                "ask IT to add the publisher's key to the policy file"
            )
        if signature is None:
            return SignatureStatus("unsigned")
        return SignatureStatus("unverifiable", signature_key_id(signature))
    if signature is None:
        raise UntrustedFeedError(
            "the feed is not signed, but this source requires a signature; "
            "it may have been replaced in transit, so it was not imported"
        )
    parsed = _signature(signature)
    wanted = bytes(parsed._key_id)
    for text in keys:
        key = _public_key(text)
        if bytes(key._keynum_pk.key_id) != wanted:
            continue
        try:
            key.verify(data, parsed)
        except minisign.Error:
            raise UntrustedFeedError(
                "the signature does not match the feed: it was changed after signing or the "
                "signature belongs to another file; it was not imported"
            ) from None
        return SignatureStatus("verified", key_id_text(wanted), parsed.trusted_comment)
    pinned = ", ".join(public_key_id(k) for k in keys)
    raise UntrustedFeedError(
        f"the feed is signed by key {key_id_text(wanted)}, which is not a trusted key "
        f"for this source (trusted: {pinned}); it was not imported"
    )


@dataclass(frozen=True, slots=True)
class KeyFiles:
    secret: bytes
    public: bytes
    public_base64: str
    key_id: str


def generate_keys(password: str | None) -> KeyFiles:
    """A new minisign key pair; the secret key is encrypted when a password is given."""
    pair = minisign.KeyPair.generate()
    if password:
        pair.secret_key.encrypt(password)
    public_b64 = pair.public_key.to_base64().decode()
    key_id = public_key_id(public_b64)
    # minisign prints key ids byte-reversed; match its comments so admins see one id everywhere.
    pair.public_key.untrusted_comment = f"minisign public key {key_id}"
    return KeyFiles(
        secret=bytes(pair.secret_key) + b"\n",
        public=bytes(pair.public_key) + b"\n",
        public_base64=public_b64,
        key_id=key_id,
    )


def sign(data: bytes, secret_key: bytes, password: str | None, *, file_name: str = "") -> bytes:
    """A detached signature of `data` in minisign's format (prehashed, as minisign ≥ 0.11)."""
    try:
        key = minisign.SecretKey.from_bytes(secret_key.strip())
        if key.is_encrypted():
            if not password:
                raise FeedError("the secret key is protected by a password; give the password")
            key.decrypt(password)
    except minisign.Error as error:
        raise FeedError(f"cannot use the secret key: {error} (wrong password?)") from None
    comment = f"timestamp:{int(time.time())}"
    if file_name:
        comment += f"\tfile:{file_name}\thashed"
    signature = key.sign(data, prehash=True, trusted_comment=comment)
    return bytes(signature) + b"\n"
