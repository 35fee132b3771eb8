"""The diary page: a patient's past days, newest first, missing days shown as missing."""

import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.diary.selectors import DAYS_PER_PAGE
from dietplanner.programs import memo
from dietplanner.programs.models import DailyEntry, Dose, Program
from dietplanner.programs.record import NO_CHALLENGE
from dietplanner.programs.services import challenge_start, challenge_stop
from tests.conftest import sign_in
from tests.diary.factories import make_program

URL = "/diary/"
START = date(2025, 3, 3)  # a Monday
SYMPTOMS = ["pain", "fatigue"]

pytestmark = pytest.mark.usefixtures("catalogue")


def day(n: int) -> date:
    """The n-th day of the program, counting the first baseline day as 1."""
    return START + timedelta(days=n - 1)


@contextmanager
def on(today: date):
    with time_machine.travel(datetime.combine(today, time(12), tzinfo=UTC), tick=False):
        yield


def start_program(patient, *, start: date = START) -> Program:
    return make_program(patient, start=start, symptoms=SYMPTOMS)


def log(program: Program, first: int, last: int, *, skip=(), score: int = 3, **fields) -> None:
    DailyEntry.objects.bulk_create(
        DailyEntry(program=program, date=day(n), scores=dict.fromkeys(SYMPTOMS, score), **fields)
        for n in range(first, last + 1)
        if n not in skip
    )


def start_first_challenge(program: Program, *, blinded: bool = False):
    """A calm 21-day baseline, then the first group's dose days from day 22."""
    log(program, 1, 21)
    challenge = program.challenges.select_related("food_group").order_by("position").first()
    if blinded:
        challenge.blinded = True
        challenge.save(update_fields=["blinded"])
    return challenge_start(challenge=challenge, on=day(22))


def heading(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def cards(response) -> list[str]:
    return re.findall(r'<li class="card diary-day.*?</li>', response.content.decode(), re.S)


def card(response, d: date) -> str:
    return next(c for c in cards(response) if heading(d) in c)


def get(client, today: date, **params):
    with on(today):
        return client.get(URL, params)


# --- access --------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dietitian_gets_404(dietitian_client):
    assert dietitian_client.get(URL).status_code == 404


def test_patient_without_a_program_sees_an_empty_state_linking_to_the_start(patient_client):
    response = get(patient_client, START)

    assert response.status_code == 200
    html = response.content.decode()
    assert "you have no program yet" in html
    assert 'href="/program/start/"' in html
    assert not cards(response)


def test_another_patient_sees_only_their_own_diary(client, patient, other_patient):
    log(start_program(patient), 1, 3, note="Pat's private note")
    log(start_program(other_patient), 1, 3, note="Olive's note")
    sign_in(client, other_patient)

    html = get(client, day(3)).content.decode()

    assert "Olive&#x27;s note" in html
    assert "Pat" not in html.split('id="main"')[1].split("<footer")[0]


# --- the days ------------------------------------------------------------------------------


def test_days_run_newest_first_from_today_back_to_the_first_baseline_day(patient, patient_client):
    log(start_program(patient), 1, 5)

    response = get(patient_client, day(5))

    headings = [re.search(r"<h3[^>]*>([^<]+)", c).group(1).strip() for c in cards(response)]
    assert headings == [heading(day(n)) for n in (5, 4, 3, 2, 1)]


def test_missing_days_are_shown_as_missing_and_never_guessed(patient, patient_client):
    log(start_program(patient), 1, 5, skip={3}, score=6)

    response = get(patient_client, day(5))

    missing = card(response, day(3))
    assert "Missing: nothing was filled in for this day." in missing
    assert "diary-day-missing" in missing
    assert "Pain" not in missing
    assert "Missing" not in card(response, day(4))
    assert "6<span" in card(response, day(4))
    table = response.content.decode().split("<tbody>")[1]
    row = next(r for r in table.split("<tr>") if day(3).strftime("%a %-d %b %Y") in r)
    assert row.count("not scored") == 2


def test_a_day_shows_scores_confounders_off_plan_groups_and_note(patient, patient_client):
    program = start_program(patient)
    DailyEntry.objects.create(
        program=program,
        date=day(2),
        scores={"pain": 7},
        confounders=["stress", "poor_sleep"],
        off_plan=["dairy"],
        note="Birthday cake",
    )

    text = re.sub(r"\s+", " ", card(get(patient_client, day(2)), day(2)))

    assert "Baseline day 2" in text
    assert "<dt>Pain</dt><dd>7<span" in text
    assert '<dt>Fatigue</dt><dd><span class="text-body-secondary">not scored' in text
    assert "Also logged:</span> Unusual stress, Slept badly" in text
    assert "Off-plan:</span> Dairy" in text
    assert "Birthday cake" in text


def test_a_note_with_a_script_is_escaped(patient, patient_client):
    program = start_program(patient)
    log(program, 1, 1, note='<script>alert("pwned")</script>')

    html = get(patient_client, day(1)).content.decode()

    assert '<script>alert("pwned")</script>' not in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html


def test_the_last_seven_days_link_to_the_check_in_to_fill_in_or_correct(patient, patient_client):
    log(start_program(patient), 1, 10, skip={9})

    response = get(patient_client, day(10))

    assert 'href="/today/?day=2025-03-11">Fill in' in card(response, day(9))
    assert 'href="/today/?day=2025-03-12">Correct' in card(response, day(10))
    assert 'href="/today/?day=2025-03-06">Correct' in card(response, day(4))
    assert len([c for c in cards(response) if "/today/?day=" in c]) == 7


def test_older_days_are_read_only_without_links_and_said_so_once(patient, patient_client):
    log(start_program(patient), 1, 10, skip={2})

    response = get(patient_client, day(10))

    for n in (1, 2, 3):
        assert "/today/" not in card(response, day(n))
    html = response.content.decode()
    assert html.count("read-only") == 1
    assert "from Thursday 6 March" in html


def test_phase_labels_name_baseline_dose_days_with_portion_and_washout(patient, patient_client):
    program = start_program(patient)
    challenge = start_first_challenge(program)
    log(program, 22, 29)
    name, ladder = challenge.food_group.name, challenge.ladder()

    response = get(patient_client, day(29))

    assert "Baseline day 21" in card(response, day(21))
    assert f"{name} challenge day 1 ({ladder[0]})" in card(response, day(22))
    assert f"{name} challenge day 3 ({ladder[2]})" in card(response, day(24))
    assert f"Washout after the {name} challenge, day 1" in card(response, day(25))
    assert f"Washout after the {name} challenge, day 3" in card(response, day(27))
    assert NO_CHALLENGE in card(response, day(28))


def test_a_blinded_challenge_keeps_its_portion_out_of_the_diary(patient, patient_client):
    program = start_program(patient)
    challenge = start_first_challenge(program, blinded=True)
    log(program, 22, 23)
    ladder = challenge.ladder()

    response = get(patient_client, day(23))

    assert f"{challenge.food_group.name} challenge (blinded) day 2" in card(response, day(23))
    html = response.content.decode()
    assert ladder[0] not in html and ladder[1] not in html


def test_a_stopped_challenge_says_so_on_its_stop_day(patient, patient_client):
    program = start_program(patient)
    challenge = start_first_challenge(program)
    log(program, 22, 23)
    challenge_stop(challenge=challenge, on=day(23), reason="Stomach cramps")

    response = get(patient_client, day(24))

    assert "day 2 (" in card(response, day(23))
    assert "stopped for a reaction" in card(response, day(23))
    assert "Washout after the" in card(response, day(24))
    assert "chart-phase-stopped" in response.content.decode()


def test_dose_days_say_whether_the_dose_was_taken(patient, patient_client):
    program = start_program(patient)
    challenge = start_first_challenge(program)
    log(program, 22, 24)
    Dose.objects.filter(challenge=challenge, date=day(22)).update(taken=True)
    Dose.objects.filter(challenge=challenge, date=day(23)).update(taken=False)

    response = get(patient_client, day(25))

    assert "Dose taken:</span> yes" in card(response, day(22))
    assert "Dose taken:</span> no" in card(response, day(23))
    assert "Dose taken:</span> not recorded" in card(response, day(24))
    assert "Dose taken" not in card(response, day(21))
    assert "Dose taken" not in card(response, day(25))


def test_today_is_the_patients_own_calendar_day(patient, patient_client):
    log(start_program(patient), 1, 5)

    # 23:30 in London is already the next day in Oslo, where Pat lives.
    with time_machine.travel(datetime.combine(day(5), time(23, 30), tzinfo=UTC), tick=False):
        response = patient_client.get(URL)

    assert heading(day(6)) in cards(response)[0]
    assert "Missing" in cards(response)[0]


def test_the_running_program_wins_over_an_older_finished_one(patient, patient_client):
    old = start_program(patient, start=START - timedelta(days=100))
    log(old, -99, -90, note="From the old program")
    old.status = Program.Status.COMPLETED
    old.save(update_fields=["status"])
    log(start_program(patient), 1, 2, note="From the new program")

    html = get(patient_client, day(2)).content.decode()

    assert "From the new program" in html
    assert "From the old program" not in html


def test_a_program_starting_tomorrow_has_no_past_days_yet(patient, patient_client):
    start_program(patient, start=START)

    response = get(patient_client, START - timedelta(days=1))

    assert "Your baseline starts on" in response.content.decode()
    assert not cards(response)


def test_a_finished_program_is_shown_read_only_up_to_its_last_day(patient, patient_client):
    program = start_program(patient)
    log(program, 1, 10)
    program.status = Program.Status.ABANDONED
    program.save(update_fields=["status"])

    response = get(patient_client, day(40))

    assert cards(response)[0].count(heading(day(10))) == 1
    assert len(cards(response)) == 10
    html = response.content.decode()
    assert "/today/?day=" not in html
    assert "This program has ended, so its diary is read-only." in html


# --- pages ---------------------------------------------------------------------------------


def test_a_long_diary_is_paged_14_days_at_a_time_with_plain_links(patient, patient_client):
    log(start_program(patient), 1, 32)

    first = get(patient_client, day(32))
    second = get(patient_client, day(32), page=2)
    last = get(patient_client, day(32), page=3)

    assert len(cards(first)) == DAYS_PER_PAGE == 14
    assert heading(day(32)) in cards(first)[0]
    assert 'href="?page=2" rel="next">Older days' in first.content.decode()
    assert "Newer days" not in first.content.decode()
    assert heading(day(18)) in cards(second)[0]
    assert 'href="?page=1" rel="prev">Newer days' in second.content.decode()
    assert all(heading(day(n)) in c for n, c in zip((4, 3, 2, 1), cards(last), strict=True))
    assert "Page 3 of 3" in last.content.decode()


def test_a_page_number_out_of_range_or_garbage_falls_back_gracefully(patient, patient_client):
    log(start_program(patient), 1, 40)

    assert heading(day(40)) in cards(get(patient_client, day(40), page="abc"))[0]
    assert heading(day(12)) in cards(get(patient_client, day(40), page=99))[0]


def test_query_count_does_not_grow_with_the_length_of_the_diary(
    client, patient, other_patient, django_assert_max_num_queries
):
    counts = []
    for person, length in ((patient, 30), (other_patient, 300)):
        program = start_program(person)
        challenge = start_first_challenge(program)
        log(program, 22, length, skip={25, 29}, confounders=["stress"], off_plan=["dairy"])
        Dose.objects.filter(challenge=challenge).update(taken=True)
        sign_in(client, person)
        memo.forget()  # each patient's first page is the first in a server process
        for page in (1, 2):
            with django_assert_max_num_queries(10) as captured:
                assert get(client, day(length), page=page).status_code == 200
            counts.append(len(captured))

    assert counts[0] == counts[2] and counts[1] == counts[3], counts


# --- the chart -----------------------------------------------------------------------------


def test_chart_covers_the_page_days_and_the_whole_program_on_demand(patient, patient_client):
    program = start_program(patient)
    log(program, 1, 40, skip={5})

    paged = get(patient_client, day(40), page=2).content.decode()
    assert "Your symptom scores, 15 Mar 2025 to 28 Mar 2025" in paged
    assert len(re.findall(r'<th scope="row">', paged)) == 14
    assert 'href="?page=2&amp;chart=all">Show the whole program</a>' in paged

    html = get(patient_client, day(40), page=2, chart="all").content.decode()
    assert 'href="?page=2">Show only this page\'s days</a>' in html

    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2  # a narrow drawing for phones and a wide one
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 - our own markup
        assert root.get("role") == "img"
        lines = [e for e in root.iter() if e.get("class") == "chart-line"]
        assert len(lines) == len(SYMPTOMS)
        assert all(line.get("d").count("M") == 2 for line in lines)
    assert "Your symptom scores, 3 Mar 2025 to 11 Apr 2025" in html
    assert "<details" in html and "<table" in html
    assert len(re.findall(r'<th scope="row">', html)) == 40


def test_page_has_no_inline_style_or_script(patient, patient_client):
    program = start_program(patient)
    start_first_challenge(program)
    log(program, 22, 30, off_plan=["dairy"])

    html = get(patient_client, day(30)).content.decode()

    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def chart_row(html: str, d: date) -> str:
    """The chart table's row of day `d` (its date, phase and scores)."""
    return re.search(rf'<th scope="row">{d:%a} {d.day} {d:%b %Y}</th>.*?</tr>', html, re.S)[0]


def test_a_check_in_shows_in_the_chart_and_its_day_at_once(patient, patient_client):
    """The chart is drawn once per server process for the same scores: a check-in made since
    (here by another process, a plain save) is drawn on the next view."""
    program = start_program(patient)
    log(program, 1, 39)

    before = get(patient_client, day(40))  # this process draws the chart
    DailyEntry.objects.create(program=program, date=day(40), scores={"pain": 7, "fatigue": 9})
    after = get(patient_client, day(40))

    assert "not scored" in chart_row(before.content.decode(), day(40))
    assert re.findall(r"<td>(\d+)</td>", chart_row(after.content.decode(), day(40))) == ["7", "9"]
    assert "Missing" in card(before, day(40)) and "Missing" not in card(after, day(40))


def test_a_score_corrected_at_the_same_instant_is_drawn_at_once(patient, patient_client):
    program = start_program(patient)
    log(program, 1, 40)
    with on(day(40)):
        before = patient_client.get(URL).content.decode()
        entry = DailyEntry.objects.get(program=program, date=day(38))
        entry.scores = {"pain": 8, "fatigue": 3}
        entry.save()  # the clock is frozen: only the diary's revision tells the rows apart
        after = patient_client.get(URL).content.decode()

    assert re.findall(r"<td>(\d+)</td>", chart_row(before, day(38))) == ["3", "3"]
    assert re.findall(r"<td>(\d+)</td>", chart_row(after, day(38))) == ["8", "3"]
    scores = r"<dt>Pain</dt><dd>(\d+)<"  # the day's card, rendered once per value too
    assert re.findall(scores, before) == ["3"] * DAYS_PER_PAGE
    assert re.findall(scores, after) == ["3", "3", "8"] + ["3"] * (DAYS_PER_PAGE - 3)
