"""Each client's line of the list is stored (issue 17) and refreshed when its inputs change:
at once after the dietitian marks a flag as reviewed, and by the minute trigger (`send_due`)
for a line that is missing, of another day, or whose check-ins, challenges, program, reactions
or health answers changed since. Until every line is current the list works each client out,
so it is never wrong, only slower."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.services import link_revoke
from dietplanner.clinic.models import ClientSummary
from dietplanner.clinic.selectors import summaries_current
from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.programs.models import DailyEntry, Screening
from dietplanner.programs.safety import alert_raise
from dietplanner.programs.services import program_refresh, programs_refresh_due
from tests.diary.factories import log_days as log

from .test_clients import TODAY, URL, add_client, flagged_clients

pytestmark = pytest.mark.django_db
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def line(program) -> ClientSummary:
    return ClientSummary.objects.get(link__patient=program.patient)


@pytest.fixture
def clients(dietitian, catalogue):
    with at(NOON - timedelta(hours=1)):
        programs = flagged_clients(dietitian)
    # Pat's health answers were given in real time, long after this test's day.
    Screening.objects.update(answered_at=NOON - timedelta(days=30))
    with at(NOON):
        assert client_summaries_refresh_due() == 7  # Pat and the six
    return programs


def test_the_minute_trigger_stores_every_line_then_only_what_changed(clients):
    quiet = clients["quiet"]
    assert line(quiet).flags == " no_checkin " and line(quiet).days_since == 4
    with at(NOON + timedelta(minutes=1)):
        assert client_summaries_refresh_due() == 0
    with at(NOON + timedelta(minutes=2)):
        log(quiet, TODAY, TODAY)  # Quinn checks in
    with at(NOON + timedelta(minutes=3)):
        assert client_summaries_refresh_due() == 1
    assert line(quiet).flags == "" and line(quiet).days_since == 0
    assert line(quiet).last_checkin == TODAY


def test_a_new_day_refreshes_every_line_for_the_clients_own_calendar(clients):
    with at(NOON + timedelta(days=1)):
        assert client_summaries_refresh_due() == 7
    assert line(clients["flat"]).days_since == 1
    assert line(clients["flat"]).as_of == TODAY + timedelta(days=1)


def test_a_reaction_the_client_reports_reaches_the_stored_flags(clients):
    calm = clients["flat"]
    with at(NOON + timedelta(minutes=5)):
        alert_raise(patient=calm.patient, severity="severe", on=TODAY, signs=["hives"])
    with at(NOON + timedelta(minutes=6)):
        assert client_summaries_refresh_due() == 1
    assert line(calm).flags.split()[0] == "urgent"


def test_marking_a_flag_as_reviewed_hides_it_from_the_stored_list_at_once(
    dietitian_client, clients
):
    washout = clients["washout"]
    with at(NOON + timedelta(minutes=5)):
        dietitian_client.post(
            reverse("clinic:flag-reviewed", args=[washout.patient.public_id, "long_washout"])
        )
        assert line(washout).flags == ""
        html = dietitian_client.get(URL, {"flag": "long_washout"}).content.decode()
    assert "Walt Washout" not in html


def test_until_every_line_is_current_the_list_works_each_client_out(
    dietitian_client, dietitian, clients
):
    with at(NOON + timedelta(minutes=5)):
        add_client(dietitian, "Nina New")  # linked after the last refresh: no line yet
        assert not summaries_current(dietitian)
        html = dietitian_client.get(URL, {"sort": "flags"}).content.decode()
        assert "Nina New" in html and "Quinn Quiet" in html
        assert client_summaries_refresh_due() == 1
        assert summaries_current(dietitian)
    with at(NOON + timedelta(days=1)):  # the client's midnight passed, no refresh yet
        assert not summaries_current(dietitian)


def test_a_revoked_link_keeps_no_place_in_the_stored_list(dietitian_client, dietitian, clients):
    CareLink.objects.filter(patient=clients["quiet"].patient).update(status="revoked")
    with at(NOON + timedelta(minutes=5)):
        html = dietitian_client.get(URL, {"flag": "no_checkin"}).content.decode()
    assert "Quinn Quiet" not in html


def test_send_due_refreshes_the_lines_and_says_how_many(clients, capsys):
    with at(NOON + timedelta(minutes=1)):  # the trigger's first run today: programs, lines
        programs_refresh_due()
        client_summaries_refresh_due()
    with at(NOON + timedelta(minutes=2)):
        DailyEntry.objects.filter(program=clients["quiet"]).first().save()
    with at(NOON + timedelta(minutes=3)):
        call_command("send_due")
    assert "1 client list lines refreshed" in capsys.readouterr().out


def test_acknowledging_a_reaction_clears_the_stored_urgent_flag_at_once(dietitian_client, clients):
    flat = clients["flat"]
    with at(NOON + timedelta(minutes=5)):
        alert = alert_raise(patient=flat.patient, severity="severe", on=TODAY, signs=["hives"])
        client_summaries_refresh_due()
        assert "urgent" in line(flat).flags
        url = reverse("clinic:reaction-acknowledge", args=[flat.patient.public_id, alert.public_id])
        dietitian_client.post(url)
    assert "urgent" not in line(flat).flags


def test_a_program_refresh_queues_its_clients_lines_once_committed(
    clients, django_capture_on_commit_callbacks
):
    quiet = clients["quiet"]
    with at(NOON + timedelta(minutes=5)):
        log(quiet, TODAY - timedelta(days=3), TODAY)  # a late check-in and today's
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            program_refresh(program=quiet, today=TODAY)
        assert line(quiet).days_since == 4  # nothing before the commit
        for callback in callbacks:
            callback()  # the commit: the task runs at once with the immediate backend
    assert line(quiet).days_since == 0 and line(quiet).flags == ""


# The lines keep copies of what the list counts, checks and sorts by (the link's dietitian, the
# patient's name, e-mail and time zone): a save of the link or the patient moves them at once,
# with no refresh between, and the list read from the lines shows the change.


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_a_client_who_changes_name_is_sorted_by_the_new_name_at_once(
    dietitian_client, dietitian, clients
):
    walt = clients["washout"].patient
    with at(NOON + timedelta(minutes=5)):
        before = dietitian_client.get(URL).content.decode()
        walt.full_name = "Aaron Washout"
        walt.save()
        assert summaries_current(dietitian)  # still read from the stored lines
        after = dietitian_client.get(URL).content.decode()
        descending = dietitian_client.get(URL, {"sort": "-name"}).content.decode()
    names = ["Aaron Washout", "Cal Calm", "Walt Washout", "Vera Verdict"]
    assert names_in_order(before, names) == ["Cal Calm", "Vera Verdict", "Walt Washout"]
    assert names_in_order(after, names) == ["Aaron Washout", "Cal Calm", "Vera Verdict"]
    assert names_in_order(descending, names) == ["Vera Verdict", "Cal Calm", "Aaron Washout"]
    assert line(clients["washout"]).name == "Aaron Washout"


def test_a_client_who_stops_sharing_leaves_the_stored_list_at_once(
    dietitian_client, dietitian, clients
):
    quinn = clients["quiet"].patient
    link = CareLink.objects.get(patient=quinn, dietitian=dietitian)
    with at(NOON + timedelta(minutes=5)):
        assert "7 linked clients" in dietitian_client.get(URL).content.decode()
        link_revoke(link=link, patient=quinn)
        assert summaries_current(dietitian)  # the line left with the link
        html = dietitian_client.get(URL).content.decode()
    assert "Quinn Quiet" not in html
    assert "6 linked clients" in html and "Showing all 6." in html


def test_a_client_who_moves_time_zone_is_worked_out_until_their_line_is_refreshed(
    dietitian_client, dietitian, clients
):
    quinn = clients["quiet"].patient
    with at(NOON + timedelta(minutes=5)):
        quinn.timezone = "Pacific/Kiritimati"  # 02:05 on the next day there
        quinn.save()
        assert not summaries_current(dietitian)  # Quinn's line is of yesterday for Quinn
        html = dietitian_client.get(URL, {"flag": "no_checkin"}).content.decode()
        assert "5 days ago" in html  # worked out for Quinn's new today
        assert client_summaries_refresh_due() == 1
        assert summaries_current(dietitian)
        assert line(clients["quiet"]).days_since == 5


def test_a_user_who_is_no_longer_a_patient_leaves_the_stored_list(
    dietitian_client, dietitian, clients
):
    fay = clients["flat"].patient
    with at(NOON + timedelta(minutes=5)):
        fay.role = User.Role.DIETITIAN
        fay.save()
        assert not ClientSummary.objects.filter(link__patient=fay).exists()
        html = dietitian_client.get(URL).content.decode()
    assert "Fay Flat" not in html and "6 linked clients" in html


def test_a_rows_flags_cell_follows_its_flags_at_once(dietitian_client, clients):
    """The "Needs attention" cell is drawn once per set of flags (`views.clients.flag_cell`):
    the row shows its new flags as soon as they change, in the same server process."""
    washout = clients["washout"]

    def walts_row() -> str:
        html = dietitian_client.get(URL, {"q": "Walt"}).content.decode()
        return html[html.index("Walt Washout") :]

    with at(NOON + timedelta(minutes=5)):
        assert "Washout over 10 days" in walts_row()
        dietitian_client.post(
            reverse("clinic:flag-reviewed", args=[washout.patient.public_id, "long_washout"])
        )
        row = walts_row()
    assert "Washout over 10 days" not in row and "Nothing flagged" in row


def test_a_line_left_behind_by_a_bulk_update_never_shows_an_ended_link(
    dietitian_client, dietitian, clients
):
    """A link ended by a bulk update keeps its line until the minute trigger; should a new
    client (no line yet) even the counts meanwhile, the ended link's client is still not shown.
    """
    CareLink.objects.filter(patient=clients["quiet"].patient).update(status="revoked")
    with at(NOON + timedelta(minutes=5)):
        add_client(dietitian, "Nina New")  # linked after the last refresh: no line yet
        assert summaries_current(dietitian)  # as many lines as links, each of today
        html = dietitian_client.get(URL).content.decode()
    assert "Quinn Quiet" not in html


def test_a_row_follows_its_line_at_once(dietitian_client, clients):
    """A row of the table is drawn once per process for the same values
    (`views.clients.client_row`): a check-in shows in the row as soon as its line is stored."""
    quiet = clients["quiet"]

    def quinns_row() -> str:
        html = dietitian_client.get(URL).content.decode()
        row = html[html.index("Quinn Quiet") :]
        return row[: row.index("</tr>")]

    with at(NOON + timedelta(minutes=5)):
        assert "4 days ago" in quinns_row() and "No check-in for 3 days" in quinns_row()
        log(quiet, TODAY, TODAY)
        assert client_summaries_refresh_due() == 1
        row = quinns_row()
    assert "today" in row and "4 days ago" not in row and "Nothing flagged" in row
