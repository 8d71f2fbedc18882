"""The learner's settings: names, meanings and valid values (stored in the progress database).

The single place that says what a valid setting is: ``dlquiz config`` and
``dlquiz import`` both check values here. Scheduling settings and the time
zone travel with an export; preferences about this machine (bank paths) are
``local`` and stay.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dlquiz.days import learner_zone, zone_name, zone_named
from dlquiz.errors import DlquizError, SettingError
from dlquiz.record import record

_YES, _NO = ("yes", "true", "on", "1"), ("no", "false", "off", "0")


@record(frozen=True)
class Setting:
    """One setting of ``dlquiz config``: its name, help, kind and default."""

    name: str
    help: str
    kind: type[int] | type[float] | type[str] | type[bool] | type[list[str]]  # str: a time zone name; list: bank paths
    lo: float = 0
    hi: float = 0
    default: Any = None
    local: bool = False  # about this machine: never exported nor imported

    @property
    def valid(self) -> str:
        if self.kind is str:
            return "an IANA time zone name such as Europe/Berlin"
        if self.kind is bool:
            return "yes or no"
        if self.kind is list:
            return f"existing bank files or folders separated by '{os.pathsep}'"
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {self.lo:g} to {self.hi:g}"

    def show(self, value: Any) -> str:
        if self.kind is bool:
            return "yes" if value else "no"
        if self.kind is list:
            return os.pathsep.join(value) if value else "(none)"
        return str(value)

    def accepts(self, value: object) -> bool:
        """Is ``value`` (from JSON or parsed text) a valid value of this setting?"""
        if self.kind is str:
            if not isinstance(value, str):
                return False
            try:
                zone_named(value)
            except DlquizError:
                return False
            return True
        if self.kind is bool:
            return isinstance(value, bool)
        if self.kind is list:
            return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.kind is int and not isinstance(value, int):
            return False
        return self.lo <= value <= self.hi


TIMEZONE = "timezone"

SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "desired_retention", "chance of remembering a question when it comes due", float, 0.7, 0.99, default=0.9
        ),
        Setting("new_per_day", "new questions introduced per day", int, 0, 1000, default=20),
        Setting("reviews_per_day", "reviews of seen questions per day", int, 0, 10000, default=200),
        Setting(TIMEZONE, "your time zone: days start at midnight there", str),
        Setting(
            "bank_paths",
            "bank files or folders every command loads, as if given with --bank",
            list,
            default=[],
            local=True,
        ),
        Setting("bundled_banks", "load the banks that come with dlquiz", bool, default=True, local=True),
    )
}
# The scheduler's settings and their defaults (dlquiz.schedule reads them from here).
DEFAULTS: dict[str, float | int] = {
    name: SETTINGS[name].default for name in ("desired_retention", "new_per_day", "reviews_per_day")
}


def parse_setting(name: str, text: str) -> Any:
    """The value of ``name`` given as text; SettingError (a usage error) naming what is valid otherwise."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(f"unknown setting '{name}'; the settings are {', '.join(SETTINGS)}")
    if setting.kind is str:
        try:
            return zone_named(text).key
        except DlquizError as error:  # its one line names the zone
            raise SettingError(str(error)) from None
    value: Any = None
    if setting.kind is bool:
        value = True if text.lower() in _YES else False if text.lower() in _NO else None
    elif setting.kind is list:
        paths = [Path(p).expanduser() for p in text.split(os.pathsep) if p.strip()]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise SettingError(f"{name}: no such file or folder: {missing[0]}")
        # Absolute, so the banks load the same from any working folder.
        value = [str(p.resolve()) for p in paths]
    else:
        try:
            value = setting.kind(text)
        except ValueError:
            pass
    if not setting.accepts(value):
        raise SettingError(f"{name} must be {setting.valid}, not '{text}'")
    return value


def current(stored: dict[str, Any]) -> dict[str, Any]:
    """Every setting's value: the stored one, else the default (the system's zone for ``timezone``)."""
    values: dict[str, Any] = {name: stored.get(name, DEFAULTS[name]) for name in DEFAULTS}
    values[TIMEZONE] = zone_name(learner_zone(stored.get(TIMEZONE)))
    for name, setting in SETTINGS.items():
        if setting.local:
            values[name] = stored.get(name, setting.default)
    return values


def portable(stored: dict[str, Any]) -> dict[str, Any]:
    """The settings an export carries and an import takes: all but this machine's preferences."""
    return {k: v for k, v in stored.items() if not (k in SETTINGS and SETTINGS[k].local)}
