"""Render ``dlquiz stats`` for a terminal or a pipe.

No colour carries meaning: emphasis is bold and dim, quantities are unicode
blocks, so the page reads the same on a light or dark background, with
``NO_COLOR``, and as plain text when piped. Everything fits in 60 columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from dlquiz.days import zone_name
from dlquiz.figures import HEATMAP_WEEKS, MATURE_DAYS, WINDOW_DAYS, Stats

if TYPE_CHECKING:
    from dlquiz.ui.console import Console

BARS = " ▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"  # no review, then up to 1/4, 1/2, 3/4 and all of the busiest day
CHART_ROWS = 4
LABEL = 5  # left margin of the charts
SHOWN_EXAMS = 10


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def meter(value: float, cells: int = 10) -> str:
    filled = round(value * cells)
    return "█" * filled + "░" * (cells - filled)


def render_stats(console: Console, stats: Stats) -> None:
    width = min(console.width, 80)
    console.print(Text(f"dlquiz stats · {stats.today:%Y-%m-%d} · {zone_name(stats.tz)}", style="bold"))
    if stats.filters:
        shown = "; ".join(f"{key} {', '.join(values)}" for key, values in stats.filters.items())
        console.print(Text(f"only {shown}", style="dim"))
    if stats.empty:
        _empty(console, stats)
        return
    _overview(console, stats)
    _forecast(console, stats, width)
    _heatmap(console, stats, width)
    _topics(console, stats)
    _weakest(console, stats)
    _exams(console, stats)


def _heading(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold"))


def _empty(console: Console, stats: Stats) -> None:
    topics = len(stats.topics)
    console.print()
    console.print("Nothing reviewed yet, so there is nothing to show.")
    console.print(f"{stats.total} question(s) in {topics} topic(s) are waiting. Start with:")
    console.print(Text("  dlquiz drill", style="bold"))


def _line(console: Console, label: str, text: str) -> None:
    console.print(Text.assemble((f"{label:<10}", "bold"), text))


def _overview(console: Console, stats: Stats) -> None:
    c, d = stats.counts, stats.due
    console.print()
    _line(console, "questions", f"{stats.total} in {len(stats.topics)} topic(s)")
    _line(console, "", f"{c['new']} new · {c['learning']} learning · {c['review']} review · {c['suspended']} suspended")
    _line(console, "due", f"{d['now']} now · {d['later_today']} later today · {d['tomorrow']} tomorrow")
    days = "day" if stats.current_streak == 1 else "days"
    _line(console, "streak", f"{stats.current_streak} {days} (longest {stats.longest_streak})")
    _line(
        console,
        "accuracy",
        f"{percent(stats.recent.accuracy)} right of {stats.recent.answered} answers, last {WINDOW_DAYS} days",
    )
    r = stats.retention
    target = f"(target {percent(stats.desired_retention)})"
    if r.answered:
        _line(console, "retention", f"{percent(r.accuracy)} of {r.answered} mature reviews right {target}")
    else:
        _line(console, "retention", f"no mature reviews in the last {WINDOW_DAYS} days {target}")
    console.print(Text(f"{'':10}mature: {MATURE_DAYS}+ days since the last review", style="dim"))


def bar_chart(values: Sequence[int], columns: int, rows: int = CHART_ROWS) -> tuple[list[str], int, int]:
    """Vertical bars, one column per ``ceil(len(values) / columns)`` values summed.

    Returns the lines (top first), the group size and the tallest bar's value.
    """
    group = max(1, math.ceil(len(values) / max(1, columns)))
    sums = [sum(values[i : i + group]) for i in range(0, len(values), group)]
    top = max(sums, default=0)
    lines = []
    for row in range(rows):
        cells = []
        for value in sums:
            eighths = math.ceil(value / top * rows * 8) if top else 0
            fill = min(8, max(0, eighths - (rows - 1 - row) * 8))
            cells.append(BARS[fill])
        lines.append("".join(cells))
    return lines, group, top


def _forecast(console: Console, stats: Stats, width: int) -> None:
    days = len(stats.forecast)
    values = [n for _, n in stats.forecast]
    lines, group, top = bar_chart(values, width - LABEL)
    _heading(console, f"due in the next {days} days" + (f" (a bar is {group} days)" if group > 1 else ""))
    for i, line in enumerate(lines):
        label = f"{top:>{LABEL - 2}} " if i == 0 else " " * (LABEL - 1)
        console.print(Text.assemble((label, "dim"), ("│", "dim"), line), no_wrap=True)
    axis = "└" + "─" * len(lines[0])
    console.print(Text.assemble((f"{0:>{LABEL - 2}} ", "dim"), (axis, "dim")), no_wrap=True)
    last = stats.forecast[-1][0]
    left, right = "today", f"{last:%b %d}"
    gap = max(1, len(lines[0]) + 1 - len(left) - len(right))
    console.print(Text(" " * LABEL + left + " " * gap + right, style="dim"), no_wrap=True)


def _heatmap(console: Console, stats: Stats, width: int) -> None:
    _heading(console, f"reviews per day, last {HEATMAP_WEEKS} weeks")
    counts = dict(stats.heatmap)
    first = stats.heatmap[0][0]
    weeks = math.ceil(len(stats.heatmap) / 7)
    cell = 2 if LABEL + 2 * weeks <= width else 1
    top = max(counts.values(), default=0)

    def shade(n: int) -> str:
        return SHADES[0] if n == 0 else SHADES[min(4, math.ceil(4 * n / top))]

    months = [" "] * (weeks * cell)
    for w in range(weeks):
        monday = first + timedelta(weeks=w)
        if w == 0 or monday.month != (monday - timedelta(weeks=1)).month:
            name = f"{monday:%b}"
            at = w * cell
            if all(c == " " for c in months[at : at + len(name) + 1]) and at + len(name) <= len(months):
                months[at : at + len(name)] = name
    console.print(Text(" " * LABEL + "".join(months).rstrip(), style="dim"), no_wrap=True)
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        row = []
        for w in range(weeks):
            day = first + timedelta(weeks=w, days=weekday)
            row.append((shade(counts[day]) if day in counts else " ") * cell)
        console.print(Text.assemble((f"{name:<{LABEL}}", "dim"), "".join(row).rstrip()), no_wrap=True)
    legend = f"less {' '.join(SHADES)} more · busiest day {top} review(s)"
    console.print(Text(" " * LABEL + legend, style="dim"), no_wrap=True)


def _table(*columns: tuple[str, str]) -> Table:
    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False, header_style="bold")
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    return table


def _topics(console: Console, stats: Stats) -> None:
    _heading(console, "topics, weakest first")
    table = _table(("topic", "left"), ("seen", "right"), (f"right {WINDOW_DAYS}d", "right"), ("mastery", "left"))
    table.columns[0].overflow = "fold"
    for t in stats.topics:
        mastery = Text("–") if t.mastery is None else Text.assemble(meter(t.mastery), f" {percent(t.mastery)}")
        table.add_row(Text(t.topic), f"{t.seen}/{t.total}", percent(t.accuracy), mastery)
    console.print(table)
    console.print(Text("mastery: mean chance of recalling a seen question now", style="dim"))


def _weakest(console: Console, stats: Stats) -> None:
    _heading(console, "weakest questions")
    if not stats.weakest:
        console.print("none seen yet.")
        return
    table = _table(("id", "left"), ("topic", "left"), ("recall", "right"), ("lapses", "right"))
    table.columns[0].overflow = "fold"
    table.columns[1].overflow = "fold"
    for w in stats.weakest:
        table.add_row(Text(w.id), Text(w.topic), percent(w.retrievability), str(w.lapses))
    console.print(table)


def _exams(console: Console, stats: Stats) -> None:
    _heading(console, "exams")
    if not stats.exams:
        console.print("no exams taken yet.")
        return
    table = _table(("date", "left"), ("topics", "left"), ("score", "right"), ("time", "right"))
    table.columns[1].overflow = "fold"
    for e in stats.exams[:SHOWN_EXAMS]:
        used = "unfinished" if e.seconds_used is None else duration(e.seconds_used)
        if e.seconds_used is not None and e.time_limit_s:
            used += f"/{duration(e.time_limit_s)}"
        table.add_row(f"{e.day:%Y-%m-%d}", Text(", ".join(e.topics)), percent(e.score), used)
    console.print(table)
    if len(stats.exams) > SHOWN_EXAMS:
        console.print(Text(f"and {len(stats.exams) - SHOWN_EXAMS} earlier (all in --json)", style="dim"))
