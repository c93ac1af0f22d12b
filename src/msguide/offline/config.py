"""What to keep offline and how much: the policy's cap and the (lockable) user setting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from msguide.offline.cache import MEGABYTE, OfflineCache
from msguide.paths import Locations, locations
from msguide.policy import ATTACHMENT_POLICIES, AttachmentPolicy, Policy, load_policy
from msguide.settings import Settings
from msguide.store.db import Store


@dataclass(frozen=True, slots=True)
class OfflinePreferences:
    """`mode`: which documents sync downloads (all, pinned items' only, none) besides the
    items marked "Keep offline"; `cap_bytes`: the most the cache may hold (policy cap_mb)."""

    mode: AttachmentPolicy
    cap_bytes: int


def offline_preferences(
    where: Locations | None = None, policy: Policy | None = None
) -> OfflinePreferences:
    where = where or locations()
    policy = policy if policy is not None else load_policy(where.policy)
    mode = Settings(where.settings, policy).get("offline.attachments")
    if mode not in ATTACHMENT_POLICIES:
        mode = policy.offline_attachments
    return OfflinePreferences(cast(AttachmentPolicy, mode), policy.offline_cap_mb * MEGABYTE)


def open_cache(
    store: Store, where: Locations | None = None, preferences: OfflinePreferences | None = None
) -> OfflineCache:
    """The cache for `store` in the user's cache folder (Locations.attachments)."""
    where = where or locations()
    preferences = preferences or offline_preferences(where)
    return OfflineCache(store, where.attachments, preferences.cap_bytes)
