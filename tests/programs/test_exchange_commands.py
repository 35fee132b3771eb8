"""The diary exchange on the app side: program_document/program_import and the three commands
(analyze_diary, import_diary, export_diary)."""

import copy
import json
from datetime import date, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dietplanner.accounts.models import User
from dietplanner.analysis.diary import ChallengeFacts, DayEntry, DiaryDocument, Dose, Patient
from dietplanner.analysis.diary import ProgramFacts as Facts
from dietplanner.analysis.exchange import dump_document, parse_document
from dietplanner.programs.exchange import ImportRefused, program_document, program_import
from dietplanner.programs.models import Challenge, DailyEntry, Program
from dietplanner.programs.models import Dose as DoseRow
from dietplanner.programs.services import program_refresh
from foods.models import Protocol
from tests.diary.factories import START, log_days, make_program

SYMPTOMS = ("pain", "fatigue", "sleep")


def sample_data() -> dict:
    """A valid 70-day diary: 21-day baseline, gluten tolerated, dairy clearly reacting."""
    challenges = []
    for k, group in enumerate(("gluten", "dairy")):
        first = START + timedelta(days=21 + 10 * k)
        doses = tuple(Dose(first + timedelta(days=i), f"step {i + 1}") for i in range(3))
        challenges.append(ChallengeFacts(group, first, doses=doses, status="done"))
    challenges.append(ChallengeFacts("eggs", None, status="planned"))
    entries = []
    for i in range(70):
        day = START + timedelta(days=i)
        pain = 3 + (i % 3 == 0)
        if 31 <= i <= 36:  # dairy reaction
            pain = 8
        entries.append(DayEntry(day, {"pain": pain, "fatigue": 2 + (i % 2), "sleep": 3}))
    program = Facts(START, 21, SYMPTOMS, tuple(challenges), "anti-inflammatory")
    doc = DiaryDocument(Patient("Europe/Oslo", "Ivy Import"), program, tuple(entries))
    return dump_document(doc)


def write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def run(*args) -> tuple[str, int]:
    """Run a command; (stdout, exit status)."""
    out = StringIO()
    try:
        call_command(*args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return out.getvalue(), exc.code
    return out.getvalue(), 0


def bad(mutate) -> dict:
    data = copy.deepcopy(sample_data())
    mutate(data)
    return data


BAD_FILES = {
    "wrong_format": (lambda d: d.update(format="mealplanner"), "format: expected"),
    "wrong_version": (lambda d: d.update(version=3), "version: unsupported version 3"),
    "unknown_group": (
        lambda d: d["program"]["challenges"][1].update(food_group="diary"),
        "program.challenges[1].food_group: unknown food group 'diary'",
    ),
    "duplicate_date": (
        lambda d: d["entries"][6].update(date=d["entries"][5]["date"]),
        "entries[6].date:",
    ),
    "score_11": (
        lambda d: d["entries"][3]["scores"].update(pain=11),
        "entries[3].scores.pain: must be from 0 to 10, got 11",
    ),
}


# analyze_diary ---------------------------------------------------------------------------


def test_analyze_good_file_gives_verdicts_in_json(tmp_path):
    good = write(tmp_path, "good.json", sample_data())
    out, status = run("analyze_diary", good, "--format", "json")
    assert status == 0
    reports = json.loads(out)
    assert [r["file"] for r in reports] == [good]
    challenges = reports[0]["challenges"]
    assert [c["food_group"] for c in challenges] == ["gluten", "dairy"]  # eggs not started
    for c in challenges:
        assert set(c) == {
            "food_group",
            "started_on",
            "verdict",
            "probability",
            "prior",
            "symptoms",
            "excluded_days",
            "reasons",
        }
        assert c["verdict"] in ("trigger", "possible", "tolerated", "inconclusive")
        assert 0 <= c["probability"] <= 1 and c["prior"] == 0.2
    assert challenges[1]["started_on"] == "2026-02-05"
    assert challenges[1]["verdict"] in ("trigger", "possible")


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_analyze_bad_file_names_the_json_path(tmp_path, name):
    mutate, message = BAD_FILES[name]
    path = write(tmp_path, f"{name}.json", bad(mutate))
    out, status = run("analyze_diary", path, "--format", "json")
    assert status == 1
    [report] = json.loads(out)
    assert set(report) == {"file", "error"}
    assert report["file"] == path
    assert message in report["error"]


def test_analyze_not_json_and_missing_file_are_errors_too(tmp_path):
    garbage = write(tmp_path, "garbage.json", "this is { not json")
    missing = str(tmp_path / "missing.json")
    out, status = run("analyze_diary", garbage, missing, "--format", "json")
    assert status == 1
    reports = json.loads(out)
    assert "not valid JSON" in reports[0]["error"]
    assert "cannot read the file" in reports[1]["error"]


def test_analyze_keeps_the_order_given_and_analyses_the_good_files_despite_a_bad_one(tmp_path):
    good = write(tmp_path, "good.json", sample_data())
    broken = write(tmp_path, "broken.json", bad(BAD_FILES["score_11"][0]))
    also_good = write(tmp_path, "also.json", sample_data())
    out, status = run("analyze_diary", good, broken, also_good, "--format", "json")
    assert status == 1
    reports = json.loads(out)
    assert [r["file"] for r in reports] == [good, broken, also_good]
    assert len(reports[0]["challenges"]) == 2
    assert "error" in reports[1]
    assert reports[2]["challenges"] == reports[0]["challenges"]


def test_analyze_text_format_is_a_readable_table_with_errors_listed(tmp_path):
    good = write(tmp_path, "good.json", sample_data())
    broken = write(tmp_path, "broken.json", bad(BAD_FILES["unknown_group"][0]))
    out, status = run("analyze_diary", good, broken)
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith("File")
    for column in ("Food group", "Started", "Verdict", "Trigger chance", "Top reason"):
        assert column in lines[0]
    assert any("gluten" in line and "2026-01-26" in line for line in lines)
    assert any("dairy" in line and "2026-02-05" in line for line in lines)
    assert "Errors (1 file):" in out
    assert "program.challenges[1].food_group: unknown food group 'diary'" in out


def test_analyze_reports_a_crash_inside_the_analysis_for_that_file_only(tmp_path):
    from dietplanner.programs.management.commands import analyze_diary

    good = write(tmp_path, "good.json", sample_data())
    odd = write(tmp_path, "odd.json", bad(lambda d: d["patient"].update(name="Odd")))
    real = analyze_diary.analyze_document

    def flaky(document):
        if document.patient.name == "Odd":
            raise ZeroDivisionError("division by zero")
        return real(document)

    with mock.patch.object(analyze_diary, "analyze_document", flaky):
        out, status = run("analyze_diary", odd, good, "--format", "json")
    assert status == 1
    reports = json.loads(out)
    assert reports[0] == {
        "file": odd,
        "error": "analysis failed: ZeroDivisionError: division by zero",
    }
    assert len(reports[1]["challenges"]) == 2


def test_analyze_never_touches_the_database(tmp_path):
    # No `db` fixture: pytest-django fails any query made here.
    good = write(tmp_path, "good.json", sample_data())
    out, status = run("analyze_diary", good, "--format", "json")
    assert status == 0


# import_diary ----------------------------------------------------------------------------


def test_import_creates_the_patient_and_the_program(tmp_path, catalogue):
    path = write(tmp_path, "ivy.json", sample_data())
    call_command("import_diary", path, "--email", "Ivy@Example.com", stdout=StringIO())
    ivy = User.objects.get(email="ivy@example.com")
    assert ivy.role == User.Role.PATIENT
    assert ivy.full_name == "Ivy Import"
    assert ivy.timezone == "Europe/Oslo"
    assert not ivy.has_usable_password()
    program = Program.objects.get(patient=ivy)
    assert program.status == Program.Status.REINTRODUCTION
    assert program.protocol.slug == "anti-inflammatory"
    challenges = list(program.challenges.order_by("position"))
    assert [c.food_group.slug for c in challenges] == ["gluten", "dairy", "eggs"]
    assert [c.status for c in challenges] == ["done", "done", "planned"]
    assert DoseRow.objects.filter(challenge__program=program).count() == 6
    assert DailyEntry.objects.filter(program=program).count() == 70


def test_import_of_a_file_with_a_bad_entry_late_writes_nothing(tmp_path, catalogue):
    data = bad(lambda d: d["entries"][69]["scores"].update(pain=11))
    data["entries"][68]["confounders"] = ["moonphase"]
    path = write(tmp_path, "late.json", data)
    with pytest.raises(CommandError) as exc:
        call_command("import_diary", path, "--email", "ivy@example.com", stdout=StringIO())
    message = str(exc.value)
    assert "entries[69].scores.pain: must be from 0 to 10, got 11" in message
    assert "entries[68].confounders[0]: unknown confounder 'moonphase'" in message
    assert not User.objects.filter(email="ivy@example.com").exists()
    assert not Program.objects.exists()


def test_import_is_all_or_nothing_when_the_database_fails_late(tmp_path, catalogue):
    path = write(tmp_path, "ivy.json", sample_data())
    boom = mock.patch.object(DailyEntry.objects, "bulk_create", side_effect=RuntimeError("disk"))
    with boom, pytest.raises(RuntimeError):
        call_command("import_diary", path, "--email", "ivy@example.com", stdout=StringIO())
    assert not Program.objects.exists()
    assert not Challenge.objects.exists()
    assert not User.objects.filter(email="ivy@example.com").exists()


def test_import_is_refused_when_the_patient_already_runs_a_program(tmp_path, patient, catalogue):
    make_program(patient)
    path = write(tmp_path, "pat.json", sample_data())
    with pytest.raises(CommandError, match="already has a program running"):
        call_command("import_diary", path, "--email", patient.email, stdout=StringIO())
    assert Program.objects.filter(patient=patient).count() == 1


def test_program_import_refuses_a_protocol_missing_from_the_catalogue(patient, catalogue):
    data = sample_data()
    data["program"]["protocol"] = "six-food"
    Protocol.objects.filter(slug="six-food").delete()  # a clinic that does not offer it
    with pytest.raises(ImportRefused, match=r"program\.protocol: protocol 'six-food'"):
        program_import(document=parse_document(data), patient=patient)
    assert not Program.objects.exists()


# export_diary and the round trip ---------------------------------------------------------


def lived_program(patient) -> Program:
    """Pat's program with a done, a stopped (red flag) and a blinded challenge, and a diary."""
    program = make_program(patient)
    challenges = list(program.challenges.order_by("position"))
    first = START + timedelta(days=21)
    for k, challenge in enumerate(challenges[:3]):
        challenge.first_dose_day = first + timedelta(days=7 * k)
        challenge.status = Challenge.Status.DONE
    challenges[1].status = Challenge.Status.STOPPED
    challenges[1].stop_day = challenges[1].first_dose_day + timedelta(days=1)
    challenges[1].stop_reason = "2026-02-03: hives"
    challenges[1].red_flags = ["skin"]
    challenges[2].blinded = True
    for challenge in challenges[:3]:
        challenge.save()
        last = 2 if challenge.status == Challenge.Status.STOPPED else 3
        for step in range(1, last + 1):
            DoseRow.objects.create(
                challenge=challenge,
                date=challenge.first_dose_day + timedelta(days=step - 1),
                step=step,
                portion=f"{step} slice(s)",
                taken=None if step == 3 else step == 1,
                arm=("placebo" if step == 2 else "active") if challenge.blinded else "",
            )
    program.status = Program.Status.REINTRODUCTION
    program.save()
    log_days(program, START, START + timedelta(days=45))
    DailyEntry.objects.filter(program=program, date=START + timedelta(days=3)).update(
        confounders=["illness"], off_plan=["gluten"], note="Birthday cake, ø and é"
    )
    # The app refreshes its verdicts and long-term plan on every save; the export carries them.
    program_refresh(program=program, today=patient.local_today())
    return program


def without_exported_at(text: str) -> dict:
    data = json.loads(text)
    assert data.pop("exported_at").endswith("Z")
    return data


def test_program_document_maps_the_orm_in_few_queries(
    patient, catalogue, django_assert_num_queries
):
    program = lived_program(patient)
    with django_assert_num_queries(5):  # program, challenges, doses, long-term plan, entries
        doc = program_document(program)
    assert doc.patient == Patient("Europe/Oslo", "Pat Doe")
    assert doc.program.protocol == "anti-inflammatory"
    assert doc.program.started_on == START
    gluten, stopped, blinded, *planned = doc.program.challenges
    assert gluten.started_on == START + timedelta(days=21)
    assert [d.taken for d in gluten.doses] == [True, False, True]  # None exported as taken
    assert stopped.stopped_early_on == START + timedelta(days=29)
    assert stopped.stop_reason == "red_flag"
    assert [d.arm for d in blinded.doses] == ["active", "placebo", "active"]
    assert all(d.arm is None for d in gluten.doses)
    assert planned and all(c.started_on is None and c.status == "planned" for c in planned)
    assert [e.date for e in doc.entries] == sorted(e.date for e in doc.entries)
    assert parse_document(dump_document(doc)) == doc  # a valid document


def test_export_to_stdout_and_to_a_file_give_the_same_document(tmp_path, patient, catalogue):
    lived_program(patient)
    out = StringIO()
    call_command("export_diary", "--email", patient.email, stdout=out)
    target = tmp_path / "pat.json"
    call_command("export_diary", "--email", patient.email, "-o", str(target), stderr=StringIO())
    text = target.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "dietplanner-diary",\n  "version": 2,')
    assert "Birthday cake, ø and é" in text  # UTF-8, not \u escapes
    assert without_exported_at(out.getvalue()) == without_exported_at(text)


def test_round_trip_export_import_export_is_identical_apart_from_exported_at(
    tmp_path, patient, catalogue
):
    lived_program(patient)
    first = tmp_path / "first.json"
    call_command("export_diary", "--email", patient.email, "-o", str(first), stderr=StringIO())
    call_command("import_diary", str(first), "--email", "pat2@example.com", stdout=StringIO())
    second = tmp_path / "second.json"
    call_command(
        "export_diary", "--email", "pat2@example.com", "-o", str(second), stderr=StringIO()
    )
    a = without_exported_at(first.read_text(encoding="utf-8"))
    b = without_exported_at(second.read_text(encoding="utf-8"))
    assert a == b
    assert list(a) == list(b)  # same key order too
    copy_ = Program.objects.get(patient__email="pat2@example.com")
    stopped = copy_.challenges.get(position=1)
    assert stopped.status == "stopped" and stopped.no_home_retest


def test_round_trip_after_deleting_the_original_rows(tmp_path, patient, catalogue):
    program = lived_program(patient)
    first = tmp_path / "first.json"
    call_command("export_diary", "--email", patient.email, "-o", str(first), stderr=StringIO())
    program.delete()
    call_command("import_diary", str(first), "--email", patient.email, stdout=StringIO())
    second = StringIO()
    call_command("export_diary", "--email", patient.email, stdout=second)
    assert without_exported_at(first.read_text("utf-8")) == without_exported_at(second.getvalue())


def test_export_prefers_the_running_program_over_a_later_finished_one(patient, catalogue):
    running = make_program(patient)
    Program.objects.create(
        patient=patient,
        protocol=running.protocol,
        start_date=date(2027, 1, 1),
        baseline_days=21,
        symptoms=["pain"],
        status=Program.Status.COMPLETED,
    )
    out = StringIO()
    call_command("export_diary", "--email", patient.email, stdout=out)
    assert json.loads(out.getvalue())["program"]["started_on"] == START.isoformat()


def test_export_of_an_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No user with the e-mail address 'nobody@example.com'"):
        call_command("export_diary", "--email", "nobody@example.com", stdout=StringIO())


def test_export_of_a_patient_without_program_is_a_clear_error(other_patient):
    with pytest.raises(CommandError, match="has no program to export"):
        call_command("export_diary", "--email", other_patient.email, stdout=StringIO())


def test_analyze_in_parallel_gives_the_same_output_in_the_same_order(tmp_path):
    files = [write(tmp_path, f"d{i}.json", sample_data()) for i in range(6)]
    files.insert(3, write(tmp_path, "broken.json", bad(BAD_FILES["score_11"][0])))
    one, status_one = run("analyze_diary", *files, "--format", "json", "--jobs", "1")
    many, status_many = run("analyze_diary", *files, "--format", "json", "--jobs", "3")
    assert (status_one, status_many) == (1, 1)
    assert one == many
    assert [r["file"] for r in json.loads(many)] == files


def test_a_finished_diary_imported_without_statuses_exports_its_tests_as_done(tmp_path, catalogue):
    """A file that leaves challenge statuses out imports its started tests as running; the
    import stores what the calendar implies, so the export says they are done (it used to
    write every test of a finished program as `active` until the patient opened Today)."""
    data = sample_data()
    data["program"]["challenges"] = data["program"]["challenges"][:2]  # gluten, dairy
    for challenge in data["program"]["challenges"]:
        del challenge["status"]
    path = write(tmp_path, "no_statuses.json", data)
    call_command("import_diary", path, "--email", "ivy@example.com", stdout=StringIO())
    program = Program.objects.get(patient__email="ivy@example.com")
    assert sorted(program.challenges.values_list("status", flat=True)) == ["done", "done"]
    assert program.status == Program.Status.COMPLETED
    out = StringIO()
    call_command("export_diary", "--email", "ivy@example.com", stdout=out)
    exported = json.loads(out.getvalue())["program"]["challenges"]
    assert [c["status"] for c in exported] == ["done", "done"]


def test_the_export_reads_statuses_the_calendar_implies_before_any_refresh(catalogue):
    """Dose days over and washouts settled, but stored as running (no refresh since): the
    export says done, as the program record derives it."""
    ivy = User.objects.create_user(email="ivy@example.com", password=None, role="patient")
    program = program_import(document=parse_document(sample_data()), patient=ivy)
    Challenge.objects.filter(program=program, first_dose_day__isnull=False).update(
        status=Challenge.Status.ACTIVE
    )
    exported = dump_document(program_document(program))["program"]["challenges"]
    assert [c["status"] for c in exported] == ["done", "done", "planned"]
