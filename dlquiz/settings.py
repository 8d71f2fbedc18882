"""The learner's settings: names, meanings and valid values (stored in the progress database).

The single place that says what a valid setting is: ``dlquiz config`` and
``dlquiz import`` both check values here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dlquiz.errors import SettingError
from dlquiz.schedule import DEFAULTS


@dataclass(frozen=True)
class Setting:
    name: str
    help: str
    kind: type[int] | type[float]
    lo: float
    hi: float

    @property
    def valid(self) -> str:
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {self.lo:g} to {self.hi:g}"

    def accepts(self, value: object) -> bool:
        """Is ``value`` (from JSON or parsed text) a valid value of this setting?"""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.kind is int and not isinstance(value, int):
            return False
        return self.lo <= value <= self.hi


SETTINGS = {
    s.name: s
    for s in (
        Setting("desired_retention", "chance of remembering a question when it comes due", float, 0.7, 0.99),
        Setting("new_per_day", "new questions introduced per day", int, 0, 1000),
        Setting("reviews_per_day", "reviews of seen questions per day", int, 0, 10000),
    )
}
assert set(SETTINGS) == set(DEFAULTS)


def parse_setting(name: str, text: str) -> float | int:
    """The value of ``name`` given as text; DlquizError naming what is valid otherwise."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(f"unknown setting '{name}'; the settings are {', '.join(SETTINGS)}")
    value: float | int | None
    try:
        value = setting.kind(text)
    except ValueError:
        value = None
    if not setting.accepts(value):
        raise SettingError(f"{name} must be {setting.valid}, not '{text}'")
    assert value is not None  # accepts() said it is a number
    return value


def current(stored: Mapping[str, float | int]) -> dict[str, float | int]:
    """Every setting's value: the stored one, else the default."""
    return {name: stored.get(name, DEFAULTS[name]) for name in SETTINGS}
