"""Export and import of progress: round trips, merging, refusing bad files, the CLI."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest
from banktools import valid_export
from typer.testing import CliRunner

from dlquiz.cli.app import app
from dlquiz.errors import StoreError
from dlquiz.schedule import make_scheduler, replay_card, review_card
from dlquiz.store import Review, Store, card_to_dict
from dlquiz.transfer import FORMAT_VERSION, export_progress, import_progress, parse_progress, read_progress

T0 = datetime(2024, 2, 1, 7, 30, tzinfo=timezone.utc)
SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "progress.schema.json").read_text())
TOPICS = {"cnn-1": "cnn", "cnn-2": "cnn", "rnn-1": "rnn"}


def record(store: Store, qid: str, rating: int, when: datetime, *, mode: str = "drill", correct=True, **kw) -> Review:
    scheduler = make_scheduler(store.get_setting("desired_retention", 0.9))
    card = None if mode == "cram" else review_card(scheduler, store.card(qid), qid, rating, when, 3000)
    return store.record_review(
        Review(
            question_id=qid,
            answer=f"ans {qid}",
            correct=correct,
            rating=rating,
            reviewed_at=when,
            duration_ms=3000,
            mode=mode,
            seed=hash(qid) % 1000,
            **kw,
        ),
        card,
    )


def populate(store: Store, start: datetime = T0, prefix: str = "") -> None:
    store.set_setting("desired_retention", 0.85)
    store.set_setting("new_per_day", 7)
    for day in range(0, 30, 3):
        when = start + timedelta(days=day)
        record(store, f"{prefix}cnn-1", 3, when)
        record(store, f"{prefix}cnn-2", 1 if day == 9 else 3, when + timedelta(minutes=5), correct=day != 9)
    record(store, f"{prefix}rnn-1", 2, start, correct=None)  # self-rated recall
    record(store, f"{prefix}gone", 3, start)  # a question since deleted from the banks
    record(store, f"{prefix}cnn-1", 1, start + timedelta(days=31), mode="cram", correct=False)
    exam = store.start_exam(start + timedelta(days=2), [f"{prefix}cnn-2", f"{prefix}rnn-1"], time_limit_s=600)
    record(store, f"{prefix}rnn-1", 3, start + timedelta(days=2, minutes=1), mode="exam", exam_id=exam.id)
    store.finish_exam(exam.id, start + timedelta(days=2, minutes=8), 0.5)


def fresh_store(tmp_path: Path, name: str) -> Store:
    return Store.open(tmp_path / name / "progress.db")


def core(export: dict) -> dict:
    return {k: export[k] for k in ("settings", "cards", "reviews", "exams")}


@pytest.fixture
def source(tmp_path):
    with fresh_store(tmp_path, "source") as store:
        populate(store)
        yield store


# --- export ------------------------------------------------------------------


def test_export_matches_schema_and_holds_everything(source):
    now = T0 + timedelta(days=40)
    data = export_progress(source, TOPICS, now)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["schema_version"] == FORMAT_VERSION
    assert data["exported_at"] == "2024-03-12T07:30:00.000000+00:00"
    assert data["settings"] == {"desired_retention": 0.85, "new_per_day": 7}
    assert set(data["cards"]) == {"cnn-1", "cnn-2", "rnn-1", "gone"}
    assert len(data["reviews"]) == len(source.reviews()) == 24
    assert [r["reviewed_at"] for r in data["reviews"]] == sorted(r["reviewed_at"] for r in data["reviews"])
    (exam,) = data["exams"]
    exam_reviews = [r for r in data["reviews"] if r["mode"] == "exam"]
    assert [r["exam_uid"] for r in exam_reviews] == [exam["uid"]]
    assert exam["score"] == 0.5 and exam["time_limit_s"] == 600
    assert {r["seed"] for r in data["reviews"]} - {None}


def test_export_summary_per_topic(source):
    now = T0 + timedelta(days=40)
    summary = export_progress(source, TOPICS, now)["summary"]
    assert set(summary) == {"cnn", "rnn", "(unknown)"}
    cnn = summary["cnn"]
    assert cnn["seen"] == 2 and cnn["reviews"] == 21
    assert cnn["accuracy"] == pytest.approx(19 / 21)  # one wrong drill answer, one wrong cram answer
    scheduler = make_scheduler(0.85)
    expected_r = [scheduler.get_card_retrievability(source.card(q), now) for q in ("cnn-1", "cnn-2")]
    assert cnn["mean_retrievability"] == pytest.approx(sum(expected_r) / 2)
    assert 0 < cnn["mean_retrievability"] < 1
    # the self-rated answer (Hard) counts as right, as in the drill summary and dlquiz stats
    assert summary["rnn"]["accuracy"] == 1.0 and summary["rnn"]["reviews"] == 2
    gone_r = scheduler.get_card_retrievability(source.card("gone"), now)
    assert 0 < gone_r < 1
    assert summary["(unknown)"] == {
        "seen": 1,
        "reviews": 1,
        "accuracy": 1.0,
        "mean_retrievability": pytest.approx(gone_r),
        "due_now": 1,
    }


def test_export_counts_due_cards_at_the_export_time(source):
    # Right after the last drill review nothing is due; years later every card is.
    last_review = T0 + timedelta(days=27, minutes=6)
    assert export_progress(source, TOPICS, last_review)["summary"]["cnn"]["due_now"] == 0
    assert export_progress(source, TOPICS, T0 + timedelta(days=3650))["summary"]["cnn"]["due_now"] == 2


def test_empty_store_exports_valid_json(tmp_path):
    with fresh_store(tmp_path, "empty") as store:
        data = export_progress(store, {}, T0)
    jsonschema.validate(data, SCHEMA)
    assert data["cards"] == {} and data["reviews"] == [] and data["summary"] == {}


# --- import ------------------------------------------------------------------


def test_round_trip_into_a_fresh_home_gives_the_same_progress(source, tmp_path):
    first = export_progress(source, TOPICS, T0 + timedelta(days=40))
    with fresh_store(tmp_path, "other") as other:
        result = import_progress(other, parse_progress(json.loads(json.dumps(first))))
        assert (result.imported, result.already_present, result.cards_rebuilt) == (24, 0, 4)
        assert str(result) == "imported 24 reviews (0 already present), 4 cards rebuilt"
        second = export_progress(other, TOPICS, T0 + timedelta(days=40))
    assert core(second) == core(first)
    assert second["summary"] == first["summary"]


def test_importing_twice_changes_nothing(source, tmp_path):
    data = export_progress(source, TOPICS, T0)
    with fresh_store(tmp_path, "other") as other:
        import_progress(other, parse_progress(data))
        dump = other.dump()
        result = import_progress(other, parse_progress(data))
        assert (result.imported, result.already_present, result.cards_rebuilt) == (0, 24, 0)
        assert other.dump() == dump
    # Importing one's own export is the same no-op.
    before = source.dump()
    assert import_progress(source, parse_progress(data)).imported == 0
    assert source.dump() == before


def test_merge_two_machines_rebuilds_cards_from_the_merged_log(tmp_path):
    with fresh_store(tmp_path, "laptop") as laptop, fresh_store(tmp_path, "desktop") as desktop:
        # The same question answered on both machines on alternating days.
        for day in range(0, 20, 2):
            record(laptop, "q", 3, T0 + timedelta(days=day))
            record(desktop, "q", 1 if day == 8 else 3, T0 + timedelta(days=day + 1))
        record(desktop, "only-desktop", 4, T0)
        laptop.set_setting("new_per_day", 3)
        desktop.set_setting("new_per_day", 50)
        result = import_progress(laptop, parse_progress(export_progress(desktop, {}, T0)))
        assert (result.imported, result.cards_rebuilt) == (11, 2)
        assert laptop.get_setting("new_per_day") == 3  # local settings win
        merged = laptop.reviews("q")
        assert len(merged) == 20
        assert laptop.card("q") == replay_card(make_scheduler(), "q", merged)
        assert laptop.card("only-desktop") == desktop.card("only-desktop")
        # Both directions agree.
        import_progress(desktop, parse_progress(export_progress(laptop, {}, T0)))
        assert desktop.cards() == laptop.cards()


def test_imported_settings_fill_gaps_and_drive_the_rebuild(source, tmp_path):
    data = export_progress(source, TOPICS, T0)
    with fresh_store(tmp_path, "other") as other:
        import_progress(other, parse_progress(data))
        assert other.settings() == {"desired_retention": 0.85, "new_per_day": 7}
        assert other.cards() == source.cards()  # rebuilt with 0.85, as recorded


def test_import_maps_exams_to_local_ids(source, tmp_path):
    data = export_progress(source, TOPICS, T0)
    with fresh_store(tmp_path, "other") as other:
        other.start_exam(T0 - timedelta(days=1), ["x"])  # takes local id 1
        import_progress(other, parse_progress(data))
        exams = {e.uid: e for e in other.exams()}
        (exam_review,) = [r for r in other.reviews() if r.mode == "exam"]
        assert exams[data["exams"][0]["uid"]].id == exam_review.exam_id != 1


def test_unfinished_exam_gets_finished_by_import(tmp_path):
    with fresh_store(tmp_path, "a") as a, fresh_store(tmp_path, "b") as b:
        exam = a.start_exam(T0, ["q"])
        import_progress(b, parse_progress(export_progress(a, {}, T0)))
        a.finish_exam(exam.id, T0 + timedelta(minutes=5), 1.0)
        import_progress(b, parse_progress(export_progress(a, {}, T0)))
        assert [e.to_dict() | {"id": None} for e in b.exams()] == [e.to_dict() | {"id": None} for e in a.exams()]


def valid() -> dict:
    return valid_export()


def broken(change) -> dict:
    data = copy.deepcopy(valid())
    change(data)
    return data


BAD_FILES = {
    "a list": ([1, 2], "no schema_version"),
    "foreign JSON": ({"name": "anki deck"}, "no schema_version"),
    "future version": (broken(lambda d: d.update(schema_version=2)), "schema_version: 2 is not supported"),
    "version as text": (broken(lambda d: d.update(schema_version="1")), "schema_version"),
    "missing reviews": (broken(lambda d: d.pop("reviews")), "reviews: missing"),
    "missing exported_at": (broken(lambda d: d.pop("exported_at")), "exported_at: missing"),
    "reviews not a list": (broken(lambda d: d.update(reviews={})), "reviews: expected a list"),
    "rating out of range": (
        broken(lambda d: d["reviews"][0].update(rating=5)),
        "reviews[0].rating: expected an integer 1-4",
    ),
    "rating a bool": (broken(lambda d: d["reviews"][0].update(rating=True)), "reviews[0].rating"),
    "naive time": (
        broken(lambda d: d["reviews"][0].update(reviewed_at="2024-02-01T00:00:00")),
        "reviews[0].reviewed_at",
    ),
    "not a time": (broken(lambda d: d["reviews"][0].update(reviewed_at="yesterday")), "reviews[0].reviewed_at"),
    "missing uid": (broken(lambda d: d["reviews"][0].pop("uid")), "reviews[0].uid: missing"),
    "bad mode": (broken(lambda d: d["reviews"][0].update(mode="quiz")), "reviews[0].mode"),
    "correct as text": (broken(lambda d: d["reviews"][0].update(correct="yes")), "reviews[0].correct"),
    "negative duration": (broken(lambda d: d["reviews"][0].update(duration_ms=-1)), "reviews[0].duration_ms"),
    "unknown exam": (broken(lambda d: d["reviews"][0].update(exam_uid="e9")), "reviews[0].exam_uid"),
    "duplicate uid": (broken(lambda d: d["reviews"].append(dict(d["reviews"][0]))), "reviews[1].uid: duplicate"),
    "bad setting": (broken(lambda d: d["settings"].update(desired_retention=1.5)), "settings.desired_retention"),
    "bad card": (broken(lambda d: d["cards"].update(q={"card_id": 1, "state": 9})), "cards.q.state"),
    "bad exam": (broken(lambda d: d.update(exams=[{"uid": "e"}])), "exams[0].started_at: missing"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_malformed_files_are_refused_and_the_schema_agrees(name):
    data, message = BAD_FILES[name]
    with pytest.raises(StoreError) as info:
        parse_progress(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    if name not in ("unknown exam", "duplicate uid", "naive time"):  # rules a JSON Schema cannot state
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, SCHEMA)


def test_the_valid_sample_passes_both_validators():
    jsonschema.validate(valid(), SCHEMA)
    progress = parse_progress(valid())
    assert progress.reviews[0][0].reviewed_at == datetime(2024, 2, 1, tzinfo=timezone.utc)


def test_a_refused_file_leaves_the_database_untouched(source, tmp_path):
    good = export_progress(source, TOPICS, T0)
    with fresh_store(tmp_path, "other") as other:
        populate(other, T0 + timedelta(days=100), prefix="o-")
        before = other.dump()
        # Everything is valid except the last review: nothing may be written.
        data = copy.deepcopy(good)
        data["reviews"][-1]["rating"] = 0
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data))
        with pytest.raises(StoreError, match=r"bad\.json: reviews\[23\]\.rating"):
            read_progress(path)
        assert other.dump() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b"", "not JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        read_progress(path)


def test_a_failure_midway_rolls_back_the_whole_import(source, tmp_path, monkeypatch):
    # The cards are the import's last write: failing there leaves every review, exam, setting
    # and event already written in the transaction, all of which must go.
    progress = parse_progress(export_progress(source, TOPICS, T0))
    with fresh_store(tmp_path, "other") as other:
        before = other.dump()

        def disk_full(self, cards):
            assert self.reviews(), "the reviews are written before the cards"
            raise OSError("disk full")

        monkeypatch.setattr(Store, "put_cards", disk_full)
        with pytest.raises(OSError):
            import_progress(other, progress)
        assert other.dump() == before


# --- the CLI -----------------------------------------------------------------

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_cli_export_to_stdout_and_file_then_import(dlquiz_home, tmp_path, monkeypatch):
    with Store.open() as store:
        populate(store)
    result = invoke("export")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert len(data["reviews"]) == 24
    assert set(data["summary"]) == {"(unknown)"}  # none of these ids is in the bundled banks

    out = tmp_path / "progress.json"
    assert invoke("export", "--output", str(out)).exit_code == 0
    assert core(json.loads(out.read_text())) == core(data)

    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "second-home"))
    result = invoke("import", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 24 reviews (0 already present), 4 cards rebuilt\n"
    result = invoke("import", str(out))
    assert result.stdout == "imported 0 reviews (24 already present), 0 cards rebuilt\n"
    again = json.loads(invoke("export").stdout)
    assert core(again) == core(data)


def test_cli_export_uses_bank_topics(dlquiz_home):
    from dlquiz.loader import load_banks

    questions = load_banks().all_questions()
    if not questions:
        pytest.skip("no bundled questions yet")
    q = questions[0]
    with Store.open() as store:
        record(store, q.id, 3, T0)
    data = json.loads(invoke("export").stdout)
    assert data["summary"] == {
        q.topic: {
            "seen": 1,
            "reviews": 1,
            "accuracy": 1.0,
            "mean_retrievability": data["summary"][q.topic]["mean_retrievability"],
            "due_now": 1,
        }
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not JSON"),
        ('{"schema_version": 99}', "schema_version: 99 is not supported"),
        ('{"hello": "world"}', "not a dlquiz progress export"),
        (json.dumps(broken(lambda d: d["reviews"][0].update(rating="good"))), "reviews[0].rating"),
    ],
)
def test_cli_import_refuses_bad_files_in_one_line(dlquiz_home, tmp_path, content, message):
    with Store.open() as store:
        populate(store)
        before = store.dump()
    path = tmp_path / "in.json"
    path.write_text(content)
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"dlquiz: {path}: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    with Store.open() as store:
        assert store.dump() == before


def test_cli_import_missing_file(tmp_path):
    result = invoke("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert result.stderr == f"dlquiz: {tmp_path / 'nope.json'}: no such file\n"


def test_cli_export_unwritable_output(tmp_path):
    result = invoke("export", "--output", str(tmp_path / "no-such-folder" / "p.json"))
    assert result.exit_code == 1
    assert result.stderr.startswith("dlquiz: ") and "cannot write" in result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_broken_database_is_one_line(dlquiz_home):
    dlquiz_home.mkdir(parents=True)
    (dlquiz_home / "progress.db").write_bytes(b"garbage" * 1000)
    result = invoke("export")
    assert result.exit_code == 1
    assert "not a usable progress database" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["export", "import"])
def test_cli_help_has_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert f"dlquiz {command} " in result.stdout and "Example" in result.stdout


# --- streaming (the CLI's path for files of any size) --------------------------


def test_the_streamed_export_is_the_whole_export_as_indented_json(source):
    import io

    from dlquiz.transfer import write_progress

    out = io.StringIO()
    write_progress(source, TOPICS, T0, out)
    assert out.getvalue() == json.dumps(export_progress(source, TOPICS, T0), indent=2, ensure_ascii=False)


def test_the_streamed_export_of_an_empty_store_is_valid(tmp_path):
    import io

    from dlquiz.transfer import write_progress

    with fresh_store(tmp_path, "empty") as empty:
        out = io.StringIO()
        write_progress(empty, {}, T0, out)
        assert json.loads(out.getvalue()) == export_progress(empty, {}, T0)
        assert parse_progress(json.loads(out.getvalue())).reviews == []


def _reviews_without_ids(store: Store) -> list[dict]:
    exams = {e.id: e.uid for e in store.exams()}
    return [{**r.to_dict(), "id": None, "exam_id": exams.get(r.exam_id)} for r in store.reviews()]


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_streamed_import_ends_as_the_whole_file_import(source, tmp_path, chunk, monkeypatch):
    import dlquiz.jsonstream
    from dlquiz.transfer import import_file

    monkeypatch.setattr(dlquiz.jsonstream, "CHUNK", chunk)  # values cut at every possible place
    data = export_progress(source, TOPICS, T0)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, indent=1))
    with fresh_store(tmp_path, "a") as a, fresh_store(tmp_path, "b") as b:
        whole = import_progress(a, read_progress(path))
        streamed = import_file(b, path)
        assert streamed == whole and streamed.imported == len(data["reviews"])
        assert _reviews_without_ids(b) == _reviews_without_ids(a)
        assert {q: card_to_dict(c) for q, c in b.cards().items()} == {q: card_to_dict(c) for q, c in a.cards().items()}
        assert b.settings() == a.settings() and b.exams() == a.exams()
        assert import_file(b, path).imported == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["reviews"][-1].update(rating=0), r"reviews\[23\]\.rating"),
        (lambda d: d["reviews"][5].update(uid=d["reviews"][2]["uid"]), r"reviews\[5\]\.uid: duplicate of reviews\[2\]"),
        (lambda d: d["reviews"][3].update(exam_uid="nope"), r"reviews\[3\]\.exam_uid: no exam"),
        (lambda d: d.update(exams="x"), r"exams: expected a list"),
        (lambda d: d.pop("cards"), r"cards: missing"),
    ],
)
@pytest.mark.parametrize("used", [True, False], ids=["into-a-used-store", "into-an-empty-store"])
def test_a_streamed_import_refuses_what_the_whole_file_import_refuses(
    source, tmp_path, change, message, used, monkeypatch
):
    # An empty store takes the reviews without looking up their uids: a repeated one must still be refused.
    import dlquiz.transfer
    from dlquiz.transfer import import_file

    monkeypatch.setattr(dlquiz.transfer._Tally, "BATCH", 2)  # written before the whole file is read

    data = copy.deepcopy(export_progress(source, TOPICS, T0))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match=message):
        read_progress(path)
    with fresh_store(tmp_path, "other") as other:
        if used:
            populate(other, T0 + timedelta(days=100), prefix="o-")
        before = other.dump()
        with pytest.raises(StoreError, match=r"bad\.json: " + message):
            import_file(other, path)
        assert other.dump() == before


@pytest.mark.parametrize("text", ['{"schema_version": 1', '{"a" 1}', '{"a": 1} x', "[1, 2]", '{"reviews": [1,]}', ""])
def test_a_streamed_import_of_broken_json_is_one_error(tmp_path, text):
    from dlquiz.transfer import import_file

    path = tmp_path / "x.json"
    path.write_text(text)
    with fresh_store(tmp_path, "s") as store:
        with pytest.raises(StoreError, match=r"x\.json: not (JSON|a dlquiz progress export)"):
            import_file(store, path)


@pytest.mark.parametrize("review_bytes", [0, 10**9], ids=["indexes-kept", "indexes-deferred"])
def test_a_streamed_import_into_a_used_store_merges_the_same_way_with_indexes_kept_or_deferred(
    tmp_path, review_bytes, monkeypatch
):
    # The secondary indexes are dropped and rebuilt only when the file may hold more reviews than
    # the store; both ways must end in the same merged log, cards and indexes.
    import dlquiz.transfer
    from dlquiz.transfer import import_file

    monkeypatch.setattr(dlquiz.transfer, "_EXPORTED_REVIEW_BYTES", review_bytes)
    with fresh_store(tmp_path, "desktop") as desktop:
        populate(desktop, start=T0 + timedelta(hours=5))
        record(desktop, "cnn-1", 1, T0 + timedelta(days=32))
        path = tmp_path / "desktop.json"
        path.write_text(json.dumps(export_progress(desktop, TOPICS, T0 + timedelta(days=40))))
    with fresh_store(tmp_path, "laptop") as laptop:
        populate(laptop)
        indexes = laptop.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
        result = import_file(laptop, path, now=T0 + timedelta(days=40))
        assert result.imported == 25 and result.cards_rebuilt == 4
        assert laptop.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall() == (indexes)
        assert laptop.integrity_check() == "ok"
        scheduler = make_scheduler(0.85)
        for qid in ("cnn-1", "cnn-2", "rnn-1", "gone"):
            assert laptop.card(qid) == replay_card(scheduler, qid, laptop.reviews(qid))
        assert import_file(laptop, path, now=T0 + timedelta(days=40)).imported == 0
