import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import CareLink
from dietplanner.clinic.models import ClinicalNote
from tests.conftest import make_user, sign_in

pytestmark = pytest.mark.django_db


def add_url(patient):
    return reverse("clinic:note-add", args=[patient.public_id])


def edit_url(note):
    return reverse("clinic:note-edit", args=[note.patient.public_id, note.public_id])


def report_url(patient):
    return reverse("clinic:report", args=[patient.public_id])


@pytest.fixture
def colleague(patient):
    """Cleo: another dietitian with her own active link to Pat."""
    cleo = make_user("cleo@example.com", "Cleo Colleague", "dietitian")
    CareLink.objects.create(
        dietitian=cleo, patient=patient, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )
    return cleo


def test_adding_a_note_shows_it_in_the_report(dietitian_client, dietitian, patient, catalogue):
    response = dietitian_client.post(
        add_url(patient), {"written_on": "2026-02-01", "text": "Talked about dairy."}
    )
    assert response.status_code == 302 and response.url.endswith("#notes")
    note = ClinicalNote.objects.get()
    assert (note.author, note.patient, note.written_on) == (dietitian, patient, date(2026, 2, 1))
    html = dietitian_client.get(report_url(patient)).content.decode()
    assert "Talked about dairy." in html and "1 Feb 2026" in html


def test_htmx_add_answers_with_the_notes_panel(dietitian_client, patient, catalogue):
    response = dietitian_client.post(
        add_url(patient), {"written_on": "2026-02-01", "text": "Quick one"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="notes-panel"' in html and "Quick one" in html


def test_report_page_add_form_posts_with_htmx_and_without(dietitian_client, patient, catalogue):
    html = dietitian_client.get(report_url(patient)).content.decode()
    assert f'action="{add_url(patient)}"' in html and f'hx-post="{add_url(patient)}"' in html


def test_empty_note_is_refused(dietitian_client, patient, catalogue):
    response = dietitian_client.post(add_url(patient), {"written_on": "2026-02-01", "text": ""})
    assert response.status_code == 400 and not ClinicalNote.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_note_says_why_next_to_each_field_and_keeps_what_was_typed(
    dietitian_client, patient, catalogue, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = dietitian_client.post(
        add_url(patient), {"written_on": "not a day", "text": ""}, **headers
    )
    html = response.content.decode()
    assert response.status_code == 400 and not ClinicalNote.objects.exists()
    # Each message is tied to its field for screen readers; the field is marked invalid.
    date_input = re.search(r'<input type="date"[^>]*>', html).group(0)
    assert 'value="not a day"' in date_input and 'aria-invalid="true"' in date_input
    assert 'aria-describedby="id_written_on_error"' in date_input
    error = r'id="id_written_on_error"[^>]*>\s*<span[^>]*><strong>Enter a valid date'
    assert re.search(error, html)
    text_input = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-describedby="id_text_helptext id_text_error"' in text_input
    assert re.search(r'id="id_text_error"[^>]*>\s*<span[^>]*><strong>This field is required', html)
    assert re.search(r'<label\s+for="id_text"[^>]*>\s*Note', html)
    assert ('hx-post="' in html) == htmx


def test_the_edit_form_shows_the_note_as_written(dietitian_client, dietitian, patient, catalogue):
    note = ClinicalNote.objects.create(
        patient=patient, author=dietitian, written_on=date(2026, 1, 2), text="Milk & <eggs>"
    )
    html = dietitian_client.get(edit_url(note)).content.decode()
    assert 'name="written_on" value="2026-01-02"' in html
    assert "Milk &amp; &lt;eggs&gt;</textarea>" in html and 'value="Save changes"' in html
    assert "is-invalid" not in html and 'name="csrfmiddlewaretoken"' in html


def test_notes_with_html_or_script_are_shown_escaped(dietitian_client, patient, catalogue):
    dietitian_client.post(
        add_url(patient),
        {"written_on": "2026-02-01", "text": '<script>alert("x")</script><b>bold</b>'},
    )
    html = dietitian_client.get(report_url(patient)).content.decode()
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_author_can_edit_their_note(dietitian_client, dietitian, patient, catalogue):
    note = ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="old"
    )
    assert dietitian_client.get(edit_url(note)).status_code == 200
    response = dietitian_client.post(edit_url(note), {"written_on": "2026-02-02", "text": "new"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.written_on) == ("new", date(2026, 2, 2))


def test_another_dietitian_cannot_see_or_edit_the_note(client, dietitian, colleague, patient):
    note = ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="Dana's own"
    )
    sign_in(client, colleague)
    assert client.get(edit_url(note)).status_code == 404
    assert client.post(edit_url(note), {"written_on": "2026-02-02", "text": "x"}).status_code == 404
    note.refresh_from_db()
    assert note.text == "Dana's own"
    assert b"Dana&#x27;s own" not in client.get(report_url(patient)).content


def test_a_note_id_under_another_patient_is_404(dietitian_client, dietitian, patient, catalogue):
    other = make_user("o2@example.com", "Other Two", "patient")
    CareLink.objects.create(dietitian=dietitian, patient=other, status=CareLink.Status.ACTIVE)
    note = ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="x"
    )
    wrong = reverse("clinic:note-edit", args=[other.public_id, note.public_id])
    assert dietitian_client.get(wrong).status_code == 404


def test_notes_appear_in_the_pdf_escaped(dietitian_client, dietitian, patient, catalogue):
    from tests.diary.factories import make_program

    make_program(patient)
    ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="<i>x</i>"
    )
    response = dietitian_client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert response.content.startswith(b"%PDF")
