"""Health answers travel with the diary: exported with who cleared them, kept on import, and
an imported program waits for answers (or the dietitian) before a new food test."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dietplanner.accounts.models import User
from dietplanner.analysis.exchange import dump_json, parse_document
from dietplanner.programs.exchange import ImportRefused, program_document, program_import
from dietplanner.programs.intake import (
    ANSWERS_FIRST,
    current_screening,
    screening_clear,
    screening_save,
)
from dietplanner.programs.models import Program, Screening
from dietplanner.programs.services import SCREENING_HOLD, PlanError, challenge_start
from tests.conftest import CLEAR_ANSWERS, make_user, screened, sign_in
from tests.diary.factories import START, make_program

from .test_exchange_commands import sample_data

pytestmark = pytest.mark.usefixtures("catalogue")

WORRYING = {**CLEAR_ANSWERS, "pregnant_or_breastfeeding": "yes"}


@pytest.fixture
def newcomer(db):
    """Nina, who never answered the health questions."""
    return make_user("nina@example.com", "Nina New", User.Role.PATIENT)


def document(screening=None, protocol="anti-inflammatory"):
    data = sample_data()
    data["program"]["protocol"] = protocol
    if screening is not None:
        data["screening"] = screening
    return parse_document(data)


def first_challenge(program):
    return program.challenges.order_by("position").first()


# --- export ------------------------------------------------------------------------------------


def test_the_export_carries_the_answers_the_program_ran_with_and_who_cleared_them(
    dietitian_client, patient, dietitian
):
    screened(patient, pregnant_or_breastfeeding="yes")
    screening_clear(screening=current_screening(patient), dietitian=dietitian, note="Seen, GP ok")
    program = make_program(patient)

    exported = program_document(program).screening
    body = json.loads(
        dietitian_client.get(reverse("clinic:diary-json", args=[patient.public_id])).content
    )

    assert exported.answers == WORRYING
    assert exported.cleared_by == "Dana Dietitian" and exported.cleared_at is not None
    assert exported.clearance_note == "Seen, GP ok"
    assert body["screening"]["answers"]["pregnant_or_breastfeeding"] == "yes"
    assert body["screening"]["cleared_by"] == "Dana Dietitian"


def test_the_patients_own_download_carries_their_answers(patient_client, patient):
    make_program(patient)

    body = json.loads(patient_client.get(reverse("programs:my-data-download")).content)

    assert body["screening"]["answers"] == CLEAR_ANSWERS
    assert body["screening"]["cleared_by"] is None


# --- import ------------------------------------------------------------------------------------


def test_an_import_keeps_the_files_answers_but_not_their_clearance(newcomer, dietitian):
    doc = document({"answers": WORRYING, "cleared_by": "Someone Else", "cleared_at": None})

    program = program_import(document=doc, patient=newcomer)

    kept = current_screening(newcomer)
    assert kept.answers == WORRYING and not kept.is_cleared
    assert program.screening == kept
    with pytest.raises(PlanError, match=SCREENING_HOLD):
        challenge_start(challenge=first_challenge(program), on=START)


def test_an_import_of_the_patients_own_answers_adds_no_second_copy(patient):
    before = Screening.objects.filter(patient=patient).count()
    doc = document({"answers": CLEAR_ANSWERS})

    program = program_import(document=doc, patient=patient)

    assert Screening.objects.filter(patient=patient).count() == before
    assert program.screening == current_screening(patient)


def test_an_imported_program_without_answers_asks_for_them_before_the_next_test(client, newcomer):
    program = program_import(document=document(), patient=newcomer)
    assert program.screening is None

    with pytest.raises(PlanError, match="answer the health questions"):
        challenge_start(challenge=first_challenge(program), on=START)
    sign_in(client, newcomer)
    html = client.get(reverse("programs:plan")).content.decode()
    assert "Please answer the health questions before your next food test" in html
    assert ANSWERS_FIRST.startswith("Please answer the health questions")

    screening_save(patient=newcomer, answers=CLEAR_ANSWERS)

    program.refresh_from_db()
    assert program.screening == current_screening(newcomer)
    with pytest.raises(PlanError) as caught:  # the plan decides now, not the answers
        challenge_start(challenge=first_challenge(program), on=START)
    assert "health questions" not in str(caught.value)


def test_a_patient_cannot_import_a_six_food_program_but_an_operator_can(
    patient_client, patient, newcomer
):
    body = dump_json(document(protocol="six-food"))

    response = patient_client.post(
        reverse("programs:my-data"),
        {"diary_file": SimpleUploadedFile("six.json", body.encode())},
    )

    assert response.status_code == 400
    assert "your dietitian starts it with you" in response.content.decode()
    assert not Program.objects.filter(patient=patient).exists()
    with pytest.raises(ImportRefused, match="eosinophilic oesophagitis"):
        program_import(document=document(protocol="six-food"), patient=newcomer)
    imported = program_import(
        document=document(protocol="six-food"), patient=newcomer, clinic_only_allowed=True
    )
    assert imported.protocol.slug == "six-food"


# --- changing the answers mid-program -----------------------------------------------------------


def test_a_mid_program_change_reaches_the_dietitian_whose_clearance_lets_tests_go_on(
    dietitian_client, patient, dietitian
):
    program = make_program(patient)
    screening_save(patient=patient, answers=WORRYING)
    with pytest.raises(PlanError, match=SCREENING_HOLD):
        challenge_start(challenge=first_challenge(program), on=START)

    report = dietitian_client.get(reverse("clinic:report", args=[patient.public_id]))
    assert "Needs a clinician before a home program" in report.content.decode()
    screening_clear(screening=current_screening(patient), dietitian=dietitian)

    with pytest.raises(PlanError) as caught:  # held by the plan only (the baseline runs)
        challenge_start(challenge=first_challenge(program), on=START)
    assert str(caught.value) != SCREENING_HOLD
