"""Six-food is judged by endoscopy: no verdict from symptom scores on any page, and the
dietitian's recorded endoscopy outcome becomes the group's result and long-term plan."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.diary.services import entry_save
from dietplanner.programs.endoscopy_services import EndoscopyError, endoscopy_record
from dietplanner.programs.exchange import program_document
from dietplanner.programs.models import DailyEntry, GroupPlan, Program
from dietplanner.programs.selectors import group_statuses
from dietplanner.programs.services import challenge_start, program_start
from foods.models import Protocol
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

START = date(2026, 1, 5)
BASELINE = 42
FIRST_DOSE = START + timedelta(days=BASELINE)
ENDOSCOPY_DAY = FIRST_DOSE + timedelta(days=30)
WOBBLE = (3, 2, 3, 4, 3, 2, 4)
PENDING = "To be assessed at your next endoscopy"


def _score(day, i, react):
    if react and day >= FIRST_DOSE + timedelta(days=1):
        return 8
    return WOBBLE[((day - START).days + i) % len(WOBBLE)]


def six_food(patient, dietitian, *, react=True):
    """A six-food program started by Dana, its first group brought back with a clear rise in
    every score (`react`) or none."""
    program = program_start(
        patient=patient,
        protocol=Protocol.objects.get(slug="six-food"),
        start_date=START,
        baseline_days=BASELINE,
        symptoms=["swallowing", "food_sticking", "heartburn", "pain"],
        today=START,
        started_by=dietitian,
    )
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=START + timedelta(days=k),
            scores={
                s: _score(START + timedelta(days=k), i, False)
                for i, s in enumerate(program.symptoms)
            },
        )
        for k in range(BASELINE)
    )
    challenge = program.challenges.order_by("position").first()
    challenge_start(challenge=challenge, on=FIRST_DOSE)
    for k in range(8):
        day = FIRST_DOSE + timedelta(days=k)
        scores = {s: _score(day, i, react) for i, s in enumerate(program.symptoms)}
        entry_save(program=program, on=day, today=day, scores=scores)
    challenge.refresh_from_db()
    return program, challenge


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def record(challenge, dietitian, outcome="reaction_found", on=ENDOSCOPY_DAY, note=""):
    with at(ENDOSCOPY_DAY + timedelta(days=1)):
        return endoscopy_record(
            challenge=challenge,
            dietitian=dietitian,
            outcome=outcome,
            on=on,
            note=note,
            today=ENDOSCOPY_DAY + timedelta(days=1),
        )


# --- no automatic verdict ------------------------------------------------------------------------


def test_a_clear_rise_on_six_food_awaits_the_endoscopy(patient, dietitian):
    _, challenge = six_food(patient, dietitian)

    assert challenge.verdict == "endoscopy"
    assert challenge.verdict_label == PENDING
    assert challenge.verdict_probability is None
    assert challenge.verdict_detail["symptom_verdict"] == "trigger"  # kept as context
    assert challenge.verdict_detail["symptoms"]


def test_the_results_page_shows_the_scores_as_context_never_a_verdict(
    patient_client, patient, dietitian
):
    six_food(patient, dietitian)

    with at(FIRST_DOSE + timedelta(days=10)):
        html = patient_client.get(reverse("programs:results")).content.decode()

    assert PENDING in html
    assert "What your symptom scores showed (context, not the result)" in html
    assert "(at your next endoscopy)" in html
    for verdict_words in ("Likely trigger", "Tolerated", "How sure", "Keep out for now"):
        assert verdict_words not in html


def test_the_lookup_leaves_the_group_out_and_calls_it_neither_trigger_nor_tolerated(
    patient, dietitian
):
    program, challenge = six_food(patient, dietitian)
    for react in (True, False):
        statuses = group_statuses(program)
        assert statuses[challenge.food_group.slug] not in ("trigger", "tolerated")
        if react:
            Program.objects.filter(pk=program.pk).delete()
            program, challenge = six_food(patient, dietitian, react=False)


def test_the_report_csv_and_pdf_say_to_be_assessed(
    dietitian_client, patient, dietitian, monkeypatch
):
    six_food(patient, dietitian)
    monkeypatch.setattr(
        "dietplanner.clinic.pdf.draw_pdf", lambda html, css, base_url: html.encode()
    )
    args = [patient.public_id]

    with at(FIRST_DOSE + timedelta(days=10)):
        report = dietitian_client.get(reverse("clinic:report", args=args)).content.decode()
        pdf_html = dietitian_client.get(reverse("clinic:report-pdf", args=args)).content.decode()
        csv = dietitian_client.get(reverse("clinic:diary-csv", args=args)).content.decode()

    for page in (report, pdf_html):
        assert "To be assessed at the client&#x27;s next endoscopy" in page
        assert "Symptom scores, context only:" in page
        assert "to be assessed at the next endoscopy; record its outcome" in page
        assert "Likely trigger" not in page and "keep out or look for a tolerated" not in page
    assert PENDING in csv and "Likely trigger" not in csv
    assert reverse("clinic:endoscopy", args=args) in report


def test_the_diary_export_carries_no_symptom_verdict_for_a_group_awaiting_endoscopy(
    patient, dietitian
):
    program, _ = six_food(patient, dietitian)

    [first, *_] = program_document(program).program.challenges

    assert first.verdict is None and first.probability is None


# --- the dietitian records the outcome -------------------------------------------------------


def test_a_reaction_found_becomes_the_result_and_keeps_the_food_out(
    patient_client, patient, dietitian
):
    program, challenge = six_food(patient, dietitian, react=False)

    row = record(challenge, dietitian, note="18 eos/hpf")

    challenge.refresh_from_db()
    assert row.recorded_by == dietitian and row.recorded_at is not None
    assert challenge.verdict == "trigger"
    assert challenge.verdict_label == "Reaction found at endoscopy"
    plan = GroupPlan.objects.get(program=program, food_group=challenge.food_group)
    assert plan.status == GroupPlan.Status.AVOID
    assert group_statuses(program)[challenge.food_group.slug] == "trigger"
    with at(ENDOSCOPY_DAY + timedelta(days=1)):
        html = patient_client.get(reverse("programs:results")).content.decode()
    day = f"{ENDOSCOPY_DAY.day} {ENDOSCOPY_DAY:%B %Y}"
    assert f"The endoscopy on {day} showed a reaction: keep this food out. Note: 18 eos/hpf" in html
    assert "Reaction found at endoscopy" in html


def test_remission_kept_brings_the_food_back(patient, dietitian):
    program, challenge = six_food(patient, dietitian)  # scores rose, the endoscopy decides

    record(challenge, dietitian, outcome="remission_kept")

    challenge.refresh_from_db()
    assert challenge.verdict == "tolerated"
    assert challenge.verdict_label == "No reaction at endoscopy"
    plan = GroupPlan.objects.get(program=program, food_group=challenge.food_group)
    assert plan.status == GroupPlan.Status.FREE


def test_not_assessed_leaves_it_pending_and_needs_no_date(patient, dietitian):
    _, challenge = six_food(patient, dietitian)

    record(challenge, dietitian, outcome="not_assessed", on=None)

    challenge.refresh_from_db()
    assert challenge.verdict == "endoscopy" and challenge.verdict_label == PENDING


@pytest.mark.parametrize(
    "outcome, on, message",
    [
        ("reaction_found", None, "Give the date of the endoscopy"),
        ("reaction_found", ENDOSCOPY_DAY + timedelta(days=5), "cannot be in the future"),
        ("reaction_found", FIRST_DOSE - timedelta(days=1), "before this food group came back"),
        ("unheard_of", ENDOSCOPY_DAY, "Choose what the endoscopy showed"),
    ],
)
def test_outcomes_that_cannot_be_right_are_refused(patient, dietitian, outcome, on, message):
    _, challenge = six_food(patient, dietitian)

    with pytest.raises(EndoscopyError, match=message):
        record(challenge, dietitian, outcome=outcome, on=on)


def test_only_the_linked_dietitian_records_an_outcome(patient, dietitian, other_dietitian):
    _, challenge = six_food(patient, dietitian)

    with pytest.raises(EndoscopyError, match="linked dietitian"):
        record(challenge, other_dietitian)


# --- the dietitian's page ----------------------------------------------------------------------


def endoscopy_url(patient):
    return reverse("clinic:endoscopy", args=[patient.public_id])


def page_data(challenge, **fields) -> dict:
    """The POST of one group's form on the page (its fields carry the group's prefix)."""
    prefix = f"c{challenge.public_id.hex[:8]}"
    return {"challenge": str(challenge.public_id)} | {
        f"{prefix}-{name}": value for name, value in fields.items()
    }


def test_the_dietitian_records_an_outcome_on_the_page(dietitian_client, patient, dietitian):
    _, challenge = six_food(patient, dietitian)
    data = page_data(
        challenge,
        outcome="reaction_found",
        endoscopy_on=ENDOSCOPY_DAY.isoformat(),
        note="Active EoE",
    )

    with at(ENDOSCOPY_DAY + timedelta(days=1)):
        response = dietitian_client.post(endoscopy_url(patient), data)
        html = dietitian_client.get(endoscopy_url(patient)).content.decode()

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger"
    assert "Recorded:</span> Reaction found: keep the food out" in html
    assert "by Dana Dietitian" in html and "Active EoE" in html


def test_a_bad_date_on_the_page_says_why_and_saves_nothing(dietitian_client, patient, dietitian):
    _, challenge = six_food(patient, dietitian)
    data = page_data(challenge, outcome="reaction_found", endoscopy_on="yesterday-ish")

    response = dietitian_client.post(endoscopy_url(patient), data)

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.verdict == "endoscopy"


def test_the_page_is_404_for_outsiders_and_for_a_diet_read_from_scores(
    client, patient, dietitian, other_dietitian
):
    six_food(patient, dietitian)
    sign_in(client, other_dietitian)
    assert client.get(endoscopy_url(patient)).status_code == 404

    Program.objects.filter(patient=patient).update(protocol=Protocol.objects.get(slug="low-fodmap"))
    sign_in(client, dietitian)
    assert client.get(endoscopy_url(patient)).status_code == 404


def test_an_exported_outcome_comes_back_on_import_as_the_groups_result(patient, dietitian):
    from dietplanner.analysis.exchange import dump_json, parse_json
    from dietplanner.programs.exchange import program_import
    from dietplanner.programs.group_plans import results_refresh
    from tests.conftest import make_user, screened

    program, challenge = six_food(patient, dietitian)
    record(challenge, dietitian, note="18 eos/hpf")
    body = dump_json(program_document(program))
    ivy = screened(make_user("ivy@example.com", "Ivy Import", "patient"))

    imported = program_import(document=parse_json(body), patient=ivy, clinic_only_allowed=True)
    results_refresh(program=imported, today=ENDOSCOPY_DAY + timedelta(days=1))

    again = imported.challenges.get(food_group=challenge.food_group)
    assert again.verdict == "trigger"
    assert again.verdict_label == "Reaction found at endoscopy"
    assert again.endoscopy.recorded_by_name == "Dana Dietitian"
    assert again.endoscopy.note == "18 eos/hpf"


def test_the_page_costs_the_same_few_queries_however_many_groups_came_back(
    dietitian_client, patient, dietitian, django_assert_max_num_queries
):
    program, challenge = six_food(patient, dietitian)
    record(challenge, dietitian)
    program.challenges.exclude(pk=challenge.pk).update(status="done", first_dose_day=FIRST_DOSE)
    dietitian_client.get(endoscopy_url(patient))  # session and two-step state settled

    with django_assert_max_num_queries(12):
        html = dietitian_client.get(endoscopy_url(patient)).content.decode()
    assert html.count("What the endoscopy showed") == 6
    assert html.count("Recorded:") == 1
