"""User settings (`settings.toml`): declared once with type and default; IT policy locks win.

Read a value with `Settings.get(name)`: a setting locked by the policy returns the policy's
value whatever the user file says; `set` refuses locked settings. Window layout and similar
state is not a setting: the UI keeps it separately.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msguide.atomic import write_atomically
from msguide.errors import StorageError, UsageError
from msguide.policy import DEFAULT_SYNC_HOURS, Policy, SourcePolicy
from msguide.safetext import safe_text


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    kind: type
    default: Any
    label: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "sync.interval_hours",
        float,
        DEFAULT_SYNC_HOURS,
        "Check for new content every (hours)",
        minimum=0.25,
        maximum=720,
    ),
    Setting("sync.on_start", bool, True, "Check for new content when msguide starts"),
    Setting(
        "offline.attachments",
        str,
        "pinned",
        "Keep documents on this computer",
        choices=("all", "pinned", "none"),
    ),
    Setting("ui.zoom_percent", int, 100, "Text size (%)", minimum=50, maximum=300),
    Setting("ui.show_news", bool, True, "Show the news pane"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    if setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, setting.kind) or (
        setting.kind is not bool and isinstance(value, bool)
    ):
        raise ValueError(f"{setting.name} should be {setting.kind.__name__}")
    if setting.choices and value not in setting.choices:
        raise ValueError(f"{setting.name} should be one of {', '.join(setting.choices)}")
    numeric: Any = value
    if setting.minimum is not None and numeric < setting.minimum:
        raise ValueError(f"{setting.name} should be at least {setting.minimum}")
    if setting.maximum is not None and numeric > setting.maximum:
        raise ValueError(f"{setting.name} should be at most {setting.maximum}")
    return value


class Settings:
    """The user's settings file with the policy applied. Not thread-safe: one per thread."""

    def __init__(self, path: Path, policy: Policy) -> None:
        self.path = path
        self.policy = policy
        self.problems: list[str] = []
        self._values: dict[str, Any] = {}
        self._sources: list[SourcePolicy] = []
        self._load()
        self._check_locks()
        # Problems quote the files (lock names, TOML errors): shown in the window and the log.
        self.problems = [safe_text(p) for p in self.problems]

    def _check_locks(self) -> None:
        """Say when a lock names no setting or gives a value it cannot take (IT's typo)."""
        for name, value in self.policy.locked.items():
            setting = BY_NAME.get(name)
            if setting is None and name != "sources":
                self.problems.append(
                    f'The IT policy ({self.policy.origin}) locks "{name}", which is not a '
                    "setting msguide has; that lock does nothing. Tell your IT team."
                )
            elif setting is not None and value is not None:
                try:
                    _coerce(setting, value)
                except ValueError as error:
                    self.problems.append(
                        f"The IT policy ({self.policy.origin}) locks a setting to a value it "
                        f"cannot take ({error}); msguide uses the default. Tell your IT team."
                    )

    def _load(self) -> None:
        try:
            document = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            self.problems.append(
                f"Your settings file {self.path} cannot be read ({error}); "
                "msguide uses the defaults."
            )
            return
        for table, values in document.items():
            if table == "sources" or not isinstance(values, dict):
                continue
            for key, value in values.items():
                setting = BY_NAME.get(f"{table}.{key}")
                if setting is None:
                    continue
                try:
                    self._values[setting.name] = _coerce(setting, value)
                except ValueError as error:
                    self.problems.append(f"Ignored a setting: {error}.")
        for raw in document.get("sources", []) if isinstance(document.get("sources"), list) else []:
            if isinstance(raw, dict) and isinstance(raw.get("url"), str):
                keys = tuple(k for k in raw.get("keys", []) if isinstance(k, str))
                self._sources.append(
                    SourcePolicy(
                        url=raw["url"],
                        id=raw.get("id") if isinstance(raw.get("id"), str) else None,
                        keys=keys,
                        allow_unsigned=raw.get("allow_unsigned") is True,
                    )
                )

    def is_locked(self, name: str) -> bool:
        return self.policy.is_locked(name)

    def get(self, name: str) -> Any:
        setting = BY_NAME[name]
        if self.policy.is_locked(name):
            locked = self.policy.locked.get(name)
            if locked is not None:
                try:
                    return _coerce(setting, locked)
                except ValueError:
                    pass
            return self._policy_default(setting)
        return self._values.get(name, self._policy_default(setting))

    def _policy_default(self, setting: Setting) -> Any:
        if setting.name == "sync.interval_hours":
            return self.policy.sync_interval_hours
        if setting.name == "offline.attachments":
            return self.policy.offline_attachments
        return setting.default

    def set(self, name: str, value: Any) -> None:
        setting = BY_NAME.get(name)
        if setting is None:
            raise UsageError(f'there is no setting "{name}"')
        if self.is_locked(name):
            raise UsageError(
                f'"{setting.label}" is locked by your IT policy '
                f"({self.policy.origin}) and cannot be changed here"
            )
        try:
            self._values[name] = _coerce(setting, value)
        except ValueError as error:
            raise UsageError(str(error)) from None

    def sources(self) -> list[SourcePolicy]:
        """Feeds to sync: the policy's, then the user's own unless the policy locks sources."""
        if self.policy.is_locked("sources"):
            return list(self.policy.sources)
        known = {s.url for s in self.policy.sources}
        return list(self.policy.sources) + [s for s in self._sources if s.url not in known]

    def user_sources(self) -> list[SourcePolicy]:
        """The feeds the person added themselves (settings.toml), policy ones excluded."""
        return list(self._sources)

    def set_user_sources(self, sources: list[SourcePolicy]) -> None:
        if self.policy.is_locked("sources"):
            raise UsageError("the list of feeds is locked by your IT policy")
        self._sources = list(sources)

    def save(self) -> None:
        """Write the file atomically: a crash leaves the old or the new file, never half."""
        lines: list[str] = ["# msguide user settings; IT policy locks override these.", ""]
        tables: dict[str, list[str]] = {}
        for name, value in sorted(self._values.items()):
            table, key = name.split(".", 1)
            tables.setdefault(table, []).append(f"{key} = {_toml_value(value)}")
        for table, entries in tables.items():
            lines += [f"[{table}]", *entries, ""]
        for source in self._sources:
            lines.append("[[sources]]")
            if source.id:
                lines.append(f"id = {_toml_value(source.id)}")
            lines.append(f"url = {_toml_value(source.url)}")
            lines.append(f"keys = [{', '.join(_toml_value(k) for k in source.keys)}]")
            if source.allow_unsigned:
                lines.append("allow_unsigned = true")
            lines.append("")
        text = "\n".join(lines)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot save settings to {self.path}: {error.strerror or error}"
            ) from None
        write_atomically(self.path, text.encode("utf-8"))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text) + '"'
