from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.clinic.models import FlagReview
from dietplanner.programs.models import Challenge, DailyEntry, Program
from foods.models import FoodGroup, Protocol
from tests.clinic.factories import clients_for
from tests.conftest import sign_in
from tests.diary.factories import log_days

pytestmark = pytest.mark.django_db

URL = reverse("clinic:clients")
TODAY = date(2026, 3, 2)
SYMPTOMS = ["pain", "fatigue", "sleep"]


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def add_client(dietitian, name, *, start=TODAY - timedelta(days=5), status="baseline", **extra):
    patient = User.objects.create_user(
        email=f"{name.lower().replace(' ', '.')}@example.com",
        full_name=name,
        role=User.Role.PATIENT,
        timezone="UTC",
    )
    CareLink.objects.create(
        dietitian=dietitian, patient=patient, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )
    return Program.objects.create(
        patient=patient,
        protocol=Protocol.objects.get(slug="anti-inflammatory"),
        start_date=start,
        baseline_days=21,
        symptoms=SYMPTOMS,
        status=status,
        **extra,
    )


def add_challenge(program, position=0, **fields):
    groups = list(FoodGroup.objects.order_by("slug"))
    return Challenge.objects.create(
        program=program, food_group=groups[position], position=position, **fields
    )


def get(client, **params):
    with at(TODAY):
        return client.get(URL, params)


def test_no_clients_says_how_to_invite(client, other_dietitian, catalogue):
    sign_in(client, other_dietitian)
    response = get(client)
    assert response.status_code == 200
    assert b"No clients yet" in response.content
    assert b"/clinic/invite/" in response.content


def test_list_shows_phase_day_last_checkin_and_adherence(dietitian_client, dietitian, catalogue):
    program = add_client(dietitian, "Cora Challenge", start=TODAY - timedelta(days=30))
    program.status = Program.Status.REINTRODUCTION
    program.save()
    log_days(program, program.start_date, TODAY - timedelta(days=3), off_plan=[])
    DailyEntry.objects.filter(program=program, date=program.start_date).update(off_plan=["dairy"])
    add_challenge(program, 0, status="done", first_dose_day=TODAY - timedelta(days=8))
    add_challenge(program, 1, status="active", first_dose_day=TODAY - timedelta(days=1))
    add_challenge(program, 2)
    groups = list(FoodGroup.objects.order_by("slug"))
    html = get(dietitian_client).content.decode()
    assert f"Challenge 2 of 3: {groups[1].name}, day 2" in html
    assert "3 days ago" in html
    assert "90% of days logged" in html  # 28 of 31 days
    assert "1 off-plan day" in html
    assert "No check-in for 3 days or more" in html


def flagged_clients(dietitian):
    quiet = add_client(dietitian, "Quinn Quiet", start=TODAY - timedelta(days=10))
    log_days(quiet, quiet.start_date, TODAY - timedelta(days=4))
    flat = add_client(dietitian, "Fay Flat", start=TODAY - timedelta(days=15))
    log_days(flat, flat.start_date, TODAY)
    react = add_client(dietitian, "Rex Reaction", start=TODAY - timedelta(days=30))
    react.status = Program.Status.REINTRODUCTION
    react.save()
    log_days(react, react.start_date, TODAY)
    add_challenge(
        react,
        0,
        status="stopped",
        first_dose_day=TODAY - timedelta(days=2),
        stop_day=TODAY - timedelta(days=1),
    )
    washout = add_client(dietitian, "Walt Washout", start=TODAY - timedelta(days=40))
    washout.status = Program.Status.REINTRODUCTION
    washout.save()
    log_days(washout, washout.start_date, TODAY)
    add_challenge(washout, 0, status="washout", first_dose_day=TODAY - timedelta(days=15))
    verdict = add_client(dietitian, "Vera Verdict", start=TODAY - timedelta(days=30))
    verdict.status = Program.Status.REINTRODUCTION
    verdict.save()
    log_days(verdict, verdict.start_date, TODAY)
    add_challenge(
        verdict,
        0,
        status="done",
        first_dose_day=TODAY - timedelta(days=6),
        verdict="tolerated",
        verdict_updated=datetime(2026, 3, 1, 9, tzinfo=UTC),
    )
    calm = add_client(dietitian, "Cal Calm", start=TODAY - timedelta(days=5))
    log_days(calm, calm.start_date, TODAY)
    return {"quiet": quiet, "flat": flat, "react": react, "washout": washout, "verdict": verdict}


@pytest.mark.parametrize(
    ("flag", "name"),
    [
        ("no_checkin", "Quinn Quiet"),
        ("baseline", "Fay Flat"),
        ("reaction", "Rex Reaction"),
        ("long_washout", "Walt Washout"),
        ("new_verdicts", "Vera Verdict"),
    ],
)
def test_filter_by_flag_shows_only_the_flagged_clients(
    dietitian_client, dietitian, patient, catalogue, flag, name
):
    flagged_clients(dietitian)
    html = get(dietitian_client, flag=flag).content.decode()
    assert name in html
    others = {
        "Quinn Quiet",
        "Fay Flat",
        "Rex Reaction",
        "Walt Washout",
        "Vera Verdict",
        "Cal Calm",
        "Pat Doe",
    } - {name}
    assert not [other for other in others if other in html]


def reviewed(client, program, flag, day=TODAY, **headers):
    url = reverse("clinic:flag-reviewed", args=[program.patient.public_id, flag])
    with at(day):
        return client.post(url, **headers)


def flagged(client, flag, day=TODAY) -> str:
    with at(day):
        return client.get(URL, {"flag": flag}).content.decode()


def test_opening_the_report_no_longer_clears_a_flag(dietitian_client, dietitian, catalogue):
    program = flagged_clients(dietitian)["verdict"]
    with at(TODAY):
        html = dietitian_client.get(reverse("clinic:report", args=[program.patient.public_id]))
    assert "Vera Verdict" in flagged(dietitian_client, "new_verdicts")
    assert "Needs attention" in html.content.decode()
    assert "Mark as reviewed" in html.content.decode()


def test_new_verdicts_marked_as_reviewed_stay_hidden_until_a_newer_verdict(
    dietitian_client, dietitian, catalogue
):
    program = flagged_clients(dietitian)["verdict"]
    response = reviewed(dietitian_client, program, "new_verdicts")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/clinic/clients/{program.patient.public_id}/#attention")
    assert "Vera Verdict" not in flagged(dietitian_client, "new_verdicts")
    review = FlagReview.objects.get()
    assert (review.link.dietitian, review.link.patient, review.flag) == (
        dietitian,
        program.patient,
        "new_verdicts",
    )
    program.challenges.update(verdict_updated=datetime(2026, 3, 2, 18, tzinfo=UTC))
    assert "Vera Verdict" in flagged(dietitian_client, "new_verdicts")


def test_each_flag_is_reviewed_on_its_own(dietitian_client, dietitian, catalogue):
    programs = flagged_clients(dietitian)
    reviewed(dietitian_client, programs["react"], "reaction")
    assert "Rex Reaction" not in flagged(dietitian_client, "reaction")
    reviewed(dietitian_client, programs["washout"], "no_checkin")  # not one of Walt's flags
    assert "Walt Washout" in flagged(dietitian_client, "long_washout")


def test_a_reaction_recorded_after_the_review_shows_again(dietitian_client, dietitian, catalogue):
    program = flagged_clients(dietitian)["react"]
    reviewed(dietitian_client, program, "reaction", day=TODAY)
    add_challenge(
        program,
        1,
        status="stopped",
        first_dose_day=TODAY + timedelta(days=3),
        stop_day=TODAY + timedelta(days=4),
    )
    assert "Rex Reaction" in flagged(dietitian_client, "reaction", day=TODAY + timedelta(days=4))


def test_a_reviewed_silence_shows_again_once_the_client_logs_then_falls_silent_again(
    dietitian_client, dietitian, catalogue
):
    program = flagged_clients(dietitian)["quiet"]
    reviewed(dietitian_client, program, "no_checkin")
    assert "Quinn Quiet" not in flagged(dietitian_client, "no_checkin")
    later = TODAY + timedelta(days=2)
    assert "Quinn Quiet" not in flagged(dietitian_client, "no_checkin", day=later)
    log_days(program, TODAY + timedelta(days=1), TODAY + timedelta(days=1))
    assert "Quinn Quiet" not in flagged(dietitian_client, "no_checkin", day=later)
    assert "Quinn Quiet" in flagged(dietitian_client, "no_checkin", day=later + timedelta(days=2))


def test_mark_as_reviewed_with_htmx_swaps_the_section(dietitian_client, dietitian, catalogue):
    program = flagged_clients(dietitian)["react"]
    response = reviewed(dietitian_client, program, "reaction", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="attention"' in html and "Marked as reviewed: Reaction reported" in html


def test_mark_as_reviewed_refuses_other_flags_other_dietitians_and_gets(
    client, dietitian_client, other_dietitian, dietitian, catalogue
):
    program = flagged_clients(dietitian)["react"]
    assert reviewed(dietitian_client, program, "screening").status_code == 404
    assert reviewed(dietitian_client, program, "nonsense").status_code == 404
    url = reverse("clinic:flag-reviewed", args=[program.patient.public_id, "reaction"])
    assert dietitian_client.get(url).status_code == 405
    sign_in(client, other_dietitian)
    assert reviewed(client, program, "reaction").status_code == 404
    assert not FlagReview.objects.exists()


def test_filter_by_phase(dietitian_client, dietitian, catalogue):
    flagged_clients(dietitian)
    html = get(dietitian_client, phase="washout").content.decode()
    assert "Walt Washout" in html and "Cal Calm" not in html


def test_sort_by_name_descending_and_by_flags(dietitian_client, dietitian, catalogue):
    flagged_clients(dietitian)
    html = get(dietitian_client, sort="-name").content.decode()
    assert html.index("Walt Washout") < html.index("Cal Calm")
    html = get(dietitian_client, sort="flags").content.decode()
    assert html.index("Quinn Quiet") < html.index("Cal Calm")
    assert 'aria-sort="ascending"' in html


def test_htmx_request_gets_only_the_table(dietitian_client, dietitian, catalogue):
    flagged_clients(dietitian)
    with at(TODAY):
        response = dietitian_client.get(URL, {"flag": "reaction"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="client-table"' in html
    assert "Rex Reaction" in html and "Cal Calm" not in html


def test_plain_request_keeps_links_for_sorting_and_filtering(
    dietitian_client, dietitian, catalogue
):
    flagged_clients(dietitian)
    html = get(dietitian_client).content.decode()
    assert "<html" in html
    assert 'href="?sort=phase"' in html
    assert 'action="/clinic/"' in html and 'method="get"' in html


def test_list_is_paginated_and_pages_keep_the_filter(dietitian_client, dietitian, catalogue):
    for i in range(30):
        add_client(dietitian, f"Client {i:02}")
    html = get(dietitian_client).content.decode()
    assert "Client 24" in html and "Client 25" not in html
    assert "Page 1 of 2" in html
    html = get(dietitian_client, page=2, phase="baseline").content.decode()
    assert "Client 25" in html and "Client 00" not in html
    assert "phase=baseline" in html


def test_dietitian_sees_only_active_links(client, dietitian, other_dietitian, patient, catalogue):
    sign_in(client, other_dietitian)
    CareLink.objects.create(dietitian=other_dietitian, patient=patient, status="revoked")
    assert b"Pat Doe" not in get(client).content


def test_list_costs_at_most_15_queries_for_500_clients(
    dietitian_client, dietitian, catalogue, django_assert_max_num_queries
):
    clients_for(dietitian, 500, prefix="client", today=TODAY)
    with at(TODAY), django_assert_max_num_queries(15):
        response = dietitian_client.get(URL, {"sort": "flags"})
    assert response.status_code == 200
    assert "Page 1 of 21" in response.content.decode()  # 501 clients, Pat included
    with at(TODAY), django_assert_max_num_queries(15):
        response = dietitian_client.get(URL, {"flag": "no_checkin"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("zone", "utc", "last_logged", "words", "adherence"),
    [
        # 11:30 UTC on 2 March is 00:30 on 3 March in Auckland: 2 March was yesterday there,
        # and 3 March (not logged yet) counts as a day of the program.
        (
            "Pacific/Auckland",
            datetime(2026, 3, 2, 11, 30, tzinfo=UTC),
            date(2026, 3, 2),
            "yesterday",
            "88%",
        ),
        # 03:00 UTC on 2 March is 22:00 on 1 March in New York: 1 March is still today there.
        (
            "America/New_York",
            datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
            date(2026, 3, 1),
            "today",
            "100%",
        ),
    ],
)
def test_last_checkin_and_adherence_follow_the_clients_calendar(
    dietitian_client, dietitian, catalogue, zone, utc, last_logged, words, adherence
):
    start = date(2026, 2, 24)
    program = add_client(dietitian, "Zoe Zone", start=start)
    User.objects.filter(pk=program.patient.pk).update(timezone=zone)
    log_days(program, start, last_logged)
    with time_machine.travel(utc, tick=False):
        html = dietitian_client.get(URL, {"q": "zoe"}).content.decode()
    row = html[html.index("Zoe Zone") :]
    row = row[: row.index("</tr>")]
    assert f">{words}</time>" in row
    assert f"{adherence} of days logged" in row


def test_search_finds_clients_by_name_and_keeps_the_other_filters(
    dietitian_client, dietitian, catalogue
):
    flagged_clients(dietitian)
    html = get(dietitian_client, q="  walt ").content.decode()
    assert "Walt Washout" in html and "Cal Calm" not in html and "Pat Doe" not in html
    assert 'Showing 1 of 7 named like "walt"' in html
    assert 'value="walt"' in html  # the search box keeps it
    sort_link = html[html.index('href="?') :].split('"')[1]
    assert "walt" in sort_link and "sort=" in sort_link  # and so do the sort links
    html = get(dietitian_client, q="walt", flag="reaction").content.decode()
    assert "Walt Washout" not in html and 'No client matches "walt"' in html
    with at(TODAY):
        response = dietitian_client.get(URL, {"q": "rex"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode() and "Rex Reaction" in response.content.decode()


def test_a_challenge_stopped_today_reads_stopped_today_not_washout_day_0(
    dietitian_client, dietitian, catalogue
):
    program = add_client(dietitian, "Stella Stopped", start=TODAY - timedelta(days=30))
    program.status = Program.Status.REINTRODUCTION
    program.save()
    log_days(program, program.start_date, TODAY)
    add_challenge(
        program, 0, status="stopped", first_dose_day=TODAY - timedelta(days=1), stop_day=TODAY
    )

    html = get(dietitian_client).content.decode()

    assert "stopped today" in html
    assert "washout day 0" not in html
