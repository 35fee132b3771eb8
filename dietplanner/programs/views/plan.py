"""The plan page: the whole timeline, its edits (htmx in place or post/redirect/get), iCalendar.

Every edit recomputes the plan from the database; the engine is fast and the stored rows are
the only truth. Blinded challenges never show their food group or portion to the patient.
"""

from dataclasses import dataclass
from datetime import timedelta

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.analysis.vocabulary import ChallengeStatus, Phase
from foods.models import Symptom

from .. import schedule
from ..forms import ChallengeButtonForm, ExtendBaselineForm, ReorderForm, UndoExtensionForm
from ..group_plans import group_plans_for
from ..intake import answers_missing, needs_review
from ..models import DOSE_DAY_MORNING, Challenge, GroupPlan, Program
from ..record import ProgramRecord, load_record, shown_program
from ..selectors import get_challenge_for_user
from ..services import (
    MAX_EXTENSION_DAYS,
    PlanError,
    baseline_extend,
    baseline_extend_undo,
    challenge_skip,
    challenge_unskip,
    challenges_reorder,
)
from ..visibility import ShownResult, shown_result

BLINDED_LABEL = "Blinded test"
PHASE_TEXT = {
    Phase.UPCOMING: "Planned",
    Phase.DOSE: "Dose days now",
    Phase.STOPPED: "Stopped for a reaction",
    Phase.WASHOUT: "Washout now",
    Phase.FINISHED: "Done",
}
PROGRAM_STATUS_TEXT = {
    Program.Status.BASELINE: "baseline, on the elimination diet",
    Program.Status.REINTRODUCTION: "bringing food groups back",
    Program.Status.COMPLETED: "completed",
    Program.Status.ABANDONED: "ended early",
}
ENDED = "This program has ended, so its plan can no longer change."


def label_for(challenge: Challenge) -> str:
    return BLINDED_LABEL if challenge.blinded else challenge.food_group.name


@dataclass
class TimelineItem:
    """One challenge on the timeline, with the buttons the patient may use on it."""

    scheduled: schedule.ScheduledChallenge
    challenge: Challenge
    label: str
    is_next: bool
    program_active: bool
    move_up: ReorderForm | None = None
    move_down: ReorderForm | None = None
    skip: ChallengeButtonForm | None = None

    @property
    def not_tested(self) -> bool:
        """A group an ended program never reached: it has no dates."""
        return not self.program_active and not self.scheduled.started

    @property
    def status_text(self) -> str:
        if self.not_tested:
            return "Not tested"
        if (
            self.scheduled.phase == Phase.FINISHED
            and self.scheduled.status == ChallengeStatus.STOPPED
        ):
            return self.challenge.status_label  # a reaction, or illness, travel, choice
        if not self.program_active and self.scheduled.phase != Phase.FINISHED:
            return self.challenge.status_label  # the program ended mid-challenge
        return PHASE_TEXT[self.scheduled.phase]

    @property
    def shown(self) -> ShownResult:
        """The challenge's result as every page may show it (`programs.visibility`)."""
        return shown_result(self.challenge)

    @property
    def is_current(self) -> bool:
        return self.program_active and self.scheduled.phase in (
            Phase.DOSE,
            Phase.STOPPED,
            Phase.WASHOUT,
        )

    @property
    def dates_projected(self) -> bool:
        return not self.scheduled.started

    @property
    def no_washout(self) -> bool:
        return self.scheduled.washout_end < self.scheduled.washout_start

    @property
    def washout_min_days(self) -> int:
        return (self.scheduled.washout_min_end - self.scheduled.washout_start).days + 1


@dataclass
class SkippedItem:
    challenge: Challenge
    label: str
    put_back: ChallengeButtonForm | None


def _moved(order: list[str], i: int, j: int) -> list[str]:
    order = list(order)
    order[i], order[j] = order[j], order[i]
    return order


def _record(request, program: Program) -> ProgramRecord:
    """The program as the plan shows it (the schedule reads no dose row)."""
    return load_record(
        program,
        today=request.user.local_today(),
        measures=request.user.measures,
        with_doses=False,
    )


def plan_context(request, *, extend_form: ExtendBaselineForm | None = None) -> dict:
    """Everything the plan page shows (the program record and three more queries, whatever
    the length of the diary)."""
    program = shown_program(request.user)
    if program is None:
        return {"program": None}
    record = _record(request, program)
    today, plan, by_key = record.today, record.plan, record.by_key
    editable = program.is_active
    nxt = plan.next_challenge if editable else None
    planned = [
        s.key
        for s in plan.challenges
        if not s.started and by_key[s.key].status == Challenge.Status.PLANNED
    ]
    timeline = []
    for scheduled in plan.challenges:
        challenge = by_key[scheduled.key]
        item = TimelineItem(
            scheduled=scheduled,
            challenge=challenge,
            label=label_for(challenge),
            is_next=nxt is not None and nxt.key == scheduled.key,
            program_active=editable,
        )
        if editable and scheduled.key in planned:
            i = planned.index(scheduled.key)
            move = {"moved": scheduled.key, "label": item.label}
            if i > 0:
                order = _moved(planned, i - 1, i)
                item.move_up = ReorderForm.for_move(order=order, direction="up", **move)
            if i < len(planned) - 1:
                order = _moved(planned, i, i + 1)
                item.move_down = ReorderForm.for_move(order=order, direction="down", **move)
            item.skip = ChallengeButtonForm.build(
                url_name="programs:skip",
                key=scheduled.key,
                verb="Skip",
                label=item.label,
                css_class="btn-outline-danger",
            )
        timeline.append(item)
    skipped = [
        SkippedItem(
            challenge=by_key[key],
            label=label_for(by_key[key]),
            put_back=ChallengeButtonForm.build(
                url_name="programs:unskip",
                key=key,
                verb="Put back",
                label=label_for(by_key[key]),
                css_class="btn-outline-primary",
            )
            if editable
            else None,
        )
        for key in plan.skipped_keys
    ]
    if extend_form is None and program.status == Program.Status.BASELINE:
        proposal = plan.baseline.propose_extension_days
        days = min(proposal, MAX_EXTENSION_DAYS) if proposal else 7
        extend_form = ExtendBaselineForm(initial={"days": days})
    names = dict(Symptom.objects.filter(slug__in=program.symptoms).values_list("slug", "name"))
    undo = request.session.get(UNDO_EXTENSION_KEY) or {}
    undo_extend_form = (
        UndoExtensionForm.for_extension(days=undo["days"], extended_to=undo["to"])
        if undo.get("program") == str(program.public_id)
        and undo.get("on") == today.isoformat()
        and undo.get("to") == program.baseline_days
        and program.status == Program.Status.BASELINE
        else None
    )
    return {
        "undo_extend_form": undo_extend_form,
        "program": program,
        "program_status": PROGRAM_STATUS_TEXT[program.status],
        "plan": plan,
        "today": today,
        "timeline": timeline,
        "skipped": skipped,
        "editable": editable,
        # Past the protocol's longest baseline there is nothing left to add: the dietitian.
        "extend_form": extend_form
        if program.status == Program.Status.BASELINE
        and program.baseline_days < program.protocol.baseline_max
        else None,
        "at_longest": program.status == Program.Status.BASELINE
        and program.baseline_days >= program.protocol.baseline_max,
        "extended_by": (
            program.baseline_days - program.original_baseline_days
            if program.original_baseline_days
            else 0
        ),
        "symptom_names": [names.get(slug, slug.replace("_", " ")) for slug in program.symptoms],
        "screening_hold": editable and needs_review(program.screening, program),
        "screening_missing": editable and answers_missing(program),
    }


# The extension the patient may still take back (same day, nothing changed since): kept in the
# session, so that the plain post/redirect/get page offers the same undo as the htmx answer.
UNDO_EXTENSION_KEY = "baseline_extension_undo"


def _respond(request, message: str, *, ok: bool = True, extend_form=None) -> HttpResponse:
    """After an edit: the recomputed plan in place for htmx, else post/redirect/get."""
    if request.htmx and not request.htmx.boosted:
        context = plan_context(request, extend_form=extend_form)
        context.update(notice=message, notice_ok=ok)
        return render(request, "programs/plan.html#plan", context)
    (messages.success if ok else messages.error)(request, message)
    return redirect("programs:plan")


def _active_program(request) -> Program | None:
    program = shown_program(request.user)
    return program if program is not None and program.is_active else None


def _blind_safe(challenges: list[Challenge], message: str) -> str:
    """A service message with the names of blinded challenges taken out."""
    for challenge in challenges:
        if challenge.blinded:
            message = message.replace(challenge.food_group.name, "This blinded test")
    return message


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def plan(request) -> HttpResponse:
    """The whole timeline of the running (else the most recent) program."""
    template = "programs/plan.html"
    if request.htmx and not request.htmx.boosted:
        template += "#plan"
    return render(request, template, plan_context(request))


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def reorder(request) -> HttpResponse:
    """Put the planned challenges in the posted order (all of their public ids)."""
    program = _active_program(request)
    if program is None:
        return _respond(request, "You have no program running: nothing to reorder.", ok=False)
    form = ReorderForm(request.POST)
    if not form.is_valid():
        return _respond(request, form.errors["order"][0], ok=False)
    try:
        challenges_reorder(program=program, order=form.cleaned_data["order"], author=request.user)
    except PlanError as error:
        message = _blind_safe(list(program.challenges.select_related("food_group")), str(error))
        return _respond(request, message, ok=False)
    return _respond(request, _moved_message(request, program, form.cleaned_data))


def _moved_message(request, program: Program, data: dict) -> str:
    moved = data.get("moved")
    if moved in data["order"]:
        challenge = program.challenges.filter(public_id=moved).select_related("food_group").first()
        if challenge is not None:
            place = data["order"].index(moved) + 1
            return (
                f"{label_for(challenge)} is now number {place} of the "
                f"{len(data['order'])} food groups still to test."
            )
    return "Your new order is saved."


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def skip(request, challenge_id) -> HttpResponse:
    """Leave a planned food group out of this program."""
    challenge = get_challenge_for_user(request.user, challenge_id)
    if not challenge.program.is_active:
        return _respond(request, ENDED, ok=False)
    try:
        challenge_skip(challenge=challenge, author=request.user)
    except PlanError as error:
        return _respond(request, _blind_safe([challenge], str(error)), ok=False)
    return _respond(
        request,
        f"{label_for(challenge)} is skipped and takes no days now. You can put it back below.",
    )


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def unskip(request, challenge_id) -> HttpResponse:
    """Put a skipped food group back in the plan, at its old place."""
    challenge = get_challenge_for_user(request.user, challenge_id)
    if not challenge.program.is_active:
        return _respond(request, ENDED, ok=False)
    try:
        challenge_unskip(challenge=challenge, author=request.user)
    except PlanError as error:
        return _respond(request, _blind_safe([challenge], str(error)), ok=False)
    return _respond(request, f"{label_for(challenge)} is back in your plan.")


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def extend_baseline(request) -> HttpResponse:
    """Add days to the running baseline; every later date moves with it."""
    program = _active_program(request)
    if program is None:
        return _respond(request, "You have no program running.", ok=False)
    form = ExtendBaselineForm(request.POST)
    if not form.is_valid():
        return _respond(request, form.errors["days"][0], ok=False, extend_form=form)
    days = form.cleaned_data["days"]
    try:
        program = baseline_extend(
            program=program, days=days, today=request.user.local_today(), author=request.user
        )
    except PlanError as error:
        return _respond(request, str(error), ok=False)
    end = program.planned_baseline_end
    request.session[UNDO_EXTENSION_KEY] = {
        "program": str(program.public_id),
        "days": days,
        "to": program.baseline_days,
        "on": request.user.local_today().isoformat(),
    }
    return _respond(
        request,
        f"Your baseline is {days} day{'s' if days != 1 else ''} longer: "
        f"it now runs to {end.day} {end:%b}. Every later date moved with it.",
    )


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def extend_baseline_undo(request) -> HttpResponse:
    """Take back the extension just made; every later date moves back with it."""
    program = _active_program(request)
    if program is None:
        return _respond(request, "You have no program running.", ok=False)
    form = UndoExtensionForm(request.POST)
    if not form.is_valid():
        return _respond(request, "There is no extension to undo here.", ok=False)
    request.session.pop(UNDO_EXTENSION_KEY, None)
    try:
        program = baseline_extend_undo(
            program=program,
            days=form.cleaned_data["days"],
            extended_to=form.cleaned_data["extended_to"],
            author=request.user,
        )
    except PlanError as error:
        return _respond(request, str(error), ok=False)
    end = program.planned_baseline_end
    return _respond(
        request,
        f"Undone: your baseline is back to {program.baseline_days} days, to {end.day} {end:%b}.",
    )


# --- iCalendar ------------------------------------------------------------------------------

DOSE_ALARM_AFTER_MIDNIGHT = timedelta(hours=DOSE_DAY_MORNING.hour, minutes=DOSE_DAY_MORNING.minute)


def _dose_event(scheduled: schedule.ScheduledChallenge, dose: schedule.DoseDay, stamp):
    count = len(scheduled.dose_days)
    event = icalendar.Event()
    if scheduled.blinded:
        summary = f"Challenge day {dose.number} of {count}: test portion"
        description = f"Have the test portion your dietitian prepared for day {dose.number}."
    else:
        summary = f"{scheduled.group_name} challenge day {dose.number} of {count}: {dose.portion}"
        description = f"Have {dose.portion} today, then score your symptoms."
    if not scheduled.started:
        description += " An estimate: it moves if your baseline or a washout runs longer."
    event.add("uid", f"{scheduled.key}-day-{dose.number}@dietplanner")
    event.add("dtstamp", stamp)
    event.add("dtstart", dose.day)
    event.add("dtend", dose.day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    # A morning alarm on the dose day itself (the event is all-day, so the trigger counts from
    # its midnight start): the calendar app reminds even when e-mail does not arrive.
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", DOSE_ALARM_AFTER_MIDNIGHT)
    event.add_component(alarm)
    return event


def _retest_event(group_plan: GroupPlan, measures: str, stamp):
    """A long-term plan's test-again date: a reminder to plan the test with the dietitian."""
    event = icalendar.Event()
    event.add(
        "uid", f"{group_plan.program.public_id}-retest-{group_plan.food_group.slug}@dietplanner"
    )
    event.add("dtstamp", stamp)
    event.add("dtstart", group_plan.retest_on)
    event.add("dtend", group_plan.retest_on + timedelta(days=1))
    event.add("summary", f"Time to test {group_plan.food_group.name.lower()} again")
    event.add(
        "description",
        f"Your long-term plan: {group_plan.in_words(measures)} Plan the test with your dietitian.",
    )
    event.add("transp", "TRANSPARENT")
    return event


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def ical(request) -> HttpResponse:
    """One all-day event per dose day and per test-again date, for the patient's calendar."""
    program = shown_program(request.user)
    if program is None:
        raise Http404("No program")
    plan = _record(request, program).plan
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//dietplanner//plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My elimination diet plan")
    stamp = timezone.now()
    for scheduled in plan.challenges:
        if not program.is_active and not scheduled.started:
            continue  # an ended program's untested groups have no dates
        for dose in scheduled.dose_days:
            if not dose.cancelled:
                calendar.add_component(_dose_event(scheduled, dose, stamp))
    for group_plan in group_plans_for(program):
        if group_plan.retest_on:
            calendar.add_component(_retest_event(group_plan, request.user.measures, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dietplanner-plan.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response
