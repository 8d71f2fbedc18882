"""The learner's days: time zone and day boundary, the same everywhere dlquiz counts "days".

A day starts at midnight in the learner's time zone (the ``timezone``
setting, an IANA name; by default the system's zone). Everything that counts
per day (stats today; the drill's daily limits once they switch over) goes
through these helpers, so a review at 23:30 in New York belongs to the same
day in every figure.

Times in and out are timezone-aware; boundaries are returned in UTC, the way
the store keeps times.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dlquiz.errors import DlquizError

__all__ = [
    "day_ranges",
    "day_start",
    "learner_zone",
    "local_date",
    "start_of_day",
    "system_zone",
    "zone_name",
    "zone_named",
]


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Berlin``); DlquizError with one clear line otherwise."""
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DlquizError(
            f"unknown time zone '{name}'; use an IANA name such as Europe/Berlin or America/New_York"
        ) from None


def _system_zone_name() -> str | None:
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        return tz
    try:
        # /etc/localtime is a link into the zone database on Linux and macOS.
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def system_zone() -> tzinfo:
    """The system's zone: ``$TZ``, else /etc/localtime, else the current local UTC offset."""
    name = _system_zone_name()
    if name:
        try:
            return zone_named(name)
        except DlquizError:
            pass
    # A fixed offset gets DST wrong, but it is the best the system tells us.
    return datetime.now(timezone.utc).astimezone().tzinfo or timezone.utc


def learner_zone(setting: str | None) -> tzinfo:
    """The zone of the stored ``timezone`` setting, or the system's when it is not set."""
    return zone_named(setting) if setting else system_zone()


def zone_name(tz: tzinfo) -> str:
    """A printable name: the IANA key when there is one."""
    return getattr(tz, "key", None) or str(tz)


def local_date(when: datetime, tz: tzinfo) -> date:
    """The learner's calendar day of the instant ``when``."""
    return when.astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """Midnight starting ``day`` in ``tz``, as UTC.

    Where a DST change skips midnight, zoneinfo maps it to the first instant
    of the day (the end of the gap), so days never overlap or leave holes.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def start_of_day(now: datetime, tz: tzinfo = timezone.utc) -> datetime:
    """Midnight of ``now``'s day in ``tz``, as UTC: when daily counts reset."""
    return day_start(local_date(now, tz), tz)


def day_ranges(first: date, last: date, tz: tzinfo) -> list[tuple[date, datetime, datetime]]:
    """Each day from ``first`` to ``last`` (inclusive) with its [start, end) in UTC."""
    out = []
    start = day_start(first, tz)
    day = first
    while day <= last:
        following = day + timedelta(days=1)
        end = day_start(following, tz)
        out.append((day, start, end))
        day, start = following, end
    return out
