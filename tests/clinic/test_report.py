import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import AccessRecord, CareLink
from dietplanner.programs.models import Challenge, DailyEntry, Dose
from dietplanner.programs.services import challenge_start, challenge_stop, program_refresh
from tests.diary.factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

FIRST_DOSE = START + timedelta(days=21)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def report_url(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id])


def report_on(client, patient, day: date) -> str:
    """The report's HTML as the dietitian sees it on `day`."""
    with at(day):
        return client.get(report_url(patient)).content.decode()


def program_with_a_challenge(patient, **options):
    """Pat's program: 21 calm baseline days, then the first group tested with a clear rise."""
    program = make_program(patient)
    return program, first_challenge_tested(program, **options)


def first_challenge_tested(program, *, blinded=False, reaction=True, days_after=6) -> Challenge:
    """21 calm baseline days, then the first group tested `days_after` days with a clear rise
    (or none), its verdict read."""
    log_days(program, START, FIRST_DOSE - timedelta(days=1))
    challenge = program.challenges.order_by("position").first()
    if blinded:
        Challenge.objects.filter(pk=challenge.pk).update(blinded=True)
        challenge.refresh_from_db()
    challenge_start(challenge=challenge, on=FIRST_DOSE)
    if blinded:
        for dose, arm in zip(
            challenge.doses.order_by("date"), ["placebo", "active", "active"], strict=True
        ):
            dose.arm = arm
            dose.save()
    log_days(
        program, FIRST_DOSE, FIRST_DOSE + timedelta(days=days_after), score=8 if reaction else 3
    )
    program_refresh(program=program, today=FIRST_DOSE + timedelta(days=days_after))
    challenge.refresh_from_db()
    return challenge


def test_report_shows_the_program_chart_challenges_levels_and_adherence(
    dietitian_client, patient, catalogue
):
    program, challenge = program_with_a_challenge(patient)
    DailyEntry.objects.filter(program=program, date=START + timedelta(days=3)).update(
        off_plan=["dairy"], confounders=["illness"]
    )
    with at(FIRST_DOSE + timedelta(days=6)):
        response = dietitian_client.get(report_url(patient))
    html = response.content.decode()
    assert response.status_code == 200
    assert "started the Anti-inflammatory" in html
    assert "<svg" in html and 'id="report-chart-title"' in html
    assert challenge.food_group.name in html
    assert challenge.get_verdict_display() in html
    assert "Baseline and latest symptom levels" in html
    assert "Off-plan eating on 1 day" in html
    assert "suggestions to discuss" in html
    assert "To discuss" in html


def test_report_lists_a_possible_trigger_and_red_flags_to_discuss(
    dietitian_client, patient, catalogue
):
    program, challenge = program_with_a_challenge(patient, days_after=1)
    challenge_stop(challenge=challenge, on=FIRST_DOSE + timedelta(days=1), red_flags=["hives"])
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=2))
    assert "red-flag symptoms reported. Never re-test at home" in html
    assert "Stopped for a reaction" in html


def test_blinded_arms_stay_hidden_until_the_challenge_is_finished(
    dietitian_client, patient, catalogue
):
    program, challenge = program_with_a_challenge(patient, blinded=True, days_after=1)
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=1))
    assert "placebo" not in html and "arms hidden" in html
    assert "Shown once the blinded test is finished" in html
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.DONE)
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=8))
    assert "placebo" in html


def test_opening_the_report_records_access_and_moves_the_last_visit(
    dietitian_client, dietitian, patient, catalogue
):
    make_program(patient)
    link = CareLink.objects.get(dietitian=dietitian, patient=patient)
    assert link.last_visit is None
    dietitian_client.get(report_url(patient))
    link.refresh_from_db()
    assert link.last_visit is not None
    assert (
        AccessRecord.objects.filter(
            dietitian=dietitian, patient=patient, what=AccessRecord.What.REPORT
        ).count()
        == 1
    )


def test_report_of_a_client_without_a_program_says_so(dietitian_client, patient, catalogue):
    response = dietitian_client.get(report_url(patient))
    assert b"has not started a program yet" in response.content


@pytest.mark.parametrize("days", [10, 200])
def test_report_costs_at_most_30_queries_whatever_the_diary_length(
    dietitian_client, patient, catalogue, days, django_assert_max_num_queries
):
    program, _ = program_with_a_challenge(patient, days_after=days)
    Dose.objects.update(taken=True)
    # 20, one for the long-term plan, one for allergic reactions and 8 for the attention flags
    # (the client list's, for one client).
    with at(FIRST_DOSE + timedelta(days=days)), django_assert_max_num_queries(30):
        response = dietitian_client.get(report_url(patient))
    assert response.status_code == 200


def test_report_says_when_the_client_stopped_checking_in(dietitian_client, patient, catalogue):
    program, challenge = program_with_a_challenge(patient, days_after=2)
    last = FIRST_DOSE + timedelta(days=2)
    html = report_on(dietitian_client, patient, last + timedelta(days=1))
    assert "No check-in since" not in html
    html = report_on(dietitian_client, patient, last + timedelta(days=20))
    assert f"No check-in since {last:%-d %b %Y} (20 days)" in html
    # A washout that runs on because nothing was logged is not "symptoms have not settled".
    assert "symptoms have not settled back" not in html
    assert "no check-in to show symptoms settling" in html


def test_report_says_when_the_client_never_checked_in(dietitian_client, patient, catalogue):
    make_program(patient)
    html = report_on(dietitian_client, patient, START + timedelta(days=1))
    assert "No check-in yet" not in html
    html = report_on(dietitian_client, patient, START + timedelta(days=4))
    assert f"No check-in yet: the program started on {START:%-d %b %Y}." in html


def test_the_report_speaks_of_the_client_not_to_them(dietitian_client, patient, catalogue):
    program_with_a_challenge(patient, reaction=False)
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=6))
    assert "of the client&#x27;s usual level" in html or "of the client's usual level" in html
    assert "your usual level" not in html.lower()


def test_report_says_how_sure_in_plain_words_and_does_not_claim_the_food_caused_it(
    dietitian_client, patient, catalogue
):
    _, challenge = program_with_a_challenge(patient)
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=6))
    assert "How sure" in html and "Confidence" not in html
    assert "foods with results like this are real triggers for the person" in html
    assert f"{challenge.verdict_probability:.2f}" not in html  # never a bare number
    assert "it can come from the food, but also from chance or from expecting a reaction" in html
    assert "A clear rise is 2 points, or 30% of the client&#x27;s usual level" in html
    assert "over the usual level" in html and "in the days after" in html


def levels_table(html: str) -> dict[str, list[str]]:
    """The levels table as {symptom: [cells]}, plus its header row under the key ""."""
    table = re.search(r'<table class="table table-sm report-levels[^"]*">(.*?)</table>', html, re.S)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0] if 'scope="row"' in row else ""] = cells[1:]
    return rows


def test_levels_show_the_usual_level_the_verdict_compared_against(
    dietitian_client, patient, catalogue
):
    program, challenge = program_with_a_challenge(patient)
    used = {s["symptom"]: s["reference_level"] for s in challenge.verdict_detail["symptoms"]}
    html = report_on(dietitian_client, patient, FIRST_DOSE + timedelta(days=6))
    table = levels_table(html)
    header = table[""]
    column = header.index(f"Usual level before the {challenge.food_group.name} test")
    assert table["Pain"][column] == f"{used['pain']:.1f}"
    assert "what the verdicts compare against" in html
    assert "End of baseline" in header


def test_end_of_baseline_is_blank_while_the_baseline_runs(dietitian_client, patient, catalogue):
    program = make_program(patient)
    log_days(program, START, START + timedelta(days=9), score=5)
    html = report_on(dietitian_client, patient, START + timedelta(days=9))
    table = levels_table(html)
    column = table[""].index("End of baseline")
    assert table["Pain"][column] == "–"
    assert table["Pain"][0] == "5.0"  # the first week is shown
    assert "shown once the baseline is over" in html


def test_the_report_of_a_program_starting_later_says_it_starts(
    dietitian_client, patient, catalogue
):
    make_program(patient, start=START + timedelta(days=7))

    html = report_on(dietitian_client, patient, START)

    assert "starts the Anti-inflammatory" in html
    assert "started the" not in html


def test_the_reports_chart_is_drawn_afresh_once_a_score_changes(
    dietitian_client, patient, catalogue
):
    # The chart's drawings are kept in the process by what they draw: a changed score draws
    # the changed line at once, the same scores reuse the drawing.
    program, _ = program_with_a_challenge(patient)
    day = FIRST_DOSE + timedelta(days=6)

    def lines(html: str) -> str:
        return re.search(r'<g id="report-chart-narrow-lines".*?</g>', html, re.S).group(0)

    before = report_on(dietitian_client, patient, day)
    assert lines(report_on(dietitian_client, patient, day)) == lines(before)
    entry = DailyEntry.objects.get(program=program, date=START + timedelta(days=2))
    first = program.symptoms[0]
    entry.scores = {**entry.scores, first: 9}
    entry.save()
    after = report_on(dietitian_client, patient, day)
    assert lines(after) != lines(before)
    assert "2 9L" in lines(after) and "2 9L" not in lines(before)


def test_the_reports_chart_follows_each_change_to_the_diary_and_the_catalogue(
    dietitian_client, patient, catalogue
):
    # Its lines and day markers are kept in the process under the diary's stamp and the
    # catalogue's names: off-plan eating, a confounder, a renamed symptom or food group and a
    # deleted check-in each show on the next view.
    from foods.models import Confounder, FoodGroup, Symptom

    program, challenge = program_with_a_challenge(patient)
    day = FIRST_DOSE + timedelta(days=6)
    group, confounder = challenge.food_group, Confounder.objects.order_by("slug").first()
    symptom = Symptom.objects.get(slug=program.symptoms[0])

    def lines(html: str) -> str:
        return re.search(r'<g id="report-chart-narrow-lines".*?</g>', html, re.S).group(0)

    first = report_on(dietitian_client, patient, day)
    assert f"Off-plan: {group.name}" not in first and f'data-symptom="{symptom.name}"' in first
    entry = DailyEntry.objects.get(program=program, date=day - timedelta(days=1))
    entry.off_plan, entry.confounders = [group.slug], [confounder.slug]
    entry.save()
    html = report_on(dietitian_client, patient, day)
    assert f"Off-plan: {group.name}; {confounder.name}" in html

    FoodGroup.objects.filter(pk=group.pk).update(name="Moo juice")
    assert f"Off-plan: Moo juice; {confounder.name}" in report_on(dietitian_client, patient, day)
    Confounder.objects.filter(pk=confounder.pk).update(name="Long haul flight")
    assert "Off-plan: Moo juice; Long haul flight" in report_on(dietitian_client, patient, day)
    Symptom.objects.filter(pk=symptom.pk).update(name="Tummy rumbles")
    html = report_on(dietitian_client, patient, day)
    assert 'data-symptom="Tummy rumbles"' in html and f'data-symptom="{symptom.name}"' not in html

    DailyEntry.objects.filter(program=program, date=START + timedelta(days=2)).delete()
    assert lines(report_on(dietitian_client, patient, day)) != lines(html)


def test_the_reports_tables_follow_each_change_to_what_they_show(
    dietitian_client, dietitian, patient, catalogue
):
    # The challenges, long-term plan, levels and health answers tables are kept in the
    # process by the values they show (`clinic.report.fragment`): each change shows at once.
    from django.utils.html import escape

    from dietplanner.accounts.models import User
    from dietplanner.analysis import screening as intake
    from dietplanner.programs.models import GroupPlan, Screening
    from foods.models import FoodGroup
    from tests.programs.longterm_factories import LAST_DAY, program_after_dairy_test

    program, dairy = program_after_dairy_test(patient, rise_from=4)
    day = LAST_DAY + timedelta(days=1)
    html = report_on(dietitian_client, patient, day)
    assert "Fine up to 1/2 cup of milk (120 ml)" in html and "from the results" in html
    assert '<span class="verdict verdict-trigger">Likely trigger</span>' in html

    # Set by Dana at 23:30 UTC: already the next day on Pat's clock in Oslo.
    GroupPlan.objects.filter(program=program, food_group__slug="dairy").update(
        status=GroupPlan.Status.AVOID,
        note="Kept out for now",
        changed_by=dietitian,
        changed_at=datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
    )
    html = report_on(dietitian_client, patient, day)
    assert "Avoid for now. Note: Kept out for now" in html
    assert f"{dietitian.full_name}, 1 Feb 2026" in html and "from the results" not in html
    # the plan's group is named from the catalogue the process keeps by its stamp, who set it
    # from the dietitian's row
    FoodGroup.objects.filter(slug="dairy").update(name="Moo juice")
    User.objects.filter(pk=dietitian.pk).update(full_name="Dana Renamed")
    html = report_on(dietitian_client, patient, day)
    assert '<th scope="row">Moo juice</th>\n    <td data-label="Plan">Avoid for now.' in html
    assert "Dana Renamed, 1 Feb 2026" in html

    Challenge.objects.filter(pk=dairy.pk).update(verdict=Challenge.Verdict.TOLERATED)
    html = report_on(dietitian_client, patient, day)
    assert '<span class="verdict verdict-tolerated">Tolerated</span>' in html
    assert "verdict-trigger" not in html

    entry = DailyEntry.objects.get(program=program, date=LAST_DAY)
    entry.scores = {s: 10 for s in program.symptoms}
    entry.save()

    def latest_week(page: str) -> str:
        return re.search(r'data-label="Latest week">([^<]*)<', page).group(1)

    assert latest_week(report_on(dietitian_client, patient, day)) != latest_week(html)

    screening = Screening.objects.filter(patient=patient).latest("answered_at")
    question = next(q for q in intake.QUESTIONS if not q.gluten_only)
    Screening.objects.filter(pk=screening.pk).update(
        answers={**screening.answers, question.slug: "yes"}
    )
    html = report_on(dietitian_client, patient, day)
    marked = rf'<tr class="is-worrying">\s*<td>{re.escape(escape(question.text))}</td>'
    assert re.search(marked, html), "the changed answer is marked as needing a clinician"


@pytest.mark.parametrize(
    ("protocol", "marked"), [("anti-inflammatory", True), ("low-fodmap", False)]
)
def test_the_reports_health_answers_weigh_coeliac_testing_by_the_programs_diet(
    dietitian_client, patient, catalogue, protocol, marked
):
    # Untested for coeliac disease needs a clinician only on a diet without gluten: the report
    # reads its protocol's groups with the catalogue's names.
    from django.utils.html import escape

    from dietplanner.analysis import screening as intake
    from tests.conftest import screened

    make_program(patient, protocol=protocol, baseline_days=28)
    screened(patient, coeliac_tested="no")
    html = report_on(dietitian_client, patient, START + timedelta(days=3))
    question = escape(intake.QUESTIONS_BY_SLUG["coeliac_tested"].text)
    row = re.search(rf'<tr( class="is-worrying")?>\s*<td>{re.escape(question)}</td>', html)
    assert bool(row.group(1)) == marked
    assert ("Needs a clinician before a home program" in html) == marked


def test_the_reports_title_and_links_follow_the_client_and_the_program(
    dietitian_client, patient, catalogue
):
    """The title and the links above the report are drawn once per process for what they
    show: a renamed client, a program started or ended, shows at once."""
    from dietplanner.accounts.models import User
    from dietplanner.programs.models import Program

    before = dietitian_client.get(report_url(patient)).content.decode()
    assert "Start a program" in before and "Adjust the plan" not in before
    program = make_program(patient)
    running = dietitian_client.get(report_url(patient)).content.decode()
    assert "Adjust the plan" in running and "Start a program" not in running
    assert reverse("clinic:report-pdf", args=[patient.public_id]) in running
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)
    User.objects.filter(pk=patient.pk).update(full_name="Patricia <Doe>")
    ended = dietitian_client.get(report_url(patient)).content.decode()
    assert "Adjust the plan" in ended and "Start a program" in ended
    assert "Patricia &lt;Doe&gt;: report" in ended
