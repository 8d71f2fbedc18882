"""dlquiz stats on a real SQLite file holding a known history, in New York time, with a fixed clock.

Every expected figure below is worked out by hand from the history in
``populate``: the local day of each review is written next to it. The
history straddles the start of daylight saving time (Sunday 2026-03-08), and
several reviews fall on a different calendar day in UTC than in New York, so
counting days in UTC gives different (wrong) figures.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from banktools import write_bank
from fsrs import Card, State
from rich.console import Console
from typer.testing import CliRunner

from dlquiz.cli.app import app
from dlquiz.days import day_ranges, day_start, local_date, start_of_day
from dlquiz.figures import gather, is_right, streaks
from dlquiz.store import Review, Store
from dlquiz.ui.stats import render_stats

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)  # Tuesday 10:00 EDT
TOPIC_OF = {"c1": "cnn", "c2": "cnn", "c3": "cnn", "r1": "rnn", "r2": "rnn"}  # "gone" is in no bank


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)


def add(store: Store, qid: str, when: datetime, correct: bool | None, rating: int, mode: str = "drill") -> None:
    store.add_review(
        Review(
            question_id=qid, answer="x", correct=correct, rating=rating, reviewed_at=when, duration_ms=5000, mode=mode
        )
    )


def card(state: State, stability: float, last: datetime, due: datetime) -> Card:
    return Card(
        card_id=1,
        state=state,
        step=None if state == State.Review else 0,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last,
    )


def populate(store: Store) -> None:
    store.set_setting("desired_retention", 0.85)
    #                 question  UTC time               local (New York) day   grade  rating
    add(store, "c1", utc(2026, 2, 9, 4, 30), True, 3)  # Feb 8 (23:30 EST): outside the 30 days
    add(store, "c1", utc(2026, 2, 10, 15), True, 3)  # Feb 10
    add(store, "c2", utc(2026, 2, 14, 17), True, 3)  # Feb 14
    add(store, "gone", utc(2026, 3, 5, 15), True, 3)  # Mar 5, a question no bank has: never counted
    add(store, "c1", utc(2026, 3, 6, 13), False, 1, "cram")  # Mar 6 (cram: no lapse, no interval)
    add(store, "r1", utc(2026, 3, 8, 2), None, 1)  # Mar 7 (21:00 EST), self-rated Again: not right
    add(store, "c2", utc(2026, 3, 9, 3, 30), False, 1)  # Mar 8 (23:30 EDT): 22.4 days after Feb 14: mature, wrong
    add(store, "c2", utc(2026, 3, 9, 4, 10), True, 3)  # Mar 9 (00:10 EDT)
    add(store, "r1", utc(2026, 3, 10, 0), None, 2)  # Mar 9 (20:00 EDT), self-rated Hard: right
    add(store, "c1", utc(2026, 3, 10, 13, 30), True, 3)  # Mar 10: 27.9 days after Feb 10 (cram skipped): mature, right
    # Cards chosen so that retrievability is known by hand: FSRS's stability
    # is the time after which recall falls to 90%, so t = S gives 0.9, t = 0 gives 1.
    store.put_card("c1", card(State.Review, 10, NOW - timedelta(days=10), NOW - timedelta(hours=1)))  # due now
    store.put_card("c2", card(State.Relearning, 2, NOW - timedelta(days=2), utc(2026, 3, 10, 19)))  # 15:00 EDT today
    store.put_card("r1", card(State.Review, 5, NOW, utc(2026, 3, 11, 4, 30)))  # Mar 11 00:30 EDT: tomorrow
    store.put_card("gone", card(State.Review, 1, NOW - timedelta(days=30), NOW - timedelta(days=1)))
    exam = store.start_exam(utc(2026, 3, 5, 14), ["c1", "r1", "gone"], time_limit_s=1800)
    store.finish_exam(exam.id, utc(2026, 3, 5, 14, 20), 0.5)
    store.start_exam(utc(2026, 3, 4, 14), ["gone"])  # only a deleted question: left out
    store.start_exam(utc(2026, 3, 9, 2), ["c2"])  # Mar 8, 22:00 EDT; never finished


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "progress.db") as opened:
        populate(opened)
        yield opened


@pytest.fixture
def figures(store):
    return gather(store, TOPIC_OF, NOW, NY, days=3)


# --- the figures, each against its hand-computed value -------------------------------------------


def test_counts_and_due(figures):
    assert figures.today == date(2026, 3, 10)
    assert figures.total == 5
    assert figures.counts == {"new": 2, "learning": 1, "review": 2, "suspended": 0}
    assert figures.due == {"now": 1, "later_today": 1, "tomorrow": 1}


def test_forecast_counts_the_overdue_today(figures):
    assert figures.forecast == [(date(2026, 3, 10), 2), (date(2026, 3, 11), 1), (date(2026, 3, 12), 0)]


def test_streaks_follow_local_days(figures):
    # Local active days: Feb 8, 10, 14, Mar 6, 7, 8, 9, 10. In UTC there is no review on Mar 7.
    assert (figures.current_streak, figures.longest_streak) == (5, 5)
    assert figures.first_review == utc(2026, 2, 9, 4, 30)


def test_heatmap_is_26_weeks_of_local_days(figures):
    days = dict(figures.heatmap)
    assert figures.heatmap[0][0] == date(2025, 9, 15)  # the Monday 25 weeks before Monday Mar 9
    assert figures.heatmap[-1][0] == date(2026, 3, 10)
    assert len(figures.heatmap) == 25 * 7 + 2
    active = {d: n for d, n in days.items() if n}
    assert active == {
        date(2026, 2, 8): 1,
        date(2026, 2, 10): 1,
        date(2026, 2, 14): 1,
        date(2026, 3, 6): 1,
        date(2026, 3, 7): 1,
        date(2026, 3, 8): 1,
        date(2026, 3, 9): 2,
        date(2026, 3, 10): 1,
    }


def test_accuracy_over_the_last_30_local_days(figures):
    # Window: Feb 9 00:00 EST on. In it: c1 ✓ ✓ ✗(cram), c2 ✓ ✗ ✓, r1 ✗(Again) ✓(Hard).
    assert (figures.recent.answered, figures.recent.right) == (8, 5)
    assert figures.recent.accuracy == 5 / 8


def test_topics_weakest_first(figures):
    cnn, rnn = figures.topics
    assert (cnn.topic, cnn.seen, cnn.total, cnn.answered, cnn.right) == ("cnn", 2, 3, 6, 4)
    assert cnn.mastery == pytest.approx(0.9)  # c1 and c2 both at t = S
    assert (rnn.topic, rnn.seen, rnn.total, rnn.answered, rnn.right) == ("rnn", 1, 2, 2, 1)
    assert rnn.mastery == pytest.approx(1.0)  # r1 reviewed just now
    assert cnn.accuracy == 4 / 6 and rnn.accuracy == 1 / 2


def test_true_retention_counts_mature_reviews(figures):
    # Mature (21+ days after the previous drill review): c1 on Mar 10 (right), c2 on Mar 8 (wrong).
    assert (figures.retention.answered, figures.retention.right) == (2, 1)
    assert figures.desired_retention == 0.85


def test_weakest_lowest_retrievability_then_most_lapses(figures):
    # c1 and c2 tie at 0.9; c2 has a lapse (its Again on Mar 8), c1's Again was cram.
    expected = [("c2", "cnn", 1), ("c1", "cnn", 0), ("r1", "rnn", 1)]
    assert [(w.id, w.topic, w.lapses) for w in figures.weakest] == expected
    assert [w.retrievability for w in figures.weakest] == pytest.approx([0.9, 0.9, 1.0])


def test_exam_history_newest_first(figures):
    unfinished, finished = figures.exams
    assert (unfinished.day, unfinished.topics, unfinished.questions, unfinished.score, unfinished.seconds_used) == (
        date(2026, 3, 8),
        ("cnn",),
        1,
        None,
        None,
    )
    assert (
        finished.day,
        finished.topics,
        finished.questions,
        finished.score,
        finished.seconds_used,
        finished.time_limit_s,
    ) == (date(2026, 3, 5), ("cnn", "rnn"), 3, 0.5, 1200, 1800)


def test_a_topic_filter_narrows_every_figure(store):
    only_rnn = gather(store, {"r1": "rnn", "r2": "rnn"}, NOW, NY, days=2)
    assert only_rnn.counts == {"new": 1, "learning": 0, "review": 1, "suspended": 0}
    assert only_rnn.due == {"now": 0, "later_today": 0, "tomorrow": 1}
    assert (only_rnn.current_streak, only_rnn.longest_streak) == (1, 1)  # Mar 7 and Mar 9 only
    assert {d: n for d, n in only_rnn.heatmap if n} == {date(2026, 3, 7): 1, date(2026, 3, 9): 1}
    assert (only_rnn.recent.answered, only_rnn.recent.right) == (2, 1)
    assert only_rnn.retention.answered == 0 and only_rnn.retention.accuracy is None
    assert [e.topics for e in only_rnn.exams] == [("rnn",)]


def test_the_same_history_counted_in_utc_differs(store):
    # The zone matters: in UTC, Mar 7 has no review, so the current streak is 3 days.
    in_utc = gather(store, TOPIC_OF, NOW, timezone.utc, days=3)
    assert (in_utc.current_streak, in_utc.longest_streak) == (3, 3)
    assert (in_utc.recent.answered, in_utc.recent.right) == (9, 6)  # Feb 9 04:30 UTC is inside a UTC window


def test_json_keys_are_the_documented_ones(figures):
    data = figures.to_json()
    assert list(data) == [
        "generated_at",
        "timezone",
        "today",
        "filters",
        "questions",
        "counts",
        "due",
        "forecast",
        "heatmap",
        "streak",
        "first_review",
        "accuracy_30d",
        "topics",
        "retention",
        "weakest",
        "exams",
    ]
    assert data["timezone"] == "America/New_York"
    assert data["streak"] == {"current": 5, "longest": 5}
    assert data["retention"] == {"true_retention": 0.5, "mature_reviews": 2, "right": 1, "desired_retention": 0.85}
    assert data["topics"][0] == {
        "topic": "cnn",
        "seen": 2,
        "total": 3,
        "answered_30d": 6,
        "right_30d": 4,
        "accuracy_30d": 0.6667,
        "mastery": 0.9,
    }
    assert data["exams"][1] == {
        "started_at": "2026-03-05T14:00:00+00:00",
        "date": "2026-03-05",
        "topics": ["cnn", "rnn"],
        "questions": 3,
        "score": 0.5,
        "seconds_used": 1200,
        "time_limit_s": 1800,
    }
    documented = (Path(__file__).parents[1] / "docs" / "stats.md").read_text()
    for key in [
        *data,
        *data["counts"],
        *data["due"],
        *data["topics"][0],
        *data["retention"],
        *data["weakest"][0],
        *data["exams"][0],
    ]:
        assert f"`{key}`" in documented, key


# --- one definition of "right" --------------------------------------------------------------------


def test_right_is_the_grade_or_a_self_rating_above_again(tmp_path):
    cases = [(True, 1), (True, 3), (False, 3), (False, 1), (None, 1), (None, 2), (None, 3), (None, 4)]
    assert [is_right(c, r) for c, r in cases] == [True, True, False, False, False, True, True, True]


def test_drill_summary_and_export_count_right_like_stats(store):
    from dlquiz.transfer import export_progress

    summary = export_progress(store, TOPIC_OF, NOW)["summary"]
    all_time = {"cnn": (7, 5), "rnn": (2, 1)}  # c1 ✓ ✓ ✗ ✓, c2 ✓ ✗ ✓; r1 ✗ ✓
    for topic, (answered, right) in all_time.items():
        assert summary[topic]["reviews"] == answered and summary[topic]["accuracy"] == right / answered


# --- days -------------------------------------------------------------------------------------------


def test_day_boundaries_across_daylight_saving_time():
    assert day_start(date(2026, 3, 8), NY) == utc(2026, 3, 8, 5)  # EST
    assert day_start(date(2026, 3, 9), NY) == utc(2026, 3, 9, 4)  # EDT
    ((_, lo, hi),) = day_ranges(date(2026, 3, 8), date(2026, 3, 8), NY)
    assert hi - lo == timedelta(hours=23)
    assert local_date(utc(2026, 3, 9, 3, 59), NY) == date(2026, 3, 8)
    assert start_of_day(utc(2026, 3, 9, 3, 59), NY) == utc(2026, 3, 8, 5)
    kolkata = ZoneInfo("Asia/Kolkata")
    assert start_of_day(utc(2026, 3, 9, 18, 29), kolkata) == utc(2026, 3, 8, 18, 30)
    assert start_of_day(utc(2026, 3, 9, 18, 30), kolkata) == utc(2026, 3, 9, 18, 30)


def test_streak_survives_a_day_not_over_yet():
    today = date(2026, 3, 10)
    assert streaks({date(2026, 3, 8), date(2026, 3, 9)}, today) == (2, 2)
    assert streaks({date(2026, 3, 8)}, today) == (0, 1)
    assert streaks(set(), today) == (0, 0)


# --- rendering --------------------------------------------------------------------------------------


def render(figures, width: int) -> str:
    out = io.StringIO()
    render_stats(Console(file=out, width=width, no_color=True, force_terminal=False), figures)
    return out.getvalue()


def test_renders_within_60_columns_without_colour(store):
    text = render(gather(store, TOPIC_OF, NOW, NY), 60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60, [line for line in lines if len(line) > 60]
    assert "\x1b[" not in text
    assert "questions 5 in 2 topic(s)\n          2 new · 1 learning · 2 review · 0 suspended\n" in text
    assert "due       1 now · 1 later today · 1 tomorrow" in text
    assert "streak    5 days (longest 5)" in text
    assert "62% right of 8 answers, last 30 days" in text
    assert "50% of 2 mature reviews right (target 85%)" in text
    # Chart lines are never wrapped; these ends show none was cut at 60 columns either.
    assert "Apr 08" in text and "busiest day 2 review(s)" in text
    for qid in ("c1", "c2", "r1"):
        assert any(line.startswith(qid + " ") for line in lines), qid
    assert "2026-03-05  cnn, rnn" in text and "20:00/30:00" in text


def test_fresh_install_shows_how_to_start(tmp_path):
    with Store.open(tmp_path / "fresh.db") as fresh:
        text = render(gather(fresh, TOPIC_OF, NOW, NY), 60)
    assert "Nothing reviewed yet" in text and "dlquiz drill" in text
    assert "5 question(s) in 2 topic(s)" in text


# --- the command ------------------------------------------------------------------------------------

BANK = """
questions:
  - id: c1
    type: mcq
    topic: cnn
    prompt: One?
    options: [{text: yes, correct: true}, "no"]
    explanation: Yes.
  - id: c2
    type: mcq
    topic: cnn
    prompt: Two?
    options: [{text: yes, correct: true}, "no"]
    explanation: Yes.
  - id: c3
    type: mcq
    topic: cnn
    prompt: Three?
    options: [{text: yes, correct: true}, "no"]
    explanation: Yes.
  - id: r1
    type: recall
    topic: rnn
    prompt: Why gates?
    answer: To keep gradients alive.
  - id: r2
    type: recall
    topic: rnn
    prompt: Why clip?
    answer: To stop exploding gradients.
"""


def run(home: Path, *args: str, columns: int = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, DLQUIZ_HOME=str(home), NO_COLOR="1", COLUMNS=str(columns))
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], capture_output=True, text=True, env=env, timeout=120)


def recent_history(home: Path) -> None:
    """A history relative to the real clock (the command reads it), in the learner's zone."""
    now = datetime.now(timezone.utc)
    with Store.open(home / "progress.db") as store:
        store.set_setting("timezone", "Asia/Kolkata")
        for days_ago in range(4):
            add(store, "c1", now - timedelta(days=days_ago), True, 3)
        add(store, "r1", now - timedelta(minutes=5), None, 1)
        store.put_card("c1", card(State.Review, 3, now, now - timedelta(minutes=1)))
        store.put_card("r1", card(State.Learning, 1, now, now + timedelta(days=400)))


def test_stats_command_json_and_text_at_60_columns(tmp_path, dlquiz_home):
    bank = write_bank(tmp_path, BANK)
    recent_history(dlquiz_home)
    done = run(dlquiz_home, "stats", "--bank", str(bank), "--json", "--days", "7")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["timezone"] == "Asia/Kolkata" and data["filters"] == {"banks": [str(bank)]}
    assert data["counts"] == {"new": 3, "learning": 1, "review": 1, "suspended": 0}
    assert data["due"]["now"] == 1 and len(data["forecast"]) == 7
    assert data["accuracy_30d"] == {"answered": 5, "right": 4, "accuracy": 0.8}
    assert data["streak"] == {"current": 4, "longest": 4}  # reviews 24 hours apart: 4 local days in a row
    text = run(dlquiz_home, "stats", "--bank", str(bank))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60, [line for line in lines if len(line) > 60]
    assert "\x1b[" not in text.stdout and "Asia/Kolkata" in lines[0]
    rnn = run(dlquiz_home, "stats", "--bank", str(bank), "--topic", "rnn", "--json")
    assert json.loads(rnn.stdout)["counts"] == {"new": 1, "learning": 1, "review": 0, "suspended": 0}


def test_stats_command_on_a_fresh_install(tmp_path, dlquiz_home):
    done = run(dlquiz_home, "stats")
    assert done.returncode == 0, done.stderr
    assert "Nothing reviewed yet" in done.stdout and "dlquiz drill" in done.stdout
    assert "Traceback" not in done.stderr


def test_stats_command_refuses_bad_input_in_one_line(tmp_path):
    runner = CliRunner()
    for args, message in (
        (["stats", "--topic", "cnm"], "unknown topic 'cnm' (did you mean 'cnn'?)"),
        (["stats", "--bank", str(tmp_path / "missing.yaml")], "no such file or folder"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and result.output.count("\n") == 1


def test_config_timezone_is_validated_and_stored(tmp_path, dlquiz_home):
    bad = run(dlquiz_home, "config", "timezone", "Mars/Olympus")
    assert bad.returncode == 2
    assert bad.stderr == (
        "dlquiz: unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin or America/New_York\n"
    )
    assert run(dlquiz_home, "config", "timezone", "Europe/Berlin").returncode == 0
    assert "timezone = Europe/Berlin" in run(dlquiz_home, "config", "timezone").stdout
    db = sqlite3.connect(dlquiz_home / "progress.db")
    assert db.execute("SELECT value FROM settings WHERE key = 'timezone'").fetchone() == ('"Europe/Berlin"',)


def test_timezone_defaults_to_the_system_zone(tmp_path, dlquiz_home, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    done = run(dlquiz_home, "config", "timezone")
    assert done.stdout.startswith("timezone = Asia/Kolkata") and "(the system's)" in done.stdout


def test_drill_summary_counts_right_with_the_shared_definition(tmp_path):
    from dlquiz.drill import DrillSession
    from dlquiz.grading import LETTERS
    from dlquiz.loader import load_paths

    questions = load_paths([write_bank(tmp_path, BANK)]).all_questions()
    with Store.open(tmp_path / "drill.db") as drill_store:
        session = DrillSession.start(drill_store, questions, lambda: NOW, 4)
        asked: set[str] = set()
        while (variant := session.next_variant()) is not None and variant.question.id not in asked:
            qid = variant.question.id  # a question rated Again comes back in the session (issue 14): stop there
            asked.add(qid)
            if variant.kind == "choice":
                right = LETTERS[variant.answer[0]]
                session.answer(variant, right if qid != "c3" else ("b" if right == "a" else "a"), 5000)
            else:
                session.answer(variant, "", 5000, {"r1": 1, "r2": 2}[qid])  # Again is not right; Hard is
        summary = session.summary()
        assert (summary.answered, summary.right) == (5, 3)
        assert {t: (s.answered, s.right) for t, s in summary.by_topic.items()} == {"cnn": (3, 2), "rnn": (2, 1)}
        figures = gather(drill_store, TOPIC_OF, NOW, NY)
        assert {t.topic: (t.answered, t.right) for t in figures.topics} == {"cnn": (3, 2), "rnn": (2, 1)}


def test_import_refuses_an_unknown_time_zone(tmp_path):
    from dlquiz.errors import StoreError
    from dlquiz.transfer import export_progress, parse_progress

    with Store.open(tmp_path / "tz.db") as tz_store:
        tz_store.set_setting("timezone", "Asia/Kolkata")
        data = export_progress(tz_store, {}, NOW)
    assert parse_progress(data).settings["timezone"] == "Asia/Kolkata"
    data["settings"]["timezone"] = "Mars/Olympus"
    with pytest.raises(StoreError, match="settings.timezone: expected an IANA time zone name"):
        parse_progress(data)


def test_every_counting_path_gives_the_same_figures(store, monkeypatch):
    import dlquiz.figures

    in_python = gather(store, TOPIC_OF, NOW, NY).to_json()
    # A long history is counted per day in SQL instead of from the review times.
    monkeypatch.setattr(dlquiz.figures, "FEW_REVIEWS", 0)
    assert gather(store, TOPIC_OF, NOW, NY).to_json() == in_python
    # Few questions of many are sought in the question index, many in the time index:
    # 130 more cards elsewhere make TOPIC_OF's five questions "few".
    for n in range(130):
        store.put_card(f"other-{n}", card(State.Review, 1, NOW, NOW))
    index, _, _ = store._scoped(TOPIC_OF)
    assert index == "INDEXED BY reviews_by_question"
    assert gather(store, TOPIC_OF, NOW, NY).to_json() == in_python


def test_a_list_of_every_reviewed_question_is_not_tested_review_by_review(store, monkeypatch):
    every = {**TOPIC_OF, "gone": "old"}  # "gone" is the one reviewed question TOPIC_OF lacks
    assert store._scoped(every)[1] == "1" and store._scoped(TOPIC_OF)[1] != "1"
    unfiltered = gather(store, every, NOW, NY).to_json()
    monkeypatch.setattr(Store, "_covers_every_reviewed", lambda self, ids: False)
    assert store._scoped(every)[1] != "1"
    assert gather(store, every, NOW, NY).to_json() == unfiltered  # the same figures as testing each review


def test_bar_chart_groups_days_that_do_not_fit():
    from dlquiz.ui.stats import bar_chart

    assert bar_chart([1, 0, 2, 4], 2, rows=1) == (["▂█"], 2, 6)  # two days a bar: 1 and 6, in eighths of 6
    assert bar_chart([0, 8], 10, rows=2) == ([" █", " █"], 1, 8)
