"""The plan page, its edits (htmx and plain post/redirect/get) and the iCalendar download.

Pat starts the low-FODMAP diet (8 groups) on Sunday 1 March 2026 with a 14-day baseline; the
clock stands at noon UTC on 10 March (baseline day 10) unless a test moves it.
"""

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.models import Challenge, DailyEntry, Program
from dietplanner.programs.services import challenge_skip
from tests.conftest import sign_in
from tests.diary.factories import log_days, make_program

START = date(2026, 3, 1)
PLAN = reverse("programs:plan")
ICAL = reverse("programs:ical")
REORDER = reverse("programs:reorder")
EXTEND = reverse("programs:extend-baseline")
HTMX = {"HTTP_HX_REQUEST": "true"}

# Pat's program (the shared `program` fixture, and `start_program` for anyone else).
PROGRAM = {
    "protocol": "low-fodmap",
    "start": START,
    "baseline_days": 14,
    "symptoms": ["bloating", "pain"],
}
pytestmark = [pytest.mark.usefixtures("catalogue"), pytest.mark.program(**PROGRAM)]


def travel(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _today():
    with travel(date(2026, 3, 10)):
        yield


def start_program(patient) -> Program:
    return make_program(patient, **PROGRAM)


def challenges(program: Program) -> list[Challenge]:
    return list(program.challenges.select_related("food_group").order_by("position"))


def keys(items) -> list[str]:
    return [str(c.public_id) for c in items]


def planned_order(program: Program) -> list[str]:
    return [c.food_group.slug for c in challenges(program) if c.status == Challenge.Status.PLANNED]


def begin(challenge: Challenge, first_dose_day: date, status=Challenge.Status.ACTIVE) -> None:
    """Mark a challenge as started on a day (what `challenge_start` leaves behind)."""
    challenge.status = status
    challenge.first_dose_day = first_dose_day
    challenge.save()
    Program.objects.filter(pk=challenge.program_id).update(status=Program.Status.REINTRODUCTION)


def html_of(response) -> str:
    return response.content.decode()


# --- access ----------------------------------------------------------------------------------


def action_urls(program: Program) -> list[str]:
    first = str(challenges(program)[0].public_id)
    return [
        REORDER,
        EXTEND,
        reverse("programs:skip", args=[first]),
        reverse("programs:unskip", args=[first]),
    ]


@pytest.mark.parametrize("url", [PLAN, ICAL])
def test_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_actions_are_sent_to_log_in_and_change_nothing(client, program):
    before = planned_order(program)

    for url in action_urls(program):
        response = client.post(url, {"days": 3})
        assert response["Location"].startswith(reverse("accounts:login"))

    assert planned_order(program) == before


@pytest.mark.parametrize("url", [PLAN, ICAL])
def test_dietitian_gets_404_on_the_patient_pages(dietitian_client, url):
    assert dietitian_client.get(url).status_code == 404


def test_dietitian_gets_404_on_every_action(dietitian_client, program):
    for url in action_urls(program):
        assert dietitian_client.post(url, {"days": 3}).status_code == 404


def test_another_patients_challenge_gives_404_and_stays_as_it_was(client, other_patient, program):
    sign_in(client, other_patient)
    start_program(other_patient)
    theirs = challenges(program)[2]

    for name in ("programs:skip", "programs:unskip"):
        assert client.post(reverse(name, args=[theirs.public_id])).status_code == 404
        assert client.post(reverse(name, args=[theirs.public_id]), **HTMX).status_code == 404

    theirs.refresh_from_db()
    assert theirs.status == Challenge.Status.PLANNED


def test_unknown_challenge_id_gives_404(patient_client, program):
    url = reverse("programs:skip", args=["6d9c3f43-7a4b-4a38-9a55-0e0a3d1d7c11"])

    assert patient_client.post(url).status_code == 404


def test_malformed_challenge_id_gives_404(patient_client, program):
    assert patient_client.post(PLAN + "challenges/not-a-uuid/skip/").status_code == 404


def test_another_patient_sees_only_their_own_plan(client, other_patient, program):
    sign_in(client, other_patient)

    response = client.get(PLAN)

    assert response.context["program"] is None
    assert "You have no elimination program yet" in html_of(response)


def test_reordering_with_another_patients_ids_is_refused_like_unknown_ids(
    client, other_patient, program
):
    theirs = start_program(other_patient)
    sign_in(client, other_patient)
    mine = keys(c for c in challenges(program))

    response = client.post(REORDER, {"order": mine}, follow=True)

    assert "The plan changed meanwhile" in html_of(response)
    assert planned_order(program)[0] == "sorbitol"
    assert planned_order(theirs)[0] == "sorbitol"


def test_plan_pages_only_take_the_right_methods(patient_client, program):
    assert patient_client.post(PLAN).status_code == 405
    assert patient_client.get(REORDER).status_code == 405
    assert patient_client.get(EXTEND).status_code == 405


# --- the page ----------------------------------------------------------------------------------


def test_patient_without_a_program_is_told_how_to_start(patient_client):
    response = patient_client.get(PLAN)

    html = html_of(response)
    assert response.status_code == 200
    assert "You have no elimination program yet" in html
    assert f'href="{reverse("programs:start")}"' in html
    assert 'href="/program/plan.ics"' not in html


def test_plan_shows_the_baseline_with_its_dates_and_status(patient_client, program):
    log_days(program, START, START + timedelta(days=8))

    html = html_of(patient_client.get(PLAN))

    assert "Sun 1 Mar 2026" in html and "Sat 14 Mar 2026" in html
    assert "running, day 10 of 14." in html
    assert "The planned 14 days end on 14 Mar" in html  # a readiness reason
    assert "Extend my baseline" in html


def test_plan_lists_every_challenge_in_order_with_about_dates_and_portions(patient_client, program):
    html = html_of(patient_client.get(PLAN))

    names = ["Sorbitol", "Mannitol", "Lactose", "Fructose", "GOS (beans and lentils)"]
    positions = [html.index(f". {name}") for name in names]
    assert positions == sorted(positions)
    assert 'about <time datetime="2026-03-15">Sun 15 Mar</time>' in html
    assert "1/4 cup of milk" in html and "1 cup of milk" in html
    assert "at least 3 days, and until your symptoms are back to your baseline level" in html


def test_next_challenge_is_highlighted(patient_client, program):
    response = patient_client.get(PLAN)

    first = response.context["timeline"][0]
    assert first.is_next and first.label == "Sorbitol"
    assert not response.context["timeline"][1].is_next
    assert html_of(response).count(">Next</span>") == 1


def test_started_challenge_shows_real_dates_and_is_marked_now(patient_client, program):
    sorbitol = challenges(program)[0]
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        response = patient_client.get(PLAN)

    html = html_of(response)
    item = response.context["timeline"][0]
    assert item.is_current and item.status_text == "Dose days now"
    assert '<li><time datetime="2026-03-19">Thu 19 Mar</time>:' in html
    assert ">Now</span>" in html
    assert item.move_up is item.move_down is item.skip is None
    assert response.context["timeline"][1].is_next
    assert "done on" in html  # the baseline is over


def test_skipped_groups_are_listed_apart_with_put_back(patient_client, program):
    lactose = challenges(program)[2]
    challenge_skip(challenge=lactose)

    response = patient_client.get(PLAN)

    html = html_of(response)
    assert [item.label for item in response.context["skipped"]] == ["Lactose"]
    assert "Lactose" not in [item.label for item in response.context["timeline"]]
    assert f'action="/program/plan/challenges/{lactose.public_id}/put-back/"' in html
    assert 'aria-label="Put back: Lactose"' in html


def test_first_and_last_planned_groups_have_only_the_moves_that_make_sense(patient_client, program):
    timeline = patient_client.get(PLAN).context["timeline"]

    assert timeline[0].move_up is None and timeline[0].move_down is not None
    assert timeline[-1].move_up is not None and timeline[-1].move_down is None


def test_every_button_is_named_for_screen_readers_and_has_a_plain_form(patient_client, program):
    html = html_of(patient_client.get(PLAN))

    assert 'aria-label="Move down: Sorbitol"' in html
    assert 'aria-label="Skip: Mannitol"' in html
    assert f'action="{REORDER}"' in html and f'hx-post="{REORDER}"' in html
    assert 'hx-target="#plan-body"' in html
    assert 'aria-live="polite"' in html
    assert "style=" not in html and "<script>" not in html


def test_blinded_challenge_never_shows_its_group_or_portion(patient_client, program):
    lactose = challenges(program)[2]
    lactose.blinded = True
    lactose.save()

    html = html_of(patient_client.get(PLAN))

    assert "Lactose" not in html
    assert "cup of milk" not in html
    assert "Blinded test" in html
    assert "the test portion your dietitian prepared" in html


def test_plan_query_count_stays_small_whatever_the_diary_length(
    patient_client, program, django_assert_max_num_queries
):
    # 9: the plan reads whether a reaction paused home tests (programs.safety)
    with django_assert_max_num_queries(9):
        patient_client.get(PLAN)
    log_days(program, START - timedelta(days=200), START + timedelta(days=8))

    with django_assert_max_num_queries(9):
        response = patient_client.get(PLAN)

    assert response.status_code == 200


def test_htmx_request_for_the_plan_gets_only_the_partial(patient_client, program):
    html = html_of(patient_client.get(PLAN, **HTMX))

    assert "<html" not in html
    assert "Sorbitol" in html


def test_a_finished_program_stays_readable_without_buttons(client, patient, program):
    sorbitol = challenges(program)[0]
    begin(sorbitol, date(2026, 3, 16), status=Challenge.Status.DONE)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)

    with travel(date(2026, 4, 30)):
        sign_in(client, patient)  # a fresh session: the old one has expired by then
        response = client.get(PLAN)

    html = html_of(response)
    assert response.context["program"] == program
    assert "This program is completed" in html
    assert "Sorbitol" in html and "Not tested" in html
    assert "Move up" not in html and "Skip:" not in html and "Extend my baseline" not in html


def test_a_program_stopped_mid_challenge_shows_no_current_step(client, patient, program):
    sorbitol = challenges(program)[0]
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)

    with travel(date(2026, 3, 20)):
        sign_in(client, patient)
        response = client.get(PLAN)

    item = response.context["timeline"][0]
    assert not item.is_current and item.status_text == "Dose days"
    assert ">Now</span>" not in html_of(response) and ">Next</span>" not in html_of(response)


def test_the_running_program_wins_over_an_older_one(patient_client, patient):
    old = start_program(patient)
    Program.objects.filter(pk=old.pk).update(status=Program.Status.ABANDONED)
    running = make_program(patient, start=date(2026, 3, 10), symptoms=["skin"])

    response = patient_client.get(PLAN)

    assert response.context["program"] == running


def test_the_most_recent_finished_program_is_shown_when_none_runs(patient_client, patient):
    older = start_program(patient)
    Program.objects.filter(pk=older.pk).update(status=Program.Status.COMPLETED)
    newer = make_program(patient, start=date(2026, 3, 5), symptoms=["skin"])
    Program.objects.filter(pk=newer.pk).update(status=Program.Status.ABANDONED)

    response = patient_client.get(PLAN)

    assert response.context["program"] == newer
    assert "This program is ended early" in html_of(response)


def test_a_long_baseline_tells_the_patient_to_talk_to_the_dietitian(client, patient, program):
    log_days(program, START, START + timedelta(days=29), score=3)
    DailyEntry.objects.filter(program=program, date__gte=date(2026, 3, 20)).update(
        scores={"bloating": 9, "pain": 9}
    )
    DailyEntry.objects.filter(program=program, date__gte=date(2026, 3, 24)).update(
        scores={"bloating": 3, "pain": 3}
    )
    DailyEntry.objects.filter(program=program, date=date(2026, 3, 30)).update(
        scores={"bloating": 9, "pain": 9}
    )

    with travel(date(2026, 3, 31)):
        sign_in(client, patient)
        html = html_of(client.get(PLAN))

    assert "the planned days are over" in html
    assert "We suggest" in html
    assert "please talk to your dietitian" in html


# --- reorder ---------------------------------------------------------------------------------


def moved_down_first(program: Program) -> list[str]:
    order = keys(c for c in challenges(program) if c.status == Challenge.Status.PLANNED)
    order[0], order[1] = order[1], order[0]
    return order


def test_move_down_without_javascript_reorders_and_redirects_back(patient_client, program):
    order = moved_down_first(program)

    response = patient_client.post(REORDER, {"order": order, "moved": order[1]}, follow=True)

    assert response.redirect_chain == [(PLAN, 302)]
    assert planned_order(program)[:2] == ["mannitol", "sorbitol"]
    html = html_of(response)
    assert "Sorbitol is now number 2 of the 8 food groups still to test." in html
    assert html.index(". Mannitol") < html.index(". Sorbitol")


def test_move_down_with_htmx_returns_the_recomputed_plan_in_place(patient_client, program):
    order = moved_down_first(program)

    response = patient_client.post(REORDER, {"order": order, "moved": order[1]}, **HTMX)

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.index(". Mannitol") < html.index(". Sorbitol")
    assert 'id="plan-notice" hx-swap-oob="innerHTML"' in html
    assert "Sorbitol is now number 2" in html
    assert response.context["timeline"][0].label == "Mannitol"
    assert response.context["timeline"][0].scheduled.first_dose_day == date(2026, 3, 15)


def test_the_move_buttons_post_the_full_new_order(patient_client, program):
    response = patient_client.get(PLAN)

    form = response.context["timeline"][1].move_up
    order = form.initial["order"]
    assert order[:2] == keys(challenges(program)[1::-1])
    assert len(order) == 8

    patient_client.post(REORDER, {"order": order})
    assert planned_order(program)[:2] == ["mannitol", "sorbitol"]


@pytest.mark.parametrize("htmx", [{}, HTMX])
def test_reorder_naming_a_started_challenge_is_refused_with_a_message(
    patient_client, program, htmx
):
    sorbitol, mannitol, *rest = challenges(program)
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))
    order = keys([mannitol, sorbitol, *rest])

    with travel(date(2026, 3, 20)):
        response = patient_client.post(REORDER, {"order": order}, follow=True, **htmx)

    assert response.status_code == 200
    assert "Sorbitol has already started or finished and keeps its place." in html_of(response)
    assert planned_order(program)[0] == "mannitol"


@pytest.mark.parametrize("htmx", [{}, HTMX])
def test_reorder_with_an_unknown_id_is_refused_with_a_message(patient_client, program, htmx):
    order = moved_down_first(program)
    order[-1] = "not-an-id"

    response = patient_client.post(REORDER, {"order": order}, follow=True, **htmx)

    assert response.status_code == 200
    assert "The plan changed meanwhile. Please try again." in html_of(response)
    assert planned_order(program)[0] == "sorbitol"


def test_a_refused_reorder_does_not_name_a_blinded_group(patient_client, program):
    sorbitol, mannitol, *rest = challenges(program)
    sorbitol.blinded = True
    sorbitol.save()
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        response = patient_client.post(
            REORDER, {"order": keys([mannitol, sorbitol, *rest])}, **HTMX
        )

    html = html_of(response)
    assert "This blinded test has already started or finished" in html
    assert "Sorbitol" not in html and "avocado" not in html


def test_reorder_with_no_order_is_refused_with_a_message(patient_client, program):
    response = patient_client.post(REORDER, {}, follow=True)

    assert "Send the new order of your food groups." in html_of(response)


def test_reorder_naming_a_skipped_group_says_to_put_it_back_first(patient_client, program):
    sorbitol, *_ = challenges(program)
    challenge_skip(challenge=sorbitol)

    response = patient_client.post(REORDER, {"order": keys(challenges(program))}, follow=True)

    assert "Sorbitol is skipped: put it back before moving it." in html_of(response)


def test_reorder_without_a_running_program_changes_nothing(patient_client, program):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)

    response = patient_client.post(REORDER, {"order": moved_down_first(program)}, follow=True)

    assert "You have no program running" in html_of(response)
    assert planned_order(program)[0] == "sorbitol"


# --- skip and put back -------------------------------------------------------------------------


def test_skip_without_javascript_takes_the_group_out_and_redirects(patient_client, program):
    mannitol = challenges(program)[1]

    response = patient_client.post(reverse("programs:skip", args=[mannitol.public_id]), follow=True)

    mannitol.refresh_from_db()
    assert mannitol.status == Challenge.Status.SKIPPED
    assert response.redirect_chain == [(PLAN, 302)]
    assert "Mannitol is skipped and takes no days now." in html_of(response)
    assert [i.label for i in response.context["skipped"]] == ["Mannitol"]
    lactose = response.context["timeline"][1]
    assert lactose.label == "Lactose" and lactose.scheduled.number == 2


def test_skip_with_htmx_updates_the_plan_in_place(patient_client, program):
    mannitol = challenges(program)[1]

    response = patient_client.post(reverse("programs:skip", args=[mannitol.public_id]), **HTMX)

    html = html_of(response)
    assert "<html" not in html
    assert "Skipped food groups" in html
    assert "Mannitol is skipped" in html
    assert len(response.context["timeline"]) == 7


@pytest.mark.parametrize("htmx", [{}, HTMX])
def test_skipping_a_started_challenge_is_refused_with_a_message(patient_client, program, htmx):
    sorbitol = challenges(program)[0]
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        url = reverse("programs:skip", args=[sorbitol.public_id])
        response = patient_client.post(url, follow=True, **htmx)

    sorbitol.refresh_from_db()
    assert response.status_code == 200
    assert "Sorbitol has already started and cannot be skipped." in html_of(response)
    assert sorbitol.status == Challenge.Status.ACTIVE


def test_a_refused_blinded_skip_does_not_name_the_group(patient_client, program):
    sorbitol = challenges(program)[0]
    sorbitol.blinded = True
    sorbitol.save()
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        url = reverse("programs:skip", args=[sorbitol.public_id])
        html = html_of(patient_client.post(url, **HTMX))

    assert "This blinded test has already started" in html
    assert "Sorbitol" not in html


@pytest.mark.parametrize("htmx", [{}, HTMX])
def test_put_back_returns_the_group_to_its_place(patient_client, program, htmx):
    lactose = challenges(program)[2]
    challenge_skip(challenge=lactose)

    url = reverse("programs:unskip", args=[lactose.public_id])
    response = patient_client.post(url, follow=True, **htmx)

    lactose.refresh_from_db()
    assert lactose.status == Challenge.Status.PLANNED
    assert "Lactose is back in your plan." in html_of(response)
    assert response.context["timeline"][2].label == "Lactose"
    assert response.context["skipped"] == []


def test_putting_back_a_group_that_is_not_skipped_is_refused(patient_client, program):
    lactose = challenges(program)[2]

    url = reverse("programs:unskip", args=[lactose.public_id])
    response = patient_client.post(url, follow=True)

    assert "Only a skipped food group can be put back." in html_of(response)


def test_no_edits_on_a_finished_program(patient_client, program):
    lactose = challenges(program)[2]
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)

    response = patient_client.post(reverse("programs:skip", args=[lactose.public_id]), follow=True)

    lactose.refresh_from_db()
    assert "This program has ended" in html_of(response)
    assert lactose.status == Challenge.Status.PLANNED


# --- extend the baseline -----------------------------------------------------------------------


def test_extend_without_javascript_moves_every_later_date(patient_client, program):
    response = patient_client.post(EXTEND, {"days": "5"}, follow=True)

    program.refresh_from_db()
    assert (program.baseline_days, program.original_baseline_days) == (19, 14)
    assert response.redirect_chain == [(PLAN, 302)]
    html = html_of(response)
    assert "Your baseline is 5 days longer: it now runs to 19 Mar." in html
    assert "(extended by 5 days)" in html
    assert response.context["timeline"][0].scheduled.first_dose_day == date(2026, 3, 20)


def test_extend_with_htmx_updates_the_plan_in_place(patient_client, program):
    response = patient_client.post(EXTEND, {"days": "1"}, **HTMX)

    html = html_of(response)
    assert "<html" not in html
    assert "Your baseline is 1 day longer" in html
    assert response.context["timeline"][0].scheduled.first_dose_day == date(2026, 3, 16)


@pytest.mark.parametrize("days", ["0", "15", "-2", "a week", ""])
def test_extension_out_of_range_is_refused_with_a_message(patient_client, program, days):
    response = patient_client.post(EXTEND, {"days": days}, follow=True)

    program.refresh_from_db()
    assert program.baseline_days == 14
    html = html_of(response)
    assert any(
        message in html
        for message in (
            "Extend by 1 to 14 days at a time.",
            "Enter a whole number of days.",
            "This field is required.",
        )
    )


def test_htmx_extension_out_of_range_shows_the_error_on_the_field(patient_client, program):
    response = patient_client.post(EXTEND, {"days": "30"}, **HTMX)

    html = html_of(response)
    assert response.status_code == 200
    assert html.count("Extend by 1 to 14 days at a time.") == 2  # notice and field error
    assert 'value="30"' in html


def test_extension_after_the_first_challenge_started_is_refused(patient_client, program):
    log_days(program, START, START + timedelta(days=19))
    begin(challenges(program)[0], date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        response = patient_client.post(EXTEND, {"days": "3"}, follow=True)

    assert "Extend my baseline" not in html_of(response)
    assert "no program running" not in html_of(response)
    assert "The baseline is over: the first challenge has started." in html_of(response)


def test_the_extension_form_proposes_the_suggested_days(patient_client, program):
    log_days(program, START, START + timedelta(days=13))
    DailyEntry.objects.filter(program=program, date=date(2026, 3, 14)).update(
        scores={"bloating": 9, "pain": 3}
    )

    with travel(date(2026, 3, 15)):
        response = patient_client.get(PLAN)

    proposal = response.context["plan"].baseline.propose_extension_days
    assert proposal == 5
    assert response.context["extend_form"].initial["days"] == proposal
    assert "We suggest 5 more days on the baseline, from today" in html_of(response)


# --- iCalendar -------------------------------------------------------------------------------


def events_of(response) -> list:
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_ical_download_is_a_calendar_file_with_a_name(patient_client, program):
    response = patient_client.get(ICAL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="dietplanner-plan.ics"'


def test_ical_has_one_all_day_event_per_dose_day_with_the_portion(patient_client, program):
    events = events_of(patient_client.get(ICAL))

    assert len(events) == sum(c.dose_days for c in challenges(program)) == 24
    summaries = [str(e["summary"]) for e in events]
    assert "Lactose challenge day 2 of 3: 1/2 cup of milk (120 ml, about 6 g lactose)" in summaries
    first = events[0]
    assert first.decoded("dtstart") == date(2026, 3, 15)
    assert first.decoded("dtend") == date(2026, 3, 16)
    assert str(first["summary"]) == "Sorbitol challenge day 1 of 3: 1 fresh apricot (about 40 g)"


def test_ical_uids_are_stable_across_downloads_and_plan_changes(patient_client, program):
    lactose = challenges(program)[2]
    before = {str(e["uid"]) for e in events_of(patient_client.get(ICAL))}
    patient_client.post(EXTEND, {"days": "4"})

    after = events_of(patient_client.get(ICAL))

    assert {str(e["uid"]) for e in after} == before
    assert f"{lactose.public_id}-day-2@dietplanner" in before
    moved = next(e for e in after if str(e["uid"]) == f"{lactose.public_id}-day-1@dietplanner")
    assert moved.decoded("dtstart") == date(2026, 3, 31)


def test_ical_blinded_challenge_says_only_test_portion(patient_client, program):
    lactose = challenges(program)[2]
    lactose.blinded = True
    lactose.save()

    response = patient_client.get(ICAL)

    text = response.content.decode()
    assert "Lactose" not in text and "milk" not in text
    blinded = [e for e in events_of(response) if str(e["uid"]).startswith(str(lactose.public_id))]
    assert [str(e["summary"]) for e in blinded] == [
        "Challenge day 1 of 3: test portion",
        "Challenge day 2 of 3: test portion",
        "Challenge day 3 of 3: test portion",
    ]


def test_ical_leaves_out_skipped_groups_and_cancelled_doses(patient_client, program):
    sorbitol, mannitol, *_ = challenges(program)
    challenge_skip(challenge=mannitol)
    log_days(program, START, START + timedelta(days=19))
    begin(sorbitol, date(2026, 3, 19), status=Challenge.Status.STOPPED)
    Challenge.objects.filter(pk=sorbitol.pk).update(stop_day=date(2026, 3, 19))

    with travel(date(2026, 3, 20)):
        events = events_of(patient_client.get(ICAL))

    summaries = [str(e["summary"]) for e in events]
    assert len(events) == 1 + 6 * 3
    assert not any("Mannitol" in s for s in summaries)
    assert "Sorbitol challenge day 1 of 3: 1 fresh apricot (about 40 g)" in summaries
    assert not any(s.startswith("Sorbitol challenge day 2") for s in summaries)


def test_ical_without_a_program_is_404(patient_client):
    assert patient_client.get(ICAL).status_code == 404


def test_ical_query_count_is_small(patient_client, program, django_assert_max_num_queries):
    log_days(program, START, START + timedelta(days=8))

    with django_assert_max_num_queries(7):  # 7: the pause after a reaction
        patient_client.get(ICAL)


def test_patient_plan_edits_show_in_the_change_log_as_made_by_you(
    patient_client, patient, catalogue
):
    from dietplanner.programs.models import PlanChange

    program = make_program(patient)
    challenge = program.challenges.order_by("position").first()
    patient_client.post(reverse("programs:skip", args=[challenge.public_id]))
    change = PlanChange.objects.get(program=program)
    assert change.author == patient and challenge.food_group.name in change.summary


def test_ical_dose_days_carry_a_morning_alarm_naming_the_portion(patient_client, program):
    events = events_of(patient_client.get(ICAL))

    alarms = [event.subcomponents for event in events]
    assert all(len(found) == 1 for found in alarms)
    alarm = alarms[0][0]
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(hours=7, minutes=30)
    assert str(alarm["description"]) == str(events[0]["summary"])


# --- undo an extension -------------------------------------------------------------------------

UNDO_EXTEND = reverse("programs:extend-baseline-undo")


def test_an_extension_can_be_undone_the_same_day_without_javascript(patient_client, program):
    page = html_of(patient_client.post(EXTEND, {"days": "5"}, follow=True))
    assert "Undo: take the 5 extra days back" in page

    response = patient_client.post(UNDO_EXTEND, {"days": "5", "extended_to": "19"}, follow=True)

    program.refresh_from_db()
    assert (program.baseline_days, program.original_baseline_days) == (14, None)
    html = html_of(response)
    assert "Undone: your baseline is back to 14 days, to 14 Mar." in html
    assert "Undo: take" not in html  # done once, not offered again
    assert response.context["timeline"][0].scheduled.first_dose_day == date(2026, 3, 15)
    assert program.plan_changes.first().summary.startswith("Undid a baseline extension of 5 days")


def test_an_extension_can_be_undone_with_htmx(patient_client, program):
    extended = html_of(patient_client.post(EXTEND, {"days": "2"}, **HTMX))
    assert "Undo: take the 2 extra days back" in extended

    response = patient_client.post(UNDO_EXTEND, {"days": "2", "extended_to": "16"}, **HTMX)

    program.refresh_from_db()
    assert program.baseline_days == 14
    assert "Undone: your baseline is back to 14 days" in html_of(response)


def test_the_undo_is_not_offered_the_next_day(patient_client, program):
    patient_client.post(EXTEND, {"days": "2"})

    with travel(date(2026, 3, 11)):
        sign_in(patient_client, program.patient)
        html = html_of(patient_client.get(PLAN))

    assert "Undo: take" not in html


def test_a_stale_undo_changes_nothing(patient_client, program):
    patient_client.post(EXTEND, {"days": "2"})
    patient_client.post(EXTEND, {"days": "3"})

    response = patient_client.post(UNDO_EXTEND, {"days": "2", "extended_to": "16"}, follow=True)

    program.refresh_from_db()
    assert program.baseline_days == 19
    assert "Your plan changed since: there is no extension to undo here." in html_of(response)


def test_an_undo_never_goes_below_the_first_planned_baseline(patient_client, program):
    patient_client.post(EXTEND, {"days": "2"})

    patient_client.post(UNDO_EXTEND, {"days": "9", "extended_to": "16"})

    program.refresh_from_db()
    assert program.baseline_days == 16
