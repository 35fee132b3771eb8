"""The diary rows and plans a process keeps (`programs.memo`): read once, never stale.

Each test writes the way another server process would (the service, a plain model save, a
delete, a challenge started) while this process keeps what it read, and checks that the next
read shows the write. The clock is frozen, so two saves share one `updated` time: only the
diary's revision tells them apart.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.analysis.vocabulary import TodayKind
from dietplanner.programs import memo as memo_module
from dietplanner.programs import record as record_module
from dietplanner.programs.models import Challenge, DailyEntry
from dietplanner.programs.record import load_record, shown_program
from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _record(patient):
    return load_record(shown_program(patient), today=patient.local_today())


def _first_symptom(record):
    return record.program.symptoms[0]


def test_a_second_page_reads_no_diary_rows_and_shows_the_same_day(client):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 365)
        sign_in(client, patient)
        first, page = query_count(lambda: client.get(reverse("diary:today")))
        with_rows_kept = len_queries(client, reverse("diary:today"))
        again = client.get(reverse("diary:today"))
    # Not run: the entries' query (a year of rows), the challenges' two (with their doses)
    # and the catalogue's two: what is left is the session, the user and the program.
    assert (first, with_rows_kept) == (8, 3)
    assert record_module.diaries.hits >= 1
    assert _without_tokens(again) == _without_tokens(page)


def _without_tokens(response) -> str:
    """The page less its per-request CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def len_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_an_entry_changed_by_a_plain_save_at_the_same_instant_is_read_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        symptom = _first_symptom(before)
        day = before.entries[-1].date
        entry = DailyEntry.objects.get(program=before.program, date=day)
        entry.scores = {**entry.scores, symptom: 9 if entry.scores.get(symptom) != 9 else 1}
        entry.save()  # same frozen instant: same `updated`, same count
        after = _record(patient)
    assert after.entry_by_day[day].scores[symptom] == entry.scores[symptom]
    assert after.diary[day].scores[symptom] == entry.scores[symptom]


def test_a_check_in_saved_by_the_service_is_read_at_once(client):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.get(reverse("diary:today"))  # this process keeps the rows
        before = _record(patient)
        symptoms = before.program.symptoms
        response = client.post(
            reverse("diary:checkin"),
            {f"score_{s}": "7" for s in symptoms} | {"dose_taken": "yes"},
        )
        assert response.status_code == 302
        after = _record(patient)
        today = patient.local_today()
    assert today not in before.entry_by_day
    assert after.entry_by_day[today].scores == dict.fromkeys(symptoms, 7)
    assert len(after.entries) == len(before.entries) + 1


def test_a_deleted_entry_is_gone_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        day = before.entries[0].date
        DailyEntry.objects.filter(program=before.program, date=day).delete()
        after = _record(patient)
    assert day in before.entry_by_day
    assert day not in after.entry_by_day


def test_the_plan_follows_a_challenge_changed_elsewhere():
    """The plan kept is keyed by every input of the engine: a stop recorded by another process
    (the diary untouched) gives the plan of a stopped test."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        running = before.by_key[before.plan.today.challenge_key]
        Challenge.objects.filter(pk=running.pk).update(
            status=Challenge.Status.STOPPED, stop_day=patient.local_today() - timedelta(days=1)
        )
        after = _record(patient)
    assert before.plan.today.kind == TodayKind.DOSE
    assert after.plan.today.kind != TodayKind.DOSE
    assert after.plan != before.plan


def test_another_program_with_the_same_rows_never_shares_them():
    with pinned_time():
        one = _record(patient_with_program("one@example.com", 30))
        other = _record(patient_with_program("two@example.com", 30))
    assert one.diary_key != other.diary_key
    assert record_module.diaries.misses >= 2


def test_an_entry_changed_by_a_bulk_update_is_read_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        day = before.entries[-1].date
        DailyEntry.objects.filter(program=before.program, date=day).update(note="Changed")
        after = _record(patient)
    assert before.entry_by_day[day].note != "Changed"
    assert after.entry_by_day[day].note == "Changed"


def test_the_pages_after_a_check_in_find_its_rows_kept_under_the_new_stamp(
    client, django_capture_on_commit_callbacks
):
    """The check-in keeps the rows it saved under the stamp the database then has, and shares
    its step (the stamp before, the saved row): the next page in this process reads no row;
    in another process that kept the rows before the save, neither (it builds them from the
    step); in a process that kept none, the rows are read once and shared."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.get(reverse("diary:today"))
        symptoms = shown_program(patient).symptoms
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("diary:checkin"), {f"score_{s}": "6" for s in symptoms})
        misses = record_module.diaries.misses
        after = _record(patient)
        assert record_module.diaries.misses == misses  # found, not read
        # another process, which read the rows before the check-in: only the step is shared
        record_module.diaries._items.pop(after.diary_key)
        record_module.diary_steps._items.clear()
        stepped = _record(patient)
        assert record_module.diaries.misses == misses
        assert record_module.diary_steps.shared_hits >= 1
        # a process that kept no rows at all: reads them once, and shares them
        record_module.diaries._items.clear()
        read = _record(patient)
        assert record_module.diaries.misses == misses + 1
        record_module.diaries._items.clear()
        shared = _record(patient)
        assert record_module.diaries.misses == misses + 1
        today = patient.local_today()
    assert after.entry_by_day[today].scores == dict.fromkeys(symptoms, 6)
    assert stepped.entries == read.entries == shared.entries == after.entries


def test_rows_are_built_from_several_check_ins_made_in_other_processes(
    django_capture_on_commit_callbacks,
):
    """Two check-ins saved by other processes since this one read the diary: the rows built
    from its own and the two steps are the database's, with no row read."""
    from dietplanner.diary.services import entry_save

    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        kept = _record(patient)  # this process's rows
        old_key = kept.diary_key
        today = patient.local_today()
        for day, score in ((today, 8), (today - timedelta(days=3), 2)):
            with django_capture_on_commit_callbacks(execute=True):
                entry_save(
                    program=shown_program(patient),
                    on=day,
                    today=today,
                    scores=dict.fromkeys(kept.program.symptoms, score),
                    record=_record(patient),
                )
            # what the other process kept stays there: here, only the rows read first
            for key in list(record_module.diaries._items):
                if key != old_key:
                    record_module.diaries._items.pop(key)
            record_module.diary_steps._items.clear()
        misses = record_module.diaries.misses
        built = _record(patient)
        assert record_module.diaries.misses == misses
        memo_module.forget()
        fresh = _record(patient)
    assert built.entries == fresh.entries
    assert built.entry_by_day[today].scores == dict.fromkeys(kept.program.symptoms, 8)
    assert built.plan == fresh.plan


# --- the challenges' rows, kept by the program's plan stamp -----------------------------------


def _kept_record(patient):
    """A record read twice: the second one built from the challenge rows kept in memory."""
    _record(patient)
    hits = record_module.challenge_rows.hits
    record = _record(patient)
    assert record_module.challenge_rows.hits == hits + 1
    return record


def _first_dose(record):
    return next(d for c in record.challenges for d in record.doses_of(c))


def test_kept_challenges_read_as_the_database_has_them():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        fresh = load_record(shown_program(patient), today=patient.local_today(), with_doses=True)
        record_module.challenge_rows.clear()
        _record(patient)
        kept = _kept_record(patient)
    fields = [f.attname for f in Challenge._meta.concrete_fields]
    for mine, theirs in zip(kept.challenges, fresh.challenges, strict=True):
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
        assert mine.food_group.name == theirs.food_group.name
        assert [d.date for d in kept.doses_of(mine)] == [d.date for d in fresh.doses_of(theirs)]
    assert kept.plan == fresh.plan
    assert kept.facts() == fresh.facts()


def test_a_dose_changed_on_one_record_is_not_changed_on_the_next():
    """Each record builds its own objects: the check-in changes and saves its dose; a page
    read meanwhile, or after the change was rolled back, still shows what is stored."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        _record(patient)
        one = _kept_record(patient)
        dose = _first_dose(one)
        dose.taken = not dose.taken
        one.challenges[0].status = Challenge.Status.SKIPPED
        other = _kept_record(patient)
    assert _first_dose(other).taken != dose.taken
    assert other.challenges[0].status != Challenge.Status.SKIPPED


@pytest.mark.parametrize(
    "change",
    [
        "dose saved",
        "doses updated",
        "dose deleted",
        "challenge updated",
        "challenges bulk updated",
        "endoscopy outcome created",
    ],
)
def test_a_change_made_elsewhere_is_read_at_once(change):
    """Each way another process writes a challenge's rows gives a new plan stamp: the next
    record reads the change, at the same frozen instant (no time tells the rows apart)."""
    from dietplanner.programs.models import Dose, EndoscopyOutcome

    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _kept_record(patient)
        dose = _first_dose(before)
        challenge = before.challenges[0]
        if change == "dose saved":
            stored = Dose.objects.get(pk=dose.pk)
            stored.taken = False
            stored.save()
        elif change == "doses updated":
            Dose.objects.filter(pk=dose.pk).update(taken=False)
        elif change == "dose deleted":
            Dose.objects.filter(pk=dose.pk).delete()
        elif change == "challenge updated":
            Challenge.objects.filter(pk=challenge.pk).update(verdict_detail={"seen": 1})
        elif change == "challenges bulk updated":
            stored = Challenge.objects.get(pk=challenge.pk)
            stored.verdict_detail = {"seen": 1}
            Challenge.objects.bulk_update([stored], ["verdict_detail"])
        else:
            EndoscopyOutcome.objects.create(
                challenge=challenge, outcome=EndoscopyOutcome.Outcome.NOT_ASSESSED
            )
        after = _record(patient)
    first = after.challenges[0]
    if change in ("dose saved", "doses updated"):
        assert _first_dose(after).taken is False
    elif change == "dose deleted":
        assert dose.pk not in {d.pk for c in after.challenges for d in after.doses_of(c)}
    elif change.startswith("challenge"):
        assert first.verdict_detail == {"seen": 1}
    else:
        assert first.endoscopy.outcome == EndoscopyOutcome.Outcome.NOT_ASSESSED


def test_a_change_rolled_back_leaves_nothing_behind():
    """Rows read inside a transaction that is then rolled back were kept under a stamp that
    no committed state ever has: the next change gets another."""
    from django.db import transaction

    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _kept_record(patient)
        challenge = before.challenges[0]
        try:
            with transaction.atomic():
                Challenge.objects.filter(pk=challenge.pk).update(verdict_detail={"lost": 1})
                assert _record(patient).challenges[0].verdict_detail == {"lost": 1}
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        Challenge.objects.filter(pk=challenge.pk).update(verdict_detail={"kept": 1})
        after = _record(patient)
    assert after.challenges[0].verdict_detail == {"kept": 1}


def test_a_kept_challenges_own_dose_queries_ask_the_database_for_its_doses_only():
    """The doses of a challenge built from kept rows answer `all()` from memory; any other
    query of them (a service asking whether a portion was logged) reads the database, for
    that challenge only, and the doses it reads point to that record's challenge."""
    from dietplanner.programs.models import Dose

    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        one = _kept_record(patient)
        other = _kept_record(patient)
        started = [c for c in one.challenges if one.doses_of(c)]
        for challenge in started:
            Dose.objects.filter(challenge=challenge).update(taken=None)
        Dose.objects.filter(pk=one.doses_of(started[0])[0].pk).update(taken=True)
        first, second = started[0], started[1]
        assert first.doses.exclude(taken=None).exists()
        assert not second.doses.exclude(taken=None).exists()
        # the other record's copy of the first asked the same: its query is its own
        assert other.challenges[one.challenges.index(first)].doses.exclude(taken=None).exists()
        read = list(first.doses.filter(taken=True))
    assert [d.pk for d in read] == [one.doses_of(first)[0].pk]
    assert read[0].challenge is first
    assert [d.pk for d in first.doses.all()] == [d.pk for d in one.doses_of(first)]


def test_the_page_after_a_check_in_elsewhere_reads_the_plan_that_process_computed(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """A check-in's process computes the plan with the saved day and shares it: another
    process's next page reads it from the shared cache, computes no plan and builds no
    schedule diary, and shows the plan computed afresh."""
    from dietplanner.programs import memo, schedule

    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        sign_in(client, patient)
        client.get(reverse("diary:today"))
        symptoms = shown_program(patient).symptoms
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("diary:checkin"), {f"score_{s}": "7" for s in symptoms})
        for kept in (memo.plans, record_module.diaries, record_module.day_logs):
            kept._items.clear()  # another process: only the shared cache has them
        computed = []
        engine = schedule.compute_plan
        monkeypatch.setattr(
            schedule, "compute_plan", lambda *a, **k: computed.append(1) or engine(*a, **k)
        )
        after = _record(patient)
        page = client.get(reverse("diary:today"))
        assert computed == []
        assert "diary" not in after.__dict__  # the schedule's diary was not built
        assert memo.plans.shared_hits >= 1
        monkeypatch.undo()
        memo.forget()
        fresh = _record(patient)
        today = patient.local_today()
    assert after.plan == fresh.plan
    assert after.entry_by_day[today].scores == dict.fromkeys(symptoms, 7)
    assert page.status_code == 200


def test_a_plan_shared_by_other_engine_code_is_not_read():
    """What a release computed is not read by a release whose engine's code differs: the
    shared key holds a fingerprint of the engine's source."""
    from dietplanner.programs import memo

    ours = memo.Lru(4, "test-plan", version="-ours")
    theirs = memo.Lru(4, "test-plan", version="-theirs")
    try:
        theirs.keep("key", "their plan")
        assert ours.get("key", lambda: "our plan") == "our plan"
        assert memo.source_stamp("dietplanner.programs.schedule") != memo.source_stamp(
            "dietplanner.analysis"
        )
    finally:
        ours.clear()
        theirs.clear()


# --- the catalogue, kept by its own stamp ------------------------------------------------------


@pytest.mark.parametrize("how", ["saved", "updated", "created", "deleted"])
def test_a_catalogue_change_shows_on_the_next_page(client, how):
    """A food group or symptom renamed (the admin, a catalogue load), a symptom added or
    removed: the next page names it as the database does, in this process too."""
    from foods.models import Symptom

    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.get(reverse("diary:today"))  # this process keeps the catalogue
        record = _record(patient)
        group = record.challenges[0].food_group
        symptom = Symptom.objects.get(slug=record.program.symptoms[0])
        if how == "saved":
            group.name = "Renamed group"
            group.save()
            symptom.name = "Renamed symptom"
            symptom.save()
        elif how == "updated":
            type(group).objects.filter(pk=group.pk).update(name="Renamed group")
            Symptom.objects.filter(pk=symptom.pk).update(name="Renamed symptom")
        elif how == "created":
            Symptom.objects.create(slug="new_symptom", name="Renamed symptom", position=99)
            type(group).objects.filter(pk=group.pk).update(name="Renamed group")
        else:
            symptom.delete()
        page = client.get(reverse("diary:today")).content.decode()
        after = _record(patient)
    if how == "deleted":
        assert symptom.name not in page
    else:
        assert after.challenges[0].food_group.name == "Renamed group"
        assert "Renamed group" in page  # the off-plan choices name every group of the plan
        if how != "created":
            assert "Renamed symptom" in page


def test_a_check_in_changes_one_day_of_the_schedules_diary(client):
    """The check-in's record takes the diary the schedule reads from the record before the
    save, with the saved day replaced: the same as built afresh from its rows."""
    from dietplanner.diary.services import entry_save

    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        before = _record(patient)
        assert before.diary  # built
        today = patient.local_today()
        for day, score in ((today, 8), (today - timedelta(days=3), 1)):  # a new day, an old one
            after = entry_save(
                program=before.program,
                on=day,
                today=today,
                scores=dict.fromkeys(before.program.symptoms, score),
                record=before,
            )
            assert after.diary == record_module._day_logs(after.entries)
            assert list(after.diary) == sorted(after.diary)
            assert after.diary[day].scores == dict.fromkeys(before.program.symptoms, score)
            assert (
                after.plan == load_record(shown_program(patient), today=today).plan
            )  # the same plan as a fresh read
            before = after


def test_after_a_change_elsewhere_the_unchanged_days_are_not_built_again():
    """Another process saved a day: this process builds that day's DayLog only, and the
    schedule's diary is the one built afresh."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        before = _record(patient)
        old_logs = before.diary
        day = before.entries[-2].date
        entry = DailyEntry.objects.get(program=before.program, date=day)
        symptom = _first_symptom(before)
        entry.scores = {**entry.scores, symptom: 9 if entry.scores.get(symptom) != 9 else 1}
        entry.save()
        after = _record(patient)
    assert after.diary == record_module._day_logs(after.entries)
    assert after.diary[day].scores[symptom] == entry.scores[symptom]
    assert after.diary[day] is not old_logs[day]
    others = [d for d in after.diary if d != day]
    assert all(after.diary[d] is old_logs[d] for d in others)


def test_without_a_shared_cache_nothing_kept_is_written_to_the_local_one(client, settings):
    """With the cache in the process's own memory (no Redis), the processes keep what they
    read in their own memory only: no second, pickled copy in the cache, and pages the same."""
    from django.core.cache import cache

    settings.MEMO_SHARED = False
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        first = client.get(reverse("diary:today"))
        symptoms = shown_program(patient).symptoms
        client.post(reverse("diary:checkin"), {f"score_{s}": "5" for s in symptoms})
        again = client.get(reverse("diary:today"))
    assert first.status_code == again.status_code == 200
    assert again.content.decode().count('value="5" checked') == len(symptoms)
    assert not [key for key in cache._cache if ":memo:" in key]


def test_the_rows_read_hold_the_values_stored():
    """Entries are read with their JSON as text, each distinct text decoded once: the values
    are the ones the models hold, upsets and off-plan food included."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        program = shown_program(patient)
        DailyEntry.objects.filter(program=program).update(
            confounders=["illness", "stress"], off_plan=["dairy"]
        )
        rows = record_module._read_entries(program)
        stored = list(DailyEntry.objects.filter(program=program).order_by("date"))
    assert [(r.date, r.scores, r.confounders, r.off_plan, r.note, r.updated) for r in rows] == [
        (e.date, e.scores, e.confounders, e.off_plan, e.note, e.updated) for e in stored
    ]
    assert rows[0].confounders == ["illness", "stress"]


@pytest.mark.parametrize("how", ["reordered", "removed", "added"])
def test_a_change_of_a_protocols_groups_shows_on_the_next_report(how):
    """The protocol's groups are kept with the catalogue: a change of them (the admin, a
    catalogue load) gives the catalogue a new stamp, read on the next page."""
    from dietplanner.clinic.report import load_program_data, protocol_groups
    from foods.models import FoodGroup, ProtocolGroup

    def groups(patient):
        program = shown_program(patient)
        return protocol_groups(load_program_data(patient, program, patient.local_today()))

    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = groups(patient)  # this process keeps the catalogue, and the groups with it
        protocol_id = shown_program(patient).protocol_id
        rows = ProtocolGroup.objects.filter(protocol_id=protocol_id)
        if how == "reordered":
            rows.filter(group=before[0]).update(position=999)
            expected = [*before[1:], before[0]]
        elif how == "removed":
            rows.get(group=before[0]).delete()
            expected = before[1:]
        else:
            extra = FoodGroup.objects.exclude(pk__in=[g.pk for g in before]).first()
            ProtocolGroup.objects.create(protocol_id=protocol_id, group=extra, position=999)
            expected = [*before, extra]
        after = groups(patient)
    assert [g.pk for g in after] == [g.pk for g in expected]
    assert [g.slug for g in after] != [g.slug for g in before]
