"""The client list's counts come from one row per dietitian (`clinic.ClientListState`), not
from counting and checking their 5,000 lines per view (issue 17). The row is worked out again
after every change to the dietitian's lines or links, so after each kind of change the list
shows the same clients, counts and flags as when it counts its lines, and never a line it
must not show."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.services import account_erase, code_for, code_redeem, link_revoke
from dietplanner.clinic.models import ClientListState, ClientSummary
from dietplanner.clinic.selectors import FLAGS, PHASES, client_list_state_fields, summaries_current
from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.programs.services import program_refresh
from tests.clinic import test_client_summaries
from tests.clinic.test_client_summaries import NOON, at
from tests.clinic.test_clients import TODAY, URL, add_client
from tests.conftest import sign_in
from tests.diary.factories import log_days as log

pytestmark = pytest.mark.django_db
clients = test_client_summaries.clients  # the six flagged clients and Pat, stored at noon
SOON = NOON + timedelta(minutes=5)
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")
VIEWS = [{}, {"sort": "flags"}, *({"flag": f} for f in FLAGS), *({"phase": p} for p in PHASES)]


def pages(client) -> list[str]:
    """The list as the dietitian sees it: unfiltered, sorted by flags, each flag, each phase
    (without the page's CSRF token, new each time)."""
    return [CSRF_TOKEN.sub("", client.get(URL, params).content.decode()) for params in VIEWS]


def same_as_counted_from_the_lines(client, dietitian) -> list[str]:
    """The pages read with the state; asserts they are the pages the list shows when it
    counts and checks the lines instead (no state), and that the state is what the lines say.
    """
    state = ClientListState.objects.get(dietitian=dietitian)
    fields = client_list_state_fields(dietitian.pk)
    assert {name: getattr(state, name) for name in fields} == fields
    with_state = pages(client)
    ClientListState.objects.filter(dietitian=dietitian).delete()
    assert pages(client) == with_state
    client_summaries_refresh_due()  # the minute trigger makes the state again
    assert ClientListState.objects.filter(dietitian=dietitian).exists()
    return with_state


def test_the_list_from_its_state_is_the_list_from_its_lines(dietitian_client, dietitian, clients):
    with at(SOON):
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)
    assert "7 linked clients" in html[0] and "Showing all 7." in html[0]
    assert "Showing 1 of 7 flagged" in html[VIEWS.index({"flag": "no_checkin"})]
    assert "Quinn Quiet" in html[VIEWS.index({"flag": "no_checkin"})]


def test_a_client_who_enters_the_code_is_listed_and_counted_at_once(
    dietitian_client, dietitian, clients
):
    code = code_for(dietitian).code
    nina = User.objects.create_user(
        email="nina@example.com", full_name="Nina New", role=User.Role.PATIENT, timezone="UTC"
    )
    with at(SOON):
        code_redeem(code=code, patient=nina)
        assert not summaries_current(dietitian)  # no line yet: every client is worked out
        html = dietitian_client.get(URL).content.decode()
        assert "8 linked clients" in html and "Nina New" in html
        assert client_summaries_refresh_due() == 1
        assert summaries_current(dietitian)
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)[0]
    assert "8 linked clients" in html and "Nina New" in html


def test_a_client_who_stops_sharing_or_is_erased_leaves_the_counts_at_once(
    dietitian_client, dietitian, clients
):
    quinn, fay = clients["quiet"].patient, clients["flat"].patient
    with at(SOON):
        link_revoke(link=CareLink.objects.get(patient=quinn, dietitian=dietitian), patient=quinn)
        account_erase(user=fay)
        assert summaries_current(dietitian)
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)
    assert "5 linked clients" in html[0] and "Showing all 5." in html[0]
    assert not any("Quinn Quiet" in page or "Fay Flat" in page for page in html)


def test_a_flag_reviewed_or_cleared_by_a_check_in_leaves_its_count(
    dietitian_client, dietitian, clients, django_capture_on_commit_callbacks
):
    washout, quiet = clients["washout"], clients["quiet"]
    with at(SOON):
        dietitian_client.post(
            reverse("clinic:flag-reviewed", args=[washout.patient.public_id, "long_washout"])
        )
        dietitian_client.get(URL)  # the page that shows "Marked as reviewed"
        log(quiet, TODAY - timedelta(days=3), TODAY)  # Quinn checks in again
        with django_capture_on_commit_callbacks(execute=True):
            program_refresh(program=quiet, today=TODAY)  # its task refreshes Quinn's line
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)
    for flag in ("long_washout", "no_checkin"):
        assert "Showing 0 of 7 flagged" in html[VIEWS.index({"flag": flag})]


def test_links_started_or_ended_in_bulk_are_never_shown_wrongly_and_counted_within_a_minute(
    dietitian_client, dietitian, other_dietitian, clients
):
    quinn = clients["quiet"].patient
    with at(SOON):
        CareLink.objects.filter(patient=quinn).update(status="revoked")  # no save
        assert not any("Quinn Quiet" in page for page in pages(dietitian_client))
        CareLink.objects.bulk_create(
            [CareLink(dietitian=other_dietitian, patient=quinn, status="active")]
        )
        client_summaries_refresh_due()  # the minute trigger
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)
        assert summaries_current(other_dietitian)
    assert "6 linked clients" in html[0]
    assert not any("Quinn Quiet" in page for page in html)
    assert ClientListState.objects.get(dietitian=other_dietitian).total == 1


def test_a_new_day_or_a_new_time_zone_makes_the_list_work_each_client_out(
    dietitian_client, dietitian, clients
):
    with at(NOON + timedelta(days=1)):  # every client's midnight passed, no refresh yet
        assert not summaries_current(dietitian)
        assert "Quinn Quiet" in dietitian_client.get(URL, {"flag": "no_checkin"}).content.decode()
        client_summaries_refresh_due()
        assert summaries_current(dietitian)
    quinn = clients["quiet"].patient
    with at(NOON + timedelta(days=1, minutes=5)):
        quinn.timezone = "Pacific/Kiritimati"  # already the next day there
        quinn.save()
        assert not summaries_current(dietitian)
        assert ClientSummary.objects.get(link__patient=quinn).zone == "Pacific/Kiritimati"
        client_summaries_refresh_due()
        assert summaries_current(dietitian)
        same_as_counted_from_the_lines(dietitian_client, dietitian)


def test_an_outsider_has_a_state_of_their_own_and_sees_no_line(
    client, dietitian, other_dietitian, clients
):
    add_client(other_dietitian, "Olga Own")
    with at(SOON):
        client_summaries_refresh_due()
        sign_in(client, other_dietitian)
        html = same_as_counted_from_the_lines(client, other_dietitian)
    assert "1 linked client." in html[0] and "Olga Own" in html[0]
    assert not any(name in page for page in html for name in ("Quinn Quiet", "Fay Flat"))


def test_users_deleted_in_bulk_leave_the_counts_within_a_minute(
    dietitian_client, dietitian, other_dietitian, clients
):
    add_client(other_dietitian, "Olga Own")
    with at(SOON):
        client_summaries_refresh_due()
        User.objects.filter(full_name__in=["Quinn Quiet", "Fay Flat"]).delete()  # the admin
        assert not any("Quinn Quiet" in page for page in pages(dietitian_client))
        User.objects.filter(pk=other_dietitian.pk).delete()
        client_summaries_refresh_due()  # the minute trigger
        html = same_as_counted_from_the_lines(dietitian_client, dietitian)
    assert "5 linked clients" in html[0] and "Showing all 5." in html[0]
    assert not ClientListState.objects.filter(dietitian_id=other_dietitian.pk).exists()
