"""Erasure: a patient deletes their account and all their data; an admin can delete anyone,
including a dietitian who edited plans, and the patients keep their history."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts import services
from dietplanner.accounts.models import AccessRecord, User
from dietplanner.clinic.models import ClinicalNote
from dietplanner.programs.models import GroupPlan, PlanChange
from dietplanner.programs.services import plan_change_record
from foods.models import FoodGroup
from tests.conftest import PASSWORD, sign_in
from tests.diary.factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete-account")


@pytest.fixture
def pats_world(patient, dietitian, admin, catalogue):
    """Pat with a program, a diary, plan changes by her and by Dana, a note, access records,
    an admin history entry and failed log-ins."""
    program = make_program(patient)
    log_days(program, START, START + timedelta(days=9))
    plan_change_record(program=program, author=patient, summary="Moved dairy up.")
    plan_change_record(program=program, author=dietitian, summary="Skipped eggs.")
    ClinicalNote.objects.create(patient=patient, author=dietitian, text="Pat Doe sleeps badly.")
    GroupPlan.objects.create(
        program=program,
        food_group=FoodGroup.objects.get(slug="dairy"),
        status=GroupPlan.Status.AVOID,
        changed_by=dietitian,
        changed_at=timezone.now(),
    )
    AccessRecord.objects.create(dietitian=dietitian, patient=patient, what="report")
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(patient.pk),
        object_repr=str(patient),
        action_flag=CHANGE,
    )
    Client().post(reverse("accounts:login"), {"username": patient.email, "password": "wrong-1"})
    assert AccessAttempt.objects.filter(username=patient.email).exists()
    return program


def user_references() -> list[tuple[type[models.Model], models.Field]]:
    """Every field of every installed model that points at the user model."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is User
    ]


def leftovers(user_pk: int, *texts: str) -> list[str]:
    """Rows still pointing at the user, and text fields still holding any of `texts`."""
    found = [
        f"{model.__name__}.{field.name}"
        for model, field in user_references()
        if model.objects.filter(**{field.name: user_pk}).exists()
    ]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and field.concrete:
                for text in texts:
                    if model.objects.filter(**{f"{field.name}__icontains": text}).exists():
                        found.append(f"{model.__name__}.{field.name} holds {text!r}")
    return found


def test_the_registry_check_sees_every_model_that_points_at_users():
    names = {f"{model.__name__}.{field.name}" for model, field in user_references()}
    assert {
        "Program.patient",
        "PlanChange.author",
        "ClinicalNote.patient",
        "ClinicalNote.author",
        "CareLink.patient",
        "CareLink.dietitian",
        "AccessRecord.patient",
        "AccessRecord.dietitian",
        "DietitianCode.dietitian",
    } <= names


def test_a_patient_deletes_their_account_and_nothing_of_theirs_is_left(
    patient_client, patient, pats_world
):
    pk = patient.pk
    response = patient_client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("landing")
    assert b"Your account and all your data were deleted" in response.content
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(pk=pk).exists()
    assert leftovers(pk, "pat@example.com", "Pat Doe") == []
    assert not AccessAttempt.objects.filter(username="pat@example.com").exists()


def test_the_wrong_password_deletes_nothing(patient_client, patient, pats_world):
    response = patient_client.post(DELETE, {"password": "not-my-password"})
    assert response.status_code == 400
    assert b"This is not your password. Nothing was deleted." in response.content
    assert User.objects.filter(pk=patient.pk).exists()
    assert patient.programs.exists()


def test_the_page_offers_a_last_download_first(patient_client, pats_world):
    html = patient_client.get(DELETE).content.decode()
    assert reverse("programs:my-data-download") in html
    assert "Delete my account and all my data" in html


def test_only_patients_delete_themselves_here(dietitian_client):
    assert dietitian_client.get(DELETE).status_code == 404


def test_an_admin_deletes_a_dietitian_who_edited_plans_and_patients_keep_their_history(
    client, admin, patient, dietitian, pats_world
):
    sign_in(client, admin)
    url = reverse("admin:accounts_user_delete", args=[dietitian.pk])
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=dietitian.pk).exists()
    change = PlanChange.objects.get(summary="Skipped eggs.")
    assert change.author is None and change.author_name == "Dana Dietitian"
    plan = GroupPlan.objects.get(program__patient=patient)
    assert plan.changed_by is None and plan.changed_at is not None  # kept as Dana set it
    record = AccessRecord.objects.get(patient=patient, what="report")
    assert record.dietitian is None and record.dietitian_name == "Dana Dietitian"
    client.force_login(patient)
    who_saw = client.get(reverse("accounts:who-saw")).content.decode()
    assert "Dana Dietitian" in who_saw and "(account deleted)" in who_saw
    plan = client.get(reverse("programs:plan")).content.decode()
    assert "Dana Dietitian" in plan


def test_an_admin_deletes_a_patient_who_edited_their_plan(client, admin, patient, pats_world):
    sign_in(client, admin)
    response = client.post(
        reverse("admin:accounts_user_delete", args=[patient.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert leftovers(patient.pk, "pat@example.com", "Pat Doe") == []


def test_the_erasure_service_keeps_nothing_of_a_dietitian_but_the_names_in_others_history(
    dietitian, patient, pats_world
):
    services.account_erase(user=dietitian)
    assert [m for m in leftovers(dietitian.pk) if "holds" not in m] == []
    assert not ClinicalNote.objects.exists()  # private to their author
