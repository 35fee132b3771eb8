"""The dietitian's plan page (`clinic:plan`) and its edits.

Dana (linked to Pat) edits Pat's anti-inflammatory plan from 5 Jan 2026; Otto has no link.
Every edit answers a plain post with a redirect and a message, an htmx post with the partial.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import AccessRecord, CareLink
from dietplanner.programs.models import Challenge, PlanChange, Program
from dietplanner.programs.services import challenge_skip, challenge_start, challenge_unskip
from foods.models import FoodGroup
from tests.conftest import sign_in
from tests.diary.factories import START, log_days, make_program
from tests.programs.test_blinded import BLIND_START, finished_open_challenge

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@contextmanager
def later(client, user, day: date):
    """Travel to `day` and log in again (the session of 5 Jan would have expired)."""
    with at(day):
        sign_in(client, user)
        yield


@pytest.fixture(autouse=True)
def _today():
    with at(START + timedelta(days=3)):
        yield


def challenges(program) -> list[Challenge]:
    return list(program.challenges.select_related("food_group").order_by("position"))


def url(name, patient, challenge=None) -> str:
    args = [patient.public_id] + ([challenge.public_id] if challenge else [])
    return reverse(f"clinic:{name}", args=args)


def every_url(patient, challenge) -> list[tuple[str, str]]:
    plain = ["plan", "plan-extend", "plan-add"]
    per = ["plan-move", "plan-skip", "plan-unskip", "plan-days", "plan-rechallenge", "plan-blinded"]
    return [("get" if n == "plan" else "post", url(n, patient)) for n in plain] + [
        ("post", url(n, patient, challenge)) for n in per
    ]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- access ---------------------------------------------------------------------------------------


def test_dana_sees_the_plan_and_the_visit_is_recorded(
    dietitian_client, dietitian, patient, program
):
    response = dietitian_client.get(url("plan", patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plan of Pat Doe" in html and challenges(program)[0].food_group.name in html
    assert AccessRecord.objects.filter(dietitian=dietitian, patient=patient, what="plan").exists()


def test_the_page_says_when_the_client_has_no_program(dietitian_client, patient, catalogue):
    response = dietitian_client.get(url("plan", patient))
    assert "has no program running" in response.content.decode()


@pytest.mark.parametrize("who", ["otto", "revoked", "patient", "anonymous_other_client"])
def test_anyone_without_an_active_link_gets_404_on_every_plan_url(
    client, who, patient, dietitian, other_dietitian, other_patient, program
):
    challenge = challenges(program)[0]
    if who == "otto":
        sign_in(client, other_dietitian)
    elif who == "revoked":
        CareLink.objects.filter(dietitian=dietitian).update(status=CareLink.Status.REVOKED)
        sign_in(client, dietitian)
    elif who == "patient":
        sign_in(client, patient)
    else:  # Dana asking for a client she is not linked to, with Pat's challenge id
        sign_in(client, dietitian)
        patient = other_patient
    for method, target in every_url(patient, challenge):
        response = getattr(client, method)(target, {"days": 3, "direction": "up"})
        assert response.status_code == 404, (who, target)
    assert not PlanChange.objects.exists()
    assert challenges(program)[0].status == "planned"


def test_a_challenge_of_another_client_is_a_404(dietitian_client, patient, other_patient, program):
    theirs = challenges(make_program(other_patient))[0]
    response = dietitian_client.post(url("plan-skip", patient, theirs))
    assert response.status_code == 404
    assert Challenge.objects.get(pk=theirs.pk).status == "planned"


def test_logged_out_visitors_go_to_the_login_page(client, patient, program):
    response = client.get(url("plan", patient))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- edits ----------------------------------------------------------------------------------------


def test_extending_the_baseline_is_logged_and_recorded(
    dietitian_client, dietitian, patient, program
):
    response = dietitian_client.post(url("plan-extend", patient), {"days": 4}, follow=True)
    program.refresh_from_db()
    assert program.baseline_days == 25
    assert "The baseline is extended." in messages_of(response)
    assert PlanChange.objects.get().author == dietitian
    assert AccessRecord.objects.filter(what="plan_change", patient=patient).count() == 1
    assert "Extended the baseline by 4 days" in response.content.decode()


def test_moving_a_group_down_swaps_it_with_the_next(dietitian_client, patient, program):
    first, second = challenges(program)[:2]
    response = dietitian_client.post(url("plan-move", patient, first), {"direction": "down"})
    assert response.status_code == 302
    assert [c.pk for c in challenges(program)[:2]] == [second.pk, first.pk]
    assert PlanChange.objects.get().summary.startswith("New order")


def test_skip_and_put_back(dietitian_client, patient, program):
    first = challenges(program)[0]
    dietitian_client.post(url("plan-skip", patient, first))
    assert Challenge.objects.get(pk=first.pk).status == "skipped"
    dietitian_client.post(url("plan-unskip", patient, first))
    assert Challenge.objects.get(pk=first.pk).status == "planned"
    assert PlanChange.objects.count() == 2


def test_changing_days_of_a_planned_group(dietitian_client, patient, program):
    first = challenges(program)[0]
    dietitian_client.post(url("plan-days", patient, first), {"dose_days": 5, "washout_days": 7})
    first.refresh_from_db()
    assert (first.dose_days, first.washout_days) == (5, 7)


def test_adding_any_catalogue_group(dietitian_client, patient, program):
    group = FoodGroup.objects.exclude(challenges__program=program).order_by("slug").first()
    response = dietitian_client.post(
        url("plan-add", patient), {"food_group": group.slug, "dose_days": "", "washout_days": ""}
    )
    assert response.status_code == 302
    assert challenges(program)[-1].food_group == group


def test_an_htmx_edit_answers_with_the_partial_and_the_notice(dietitian_client, patient, program):
    first = challenges(program)[0]
    response = dietitian_client.post(url("plan-skip", patient, first), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f"{first.food_group.name} is skipped." in html and 'hx-swap-oob="innerHTML"' in html


def test_an_htmx_visit_gets_the_partial(dietitian_client, patient, program):
    html = dietitian_client.get(url("plan", patient), **HTMX).content.decode()
    assert "<html" not in html and "Food groups" in html


# --- bad input: refused with a message, never a 500 -------------------------------------------


def refused(client, target, data=None, *, htmx=False) -> str:
    response = client.post(target, data or {}, **(HTMX if htmx else {}))
    if htmx:
        assert response.status_code == 200
        return response.content.decode()
    assert response.status_code == 302
    return " ".join(messages_of(client.get(response["Location"])))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"dose_days": 0, "washout_days": 3}, "Dose days must be 1 to 7"),
        ({"dose_days": 8, "washout_days": 3}, "Dose days must be 1 to 7"),
        ({"dose_days": 3, "washout_days": 0}, "Washout days must be 1 to 14"),
        ({"dose_days": 3, "washout_days": 15}, "Washout days must be 1 to 14"),
        ({"dose_days": "three", "washout_days": 3}, "Enter a whole number of days."),
        ({"washout_days": 3}, "Enter a number of days."),
    ],
)
def test_bad_days_are_refused_with_a_message(dietitian_client, patient, program, data, message):
    first = challenges(program)[0]
    assert message in refused(dietitian_client, url("plan-days", patient, first), data)
    assert message in refused(dietitian_client, url("plan-days", patient, first), data, htmx=True)
    assert not PlanChange.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"food_group": "no-such-group"}, "Choose a food group of the catalogue."),
        ({}, "Choose a food group."),
        ({"food_group": "FIRST"}, "is already planned"),
        ({"food_group": "OTHER", "dose_days": 9}, "Dose days must be 1 to 7"),
        ({"food_group": "OTHER", "washout_days": 20}, "Washout days must be 1 to 14"),
    ],
)
def test_bad_additions_are_refused_with_a_message(
    dietitian_client, patient, program, data, message
):
    other = FoodGroup.objects.exclude(challenges__program=program).order_by("slug").first()
    swap = {"FIRST": challenges(program)[0].food_group.slug, "OTHER": other.slug}
    data = {k: swap.get(v, v) for k, v in data.items()}
    assert message in refused(dietitian_client, url("plan-add", patient), data)
    assert len(challenges(program)) == 13


@pytest.mark.parametrize("days", [0, 15, "x"])
def test_bad_extensions_are_refused_with_a_message(dietitian_client, patient, program, days):
    text = refused(dietitian_client, url("plan-extend", patient), {"days": days})
    assert "1 to 14 days" in text or "whole number" in text
    program.refresh_from_db()
    assert program.baseline_days == 21


def test_a_bad_direction_is_refused(dietitian_client, patient, program):
    first = challenges(program)[0]
    text = refused(dietitian_client, url("plan-move", patient, first), {"direction": "sideways"})
    assert "up or down" in text
    assert "cannot move further" in refused(
        dietitian_client, url("plan-move", patient, first), {"direction": "up"}
    )


def test_edits_overlapping_a_started_challenge_are_refused(
    dietitian_client, dietitian, patient, program
):
    log_days(program, START, START + timedelta(days=20))
    first = challenges(program)[0]
    with later(dietitian_client, dietitian, START + timedelta(days=21)):
        challenge_start(challenge=first, on=START + timedelta(days=21))
        days = {"dose_days": 4, "washout_days": 3}
        assert "has started" in refused(dietitian_client, url("plan-days", patient, first), days)
        move = url("plan-move", patient, first)
        assert "keeps its place" in refused(dietitian_client, move, {"direction": "down"})
        assert "already started" in refused(dietitian_client, url("plan-skip", patient, first))
        assert "baseline is over" in refused(
            dietitian_client, url("plan-extend", patient), {"days": 2}
        )
        assert "not finished" in refused(dietitian_client, url("plan-rechallenge", patient, first))
    assert not PlanChange.objects.exists()


def test_putting_back_a_group_that_is_not_skipped_is_refused(dietitian_client, patient, program):
    first = challenges(program)[0]
    assert "Only a skipped" in refused(dietitian_client, url("plan-unskip", patient, first))


def test_edits_on_an_ended_program_are_refused(dietitian_client, patient, program):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)
    assert "no program running" in refused(
        dietitian_client, url("plan-extend", patient), {"days": 2}
    )
    assert "no program running" in refused(
        dietitian_client, url("plan-add", patient), {"food_group": "dairy"}
    )


# --- re-challenges ---------------------------------------------------------------------------


def test_an_open_rechallenge_from_the_page(dietitian_client, patient, dietitian):
    program, original = finished_open_challenge(patient)
    with later(dietitian_client, dietitian, BLIND_START):
        response = dietitian_client.post(url("plan-rechallenge", patient, original))
    assert response.status_code == 302
    again = challenges(program)[-1]
    assert again.is_rechallenge and again.food_group == original.food_group


def test_a_blinded_rechallenge_shows_dana_the_key(dietitian_client, patient, dietitian):
    program, original = finished_open_challenge(patient)
    with later(dietitian_client, dietitian, BLIND_START):
        response = dietitian_client.post(
            url("plan-blinded", patient, original),
            {"pairs": 2, "washout_days": 3},
            follow=True,
        )
    blinded = program.challenges.get(blinded=True)
    html = response.content.decode()
    assert blinded.dose_days == 4 and blinded.blind_pairs == 2
    assert f"Portion {blinded.blind_active_label} is the active portion" in html
    assert f"portion {blinded.blind_placebo_label} is the placebo" in html
    assert html.count("<td>placebo</td>") == 2
    assert html.count(f"<td>{original.food_group.name}</td>") == 2
    assert AccessRecord.objects.filter(what="plan_change", patient=patient).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pairs": 1, "washout_days": 3}, "needs 2 to 3 pairs"),
        ({"pairs": 3, "washout_days": 1}, "must be 2 to 7 days"),
        ({"pairs": "", "washout_days": 3}, "Enter a number of pairs."),
        ({"pairs": 3, "washout_days": ""}, "Enter a number of days."),
    ],
)
def test_bad_blinded_rechallenges_are_refused(dietitian_client, dietitian, patient, data, message):
    program, original = finished_open_challenge(patient)
    with later(dietitian_client, dietitian, BLIND_START):
        assert message in refused(dietitian_client, url("plan-blinded", patient, original), data)
    assert not program.challenges.filter(blinded=True).exists()


def test_a_blinded_rechallenge_of_a_tolerated_group_is_refused(
    dietitian_client, dietitian, patient
):
    program, original = finished_open_challenge(patient, verdict="tolerated")
    with later(dietitian_client, dietitian, BLIND_START):
        text = refused(
            dietitian_client,
            url("plan-blinded", patient, original),
            {"pairs": 2, "washout_days": 3},
        )
    assert "was tolerated" in text


def test_the_page_lists_the_changes_with_their_authors(dietitian_client, patient, program):
    challenge_skip(challenge=challenges(program)[0], author=patient)
    html = dietitian_client.get(url("plan", patient)).content.decode()
    assert "Changes to the plan" in html and "Pat Doe: Skipped" in html


def test_the_page_stays_within_its_query_budget(
    dietitian_client, patient, dietitian, django_assert_max_num_queries
):
    program, original = finished_open_challenge(patient)
    for _ in range(5):
        challenge_skip(challenge=challenges(program)[1], author=dietitian)
        challenge_unskip(challenge=challenges(program)[1], author=patient)
    # The first view in a process also reads the catalogue (two queries), kept from then on.
    with later(dietitian_client, dietitian, BLIND_START), django_assert_max_num_queries(13):
        response = dietitian_client.get(url("plan", patient))
    assert response.status_code == 200
    challenge_skip(challenge=challenges(program)[1], author=dietitian)
    challenge_unskip(challenge=challenges(program)[1], author=patient)
    with later(dietitian_client, dietitian, BLIND_START), django_assert_max_num_queries(11):
        response = dietitian_client.get(url("plan", patient))
    assert response.status_code == 200


# --- wording ------------------------------------------------------------------------------------


def test_a_program_starting_later_reads_starts_and_not_started_yet(
    dietitian_client, patient, catalogue
):
    make_program(patient, start=START + timedelta(days=7))

    html = dietitian_client.get(url("plan", patient)).content.decode()

    assert "starts 12 Jan 2026" in html
    assert "started 12 Jan" not in html
    assert "Status: not started yet." in html
    assert "notstarted" not in html


def test_ending_a_program_starting_later_reads_starts(dietitian_client, patient, catalogue):
    make_program(patient, start=START + timedelta(days=7))

    html = dietitian_client.get(url("plan-end", patient)).content.decode()

    assert "starts 12 Jan 2026" in html and "started 12 Jan" not in html
