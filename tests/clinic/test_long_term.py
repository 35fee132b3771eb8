"""The dietitian's long-term plan page: read, change one group, 404 for anyone else."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import AccessRecord
from dietplanner.programs.models import GroupPlan, PlanChange
from tests.conftest import sign_in
from tests.programs.longterm_factories import LAST_DAY, program_after_dairy_test

pytestmark = pytest.mark.django_db


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def page_url(patient) -> str:
    return reverse("clinic:long-term", args=[patient.public_id])


def change_url(patient, slug="dairy") -> str:
    return reverse("clinic:long-term-change", args=[patient.public_id, slug])


def form(status, **extra) -> dict:
    data = {"dairy-status": status}
    data.update({f"dairy-{k}": v for k, v in extra.items()})
    return data


def test_dietitian_sees_the_suggested_plan_and_the_access_is_recorded(
    dietitian_client, dietitian, patient, catalogue
):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        html = dietitian_client.get(page_url(patient)).content.decode()
    assert "Dairy: fine up to 1/2 cup of milk (120 ml) at a time." in html
    assert "Suggested from the test results" in html
    assert AccessRecord.objects.filter(dietitian=dietitian, patient=patient, what="plan").exists()


def test_dietitian_changes_dairy_to_avoid_with_a_retest_date_and_the_patient_sees_who(
    dietitian_client, dietitian, patient, client, catalogue
):
    program, _ = program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        response = dietitian_client.post(
            change_url(patient), form("avoid", retest_on="2026-06-01", note="Try yogurt first.")
        )
    assert response.status_code == 302
    plan = GroupPlan.objects.get(program=program, food_group__slug="dairy")
    assert (plan.status, plan.retest_on, plan.changed_by) == ("avoid", date(2026, 6, 1), dietitian)
    assert PlanChange.objects.filter(program=program, author=dietitian).count() == 1
    client.force_login(patient)
    with at(LAST_DAY):
        html = client.get(reverse("programs:long-term")).content.decode()
    assert "Try yogurt first." in html and f"Changed by {dietitian.full_name}" in html


def test_a_limit_without_a_portion_and_a_past_retest_are_refused_with_messages(
    dietitian_client, patient, catalogue
):
    program, _ = program_after_dairy_test(patient, rise_from=2)
    with at(LAST_DAY):
        response = dietitian_client.post(change_url(patient), form("limit"))
        assert response.status_code == 400
        assert "Choose the portion, or write one." in response.content.decode()
        response = dietitian_client.post(change_url(patient), form("avoid", retest_on="2020-01-01"))
        assert response.status_code == 400
        assert "from today to three years ahead" in response.content.decode()
        response = dietitian_client.post(change_url(patient), form("never"))
        assert response.status_code == 400
    assert GroupPlan.objects.get(program=program, food_group__slug="dairy").changed_by is None


def test_a_written_portion_with_grams_is_kept(dietitian_client, patient, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=2)
    with at(LAST_DAY):
        dietitian_client.post(change_url(patient), form("limit", limit_text="30 g of hard cheese"))
    plan = GroupPlan.objects.get(program=program, food_group__slug="dairy")
    assert plan.in_words() == "Dairy: fine up to 30 g of hard cheese at a time."


def test_a_group_without_a_plan_is_404(dietitian_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        assert dietitian_client.post(change_url(patient, "gluten"), form("free")).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_dietitian_without_a_link_gets_404(client, other_dietitian, patient, catalogue, method):
    program_after_dairy_test(patient, rise_from=4)
    sign_in(client, other_dietitian)
    url = page_url(patient) if method == "get" else change_url(patient)
    response = getattr(client, method)(url, form("free"))
    assert response.status_code == 404


def test_a_patient_gets_404_on_the_dietitians_page(patient_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    assert patient_client.get(page_url(patient)).status_code == 404
    assert patient_client.post(change_url(patient), form("free")).status_code == 404


def test_the_report_and_its_pdf_show_the_plan(dietitian_client, patient, catalogue):
    program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY + timedelta(days=1)):
        html = dietitian_client.get(reverse("clinic:report", args=[patient.public_id]))
    assert "Long-term plan" in html.content.decode()
    assert "Fine up to 1/2 cup of milk (120 ml)" in html.content.decode()
    with at(LAST_DAY + timedelta(days=1)):
        pdf = dietitian_client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_limit_may_carry_a_date_to_try_more(dietitian_client, patient, catalogue):
    program, _ = program_after_dairy_test(patient, rise_from=4)
    with at(LAST_DAY):
        dietitian_client.post(
            change_url(patient), form("limit", limit_step="2", retest_on="2026-06-01")
        )
    plan = GroupPlan.objects.get(program=program, food_group__slug="dairy")
    assert plan.in_words() == (
        "Dairy: fine up to 1/2 cup of milk (120 ml) at a time. Try more from 1 June 2026."
    )
