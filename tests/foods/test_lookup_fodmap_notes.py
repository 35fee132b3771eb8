"""FODMAP portion notes go to patients on a FODMAP diet (or with no program), never to a patient
who leaves a whole group out: "a tablespoon or two is low in lactose" is no advice on a
dairy-free diet."""

import pytest
from django.urls import reverse

from foods.models import Food
from tests.diary.factories import make_program

from .test_lookup import card_of

pytestmark = pytest.mark.django_db
URL = reverse("foods:lookup")
LACTOSE_NOTE = "A tablespoon or two is low in lactose."


def test_an_anti_inflammatory_patient_is_not_shown_fodmap_portion_notes(
    patient_client, patient, catalogue
):
    make_program(patient, protocol="anti-inflammatory")
    card = card_of(patient_client.get(URL, {"q": "creme fraiche"}), "Crème fraîche")
    assert "low in lactose" not in card
    avocado = card_of(patient_client.get(URL, {"q": "avocado"}), "Avocado")
    assert "low-FODMAP" not in avocado and "60 g" not in avocado
    assert "Allowed</span> on your diet" in avocado


def test_a_low_fodmap_patient_sees_them(patient_client, patient, catalogue):
    make_program(patient, protocol="low-fodmap")
    card = card_of(patient_client.get(URL, {"q": "creme fraiche"}), "Crème fraîche")
    assert LACTOSE_NOTE in card
    avocado = card_of(patient_client.get(URL, {"q": "avocado"}), "Avocado")
    assert "Watch the portion" in avocado and "60 g" in avocado


def test_someone_without_a_program_sees_them_labelled_as_fodmap_advice(patient_client, catalogue):
    card = card_of(patient_client.get(URL, {"q": "creme fraiche"}), "Crème fraîche")
    assert f"On a low-FODMAP diet:</span> {LACTOSE_NOTE}" in card


def test_a_note_keeps_its_general_part_for_everyone(patient_client, patient, catalogue):
    make_program(patient, protocol="anti-inflammatory")
    card = card_of(patient_client.get(URL, {"q": "coconut milk"}), "Coconut milk")
    assert "Coconut is not counted as a tree nut." in card and "sorbitol" not in card


def test_sour_cream_is_not_a_synonym_of_creme_fraiche(catalogue):
    assert not any(
        "sour cream" in s.lower() for s in Food.objects.get(name="Crème fraîche").synonyms
    )
    assert Food.objects.get(name="Sour cream").fodmap_note == LACTOSE_NOTE
