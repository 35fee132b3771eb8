""" "Who saw my data" misses no read: a refused htmx plan edit, the client list (one record per
patient per listing) and clinic staff reading notes or a patient's account in the admin."""

import pytest
from django.urls import reverse

from dietplanner.accounts.models import AccessRecord
from dietplanner.clinic.models import ClinicalNote
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def records(patient, what=None) -> list[tuple[str, str]]:
    found = AccessRecord.objects.filter(patient=patient).order_by("pk")
    if what:
        found = found.filter(what=what)
    return [(r.dietitian_name, r.what) for r in found]


def test_a_refused_htmx_plan_edit_that_shows_the_plan_is_recorded(
    dietitian_client, patient, program
):
    url = reverse("clinic:plan-extend", args=[patient.public_id])
    response = dietitian_client.post(url, {"days": "999"}, **HTMX)
    assert response.status_code == 200 and "Changes to the plan" in response.content.decode()
    assert records(patient) == [("Dana Dietitian", "plan")]


def test_a_refused_plain_edit_records_only_the_page_it_leads_to(dietitian_client, patient, program):
    url = reverse("clinic:plan-extend", args=[patient.public_id])
    dietitian_client.post(url, {"days": "999"}, follow=True)
    assert records(patient) == [("Dana Dietitian", "plan")]


def test_a_successful_htmx_edit_is_one_record_of_the_change(dietitian_client, patient, program):
    url = reverse("clinic:plan-extend", args=[patient.public_id])
    dietitian_client.post(url, {"days": "2"}, **HTMX)
    assert records(patient) == [("Dana Dietitian", "plan_change")]


def test_the_client_list_records_one_access_per_listing(
    dietitian_client, dietitian, patient, other_patient, program
):
    dietitian_client.get(reverse("clinic:clients"))
    dietitian_client.get(reverse("clinic:clients"), {"sort": "-name"}, **HTMX)
    assert records(patient) == [("Dana Dietitian", "client_list")] * 2
    assert records(other_patient) == []  # not Dana's client, not on her list


def test_staff_reading_a_clinical_note_in_the_admin_is_recorded(client, admin, patient, dietitian):
    note = ClinicalNote.objects.create(patient=patient, author=dietitian, text="Sleeps badly.")
    sign_in(client, admin)
    assert client.get(reverse("admin:clinic_clinicalnote_changelist")).status_code == 200
    url = reverse("admin:clinic_clinicalnote_change", args=[note.pk])
    assert client.get(url).status_code == 200
    assert records(patient) == [("Ada Admin", "admin")] * 2


def test_staff_opening_a_patients_account_is_recorded_and_shown_to_the_patient(
    client, admin, patient, dietitian
):
    sign_in(client, admin)
    client.get(reverse("admin:accounts_user_change", args=[patient.pk]))
    client.get(reverse("admin:accounts_user_change", args=[dietitian.pk]))  # not a patient
    assert records(patient) == [("Ada Admin", "admin")]
    assert AccessRecord.objects.count() == 1 + 0  # the user list was not opened

    client.force_login(patient)
    html = client.get(reverse("accounts:who-saw")).content.decode()
    assert "Ada Admin" in html and "Clinic staff, in the admin" in html


def test_the_admins_user_list_records_each_patient_listed(
    client, admin, patient, other_patient, dietitian
):
    sign_in(client, admin)
    client.get(reverse("admin:accounts_user_changelist"))
    assert records(patient) == [("Ada Admin", "admin")]
    assert records(other_patient) == [("Ada Admin", "admin")]
    assert not AccessRecord.objects.filter(patient=dietitian).exists()


def test_a_paged_client_list_records_only_the_patients_on_the_page(
    dietitian_client, dietitian, program
):
    from dietplanner.accounts.models import CareLink, User

    for n in range(30):
        other = User.objects.create_user(email=f"c{n}@e.org", password="x", full_name=f"C {n}")
        CareLink.objects.create(dietitian=dietitian, patient=other, status="active")
    dietitian_client.get(reverse("clinic:clients"))
    assert AccessRecord.objects.filter(what="client_list").count() == 25  # one page
