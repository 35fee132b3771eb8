"""The long-term plan stored per group: derived from the results, changed by the dietitian,
shown to the patient (their page, printable summary, calendar, lookup and diary file)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from dietplanner.analysis import vocabulary
from dietplanner.programs.group_plans import group_plan_change, group_plans_may_change, plan_inputs
from dietplanner.programs.models import GroupPlan, PlanChange, Program
from dietplanner.programs.record import load_record
from dietplanner.programs.services import program_lock, program_refresh
from tests.benchmarks.page_data import PIN_MOMENT, patient_with_program, pinned_time
from tests.clinic.factories import SYMPTOMS
from tests.conftest import sign_in
from tests.programs.longterm_factories import LAST_DAY, program_after_dairy_test

pytestmark = pytest.mark.django_db

PLAN_URL = reverse("programs:long-term")
SUMMARY_URL = reverse("programs:summary")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def test_the_stored_plan_uses_the_vocabulary_of_long_term_plans():
    assert list(GroupPlan.Status.values) == list(vocabulary.LONG_TERM_PLANS)


def dairy_plan(program) -> GroupPlan:
    return program.group_plans.get(food_group__slug="dairy")


def test_a_rise_after_the_second_portion_limits_dairy_to_the_second_portion(patient, catalogue):
    program, challenge = program_after_dairy_test(patient, rise_from=4)
    assert challenge.verdict == "trigger"
    plan = dairy_plan(program)
    assert (plan.status, plan.limit_step) == ("limit", 2)
    assert plan.in_words() == "Dairy: fine up to 1/2 cup of milk (120 ml) at a time."
    assert plan.in_words("metric") == "Dairy: fine up to 120 ml of milk (1/2 cup) at a time."


def test_a_rise_from_the_second_day_is_avoid_for_now_with_a_retest_about_three_months_on(
    patient, catalogue
):
    program, _ = program_after_dairy_test(patient, rise_from=2)
    plan = dairy_plan(program)
    assert plan.status == "avoid"
    assert 88 <= (plan.retest_on - LAST_DAY).days <= 92


def test_a_tolerated_group_is_back_on_the_menu_and_running_ones_have_no_plan(patient, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=None)
    assert [(p.food_group.slug, p.status) for p in program.group_plans.all()] == [("dairy", "free")]


def test_when_the_program_ends_untested_groups_are_tested_again_not_left_out(patient, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=None)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)
    program.refresh_from_db()
    program_refresh(program=program, today=LAST_DAY)
    statuses = {p.food_group.slug: p.status for p in program.group_plans.all()}
    assert statuses["dairy"] == "free"
    assert statuses["gluten"] == "test_again"
    assert len(statuses) == len({c.food_group_id for c in program.challenges.all()})


def test_a_dietitians_change_is_logged_and_never_overwritten_by_the_results(
    patient, dietitian, catalogue
):
    program, _ = program_after_dairy_test(patient, rise_from=2)
    plan = dairy_plan(program)
    group_plan_change(plan=plan, author=dietitian, status="limit", limit_step=1, note="With food.")
    change = PlanChange.objects.get(program=program)
    assert change.author == dietitian
    assert change.summary.startswith("Long-term plan, Dairy: fine up to 1/4 cup of milk (60 ml)")
    assert "(was: avoid for now." in change.summary
    program_refresh(program=program, today=LAST_DAY)
    plan.refresh_from_db()
    assert (plan.status, plan.limit_step, plan.changed_by) == ("limit", 1, dietitian)


def test_patient_sees_their_plan_with_who_changed_it(patient_client, patient, dietitian, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=4)
    group_plan_change(
        plan=dairy_plan(program), author=dietitian, status="avoid", retest_on=date(2026, 6, 1)
    )
    with at(LAST_DAY):
        html = patient_client.get(PLAN_URL).content.decode()
    assert "Dairy: avoid for now. Test again from 1 June 2026." in html
    assert f"Changed by {dietitian.full_name}" in html
    assert "was: fine up to 1/2 cup of milk (120 ml) at a time" in html


def test_patient_plan_page_words_portions_in_their_measures(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    patient.measures = "metric"
    patient.save(update_fields=["measures"])
    with at(LAST_DAY):
        html = patient_client.get(PLAN_URL).content.decode()
    assert "fine up to 120 ml of milk (1/2 cup)" in html


def test_patient_without_a_program_or_a_finished_test_sees_what_comes(patient_client, catalogue):
    assert b"You have no elimination program yet" in patient_client.get(PLAN_URL).content


def test_the_printable_summary_has_the_plan_and_each_result(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        html = patient_client.get(SUMMARY_URL).content.decode()
    assert "Fine up to 1/2 cup of milk (120 ml)" in html
    assert "Dairy (from" in html and "Likely trigger" in html


@pytest.mark.parametrize("url", [PLAN_URL, SUMMARY_URL])
def test_dietitian_gets_404_on_the_patients_own_pages(dietitian_client, url):
    assert dietitian_client.get(url).status_code == 404


def test_other_patient_sees_only_their_own_empty_plan(client, patient, other_patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    client.force_login(other_patient)
    html = client.get(PLAN_URL).content.decode()
    assert "Dairy" not in html


def test_calendar_download_has_the_retest_date(patient_client, patient, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=2)
    retest = dairy_plan(program).retest_on
    with at(LAST_DAY):
        ics = patient_client.get(reverse("programs:ical")).content.decode()
    assert "SUMMARY:Time to test dairy again" in ics
    assert f"DTSTART;VALUE=DATE:{retest:%Y%m%d}" in ics


def test_the_diary_file_carries_the_plan(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        data = json.loads(patient_client.get(reverse("programs:my-data-download")).content)
    assert data["long_term_plan"] == [
        {
            "food_group": "dairy",
            "plan": "limit",
            "portion": "1/2 cup of milk (120 ml)",
            "retest_on": None,
            "note": "",
            "changed_by": None,
        }
    ]


def test_the_lookup_answers_from_the_plan(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        response = patient_client.get(reverse("foods:lookup"), {"q": "milk"})
    milk = next(r for r in response.context["lookup"].results if r.food.name == "Milk")
    answer = response.context["personal"][milk.food.pk]
    assert answer.key == "limit"
    assert "For you: Dairy: fine up to 1/2 cup of milk (120 ml) at a time." in (
        response.content.decode()
    )


def test_a_nuts_result_does_not_answer_for_peanuts_in_the_lookup(
    patient_client, patient, catalogue
):
    program, _ = program_after_dairy_test(patient, rise_from=None)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)
    program.refresh_from_db()
    program_refresh(program=program, today=LAST_DAY)
    program.group_plans.filter(food_group__slug="nuts").update(status="free")
    response = patient_client.get(reverse("foods:lookup"), {"q": "nuts"})
    answers = {
        r.food.name: response.context["personal"][r.food.pk]
        for r in response.context["lookup"].results
    }
    assert answers["Walnuts"].key == "free"
    assert answers["Peanuts"].key == "untested"
    assert "Not covered by your nuts test" in answers["Peanuts"].label


def test_plan_queries_stay_few(patient_client, patient, catalogue, django_assert_max_num_queries):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY), django_assert_max_num_queries(8):
        patient_client.get(PLAN_URL)
    with at(LAST_DAY + timedelta(days=1)), django_assert_max_num_queries(9):
        patient_client.get(SUMMARY_URL)


def test_the_results_summary_leads_to_the_long_term_plan(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        html = patient_client.get(reverse("programs:results")).content.decode()
    summary = html.split('class="card border-primary mb-4 results-summary"', 1)[1].split(
        "</section>"
    )[0]
    assert f'<a href="{PLAN_URL}">Your long-term plan</a>' in summary


def test_check_ins_that_do_not_read_the_plans_leave_them_as_a_full_refresh_would(client, catalogue):
    """A check-in reads the stored plans only when it may move them (a finished test's verdict,
    window or usual levels): after check-ins on each editable day, a full refresh (every input
    changed) rewrites no plan."""

    def plans(program):
        return sorted(
            GroupPlan.objects.filter(program=program).values_list(
                "food_group_id", "status", "limit_step", "retest_on", "reason", "no_home_retest"
            )
        )

    with pinned_time():
        patient = patient_with_program("long@example.com", 120)
        program = Program.objects.get(patient=patient)
        assert plans(program), "finished tests have a plan"
        sign_in(client, patient)
        today = PIN_MOMENT.date()
        for back, score in ((0, "9"), (0, "0"), (1, "8"), (4, "0"), (6, "10")):
            day = today - timedelta(days=back)
            data = {f"score_{s}": score for s in SYMPTOMS} | {"day": day.isoformat()}
            response = client.post(reverse("diary:checkin"), data, HTTP_HX_REQUEST="true")
            assert response.status_code == 200
            stored = plans(program)
            with transaction.atomic():
                program_refresh(program=program_lock(program.pk), today=today)
            assert plans(program) == stored, day


def test_a_save_reads_the_plans_only_when_a_finished_tests_plan_inputs_moved(catalogue):
    """Each check-in nudges the finished tests' figures (the noise estimate reads every quiet
    day); the plans are read again only when what they are derived from moved."""
    with pinned_time():
        program = Program.objects.get(patient=patient_with_program("long@example.com", 120))
        today = PIN_MOMENT.date()
        record = load_record(program, today=today)
        finished = record.challenges[0]
        before = {c.pk: plan_inputs(c) for c in record.challenges}

        def may_change() -> bool:
            return group_plans_may_change(
                record, changed_on=today, rewritten=[finished], inputs_before=before
            )

        detail = finished.verdict_detail
        finished.verdict_detail = {**detail, "probability": 0.5}
        assert not may_change()
        symptoms = [dict(s) for s in detail["symptoms"]]
        symptoms[0]["reference_level"] += 1
        finished.verdict_detail = {**detail, "symptoms": symptoms}
        assert may_change()
        finished.verdict_detail = detail
        finished.verdict = "trigger"
        assert may_change()
