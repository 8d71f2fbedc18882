"""The learner's settings: names, meanings and valid values (stored in the progress database).

The single place that says what a valid setting is: ``dlquiz config`` and
``dlquiz import`` both check values here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlquiz.days import learner_zone, zone_name, zone_named
from dlquiz.errors import DlquizError, SettingError
from dlquiz.schedule import DEFAULTS


@dataclass(frozen=True)
class Setting:
    name: str
    help: str
    kind: type[int] | type[float] | type[str]  # str: a time zone name
    lo: float = 0
    hi: float = 0

    @property
    def valid(self) -> str:
        if self.kind is str:
            return "an IANA time zone name such as Europe/Berlin"
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {self.lo:g} to {self.hi:g}"

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
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.kind is int and not isinstance(value, int):
            return False
        return self.lo <= value <= self.hi


TIMEZONE = "timezone"

SETTINGS = {
    s.name: s
    for s in (
        Setting("desired_retention", "chance of remembering a question when it comes due", float, 0.7, 0.99),
        Setting("new_per_day", "new questions introduced per day", int, 0, 1000),
        Setting("reviews_per_day", "reviews of seen questions per day", int, 0, 10000),
        Setting(TIMEZONE, "your time zone: days start at midnight there", str),
    )
}
assert set(SETTINGS) == set(DEFAULTS) | {TIMEZONE}


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
    value: Any
    try:
        value = setting.kind(text)
    except ValueError:
        value = None
    if not setting.accepts(value):
        raise SettingError(f"{name} must be {setting.valid}, not '{text}'")
    return value


def current(stored: dict[str, Any]) -> dict[str, Any]:
    """Every setting's value: the stored one, else the default (the system's zone for ``timezone``)."""
    values: dict[str, Any] = {name: stored.get(name, DEFAULTS[name]) for name in DEFAULTS}
    values[TIMEZONE] = zone_name(learner_zone(stored.get(TIMEZONE)))
    return values
