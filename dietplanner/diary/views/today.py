"""The patient's home: what to do today, the check-in, the start button and the reaction flow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.analysis.reactions import emergency_number
from dietplanner.analysis.vocabulary import TodayKind
from dietplanner.programs import memo, stopping
from dietplanner.programs import services as program_services
from dietplanner.programs.baseline_check import baseline_hold
from dietplanner.programs.baseline_choice import first_test_start_anyway
from dietplanner.programs.intake import answers_missing, needs_review
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.reactions import reaction_report
from dietplanner.programs.record import ProgramRecord, load_record, shown_program
from dietplanner.programs.selectors import get_challenge_for_user
from foods.selectors import leave_out_guide

from ..forms import CheckinForm, ReactionForm, StopForm
from ..services import EDITABLE_DAYS, EntryError, editable_range, entry_save

patient_only = role_required(User.Role.PATIENT)
# Days on which Today explains what to leave out and what to eat instead.
BEFORE_TESTS = (TodayKind.NOT_STARTED, TodayKind.BASELINE, TodayKind.BASELINE_EXTEND)
# Session key: the check-in just saved by a plain post, confirmed once on the page it lands on.
JUST_SAVED = "checkin_just_saved"


def _day_param(request, program: Program, today: date) -> tuple[date, str | None]:
    """The day being checked in: today unless `?day=` names one of the editable days."""
    raw = request.GET.get("day") or request.POST.get("day")
    if not raw:
        return today, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return today, "That date is not valid; showing today."
    first, last = editable_range(program, today)
    if day > last:
        return today, "You cannot fill in a day that has not happened yet; showing today."
    if day < first:
        return today, "Days older than a week are read-only; showing today."
    return day, None


@dataclass(frozen=True, slots=True)
class _Catalogue:
    """The catalogue rows the check-in form names (`memo.catalogue_of`: kept by the process)."""

    symptoms: dict
    confounders: list

    @classmethod
    def read(cls, record: ProgramRecord) -> _Catalogue:
        tracked = set(record.program.symptoms) | set(record.program.symptoms_on(record.today))
        rows = memo.catalogue_of(record.program)
        return cls(
            symptoms={s: rows.symptoms[s] for s in tracked if s in rows.symptoms},
            confounders=list(rows.confounders),
        )


def _checkin_context(record: ProgramRecord, day: date, catalogue: _Catalogue, data=None):
    program = record.program
    entry = record.entry_by_day.get(day)
    dose = record.doses_by_day.get(day)
    tracked = program.symptoms_on(day)
    symptoms = [catalogue.symptoms[s] for s in tracked if s in catalogue.symptoms]
    groups = [c.food_group for c in record.challenges]
    initial = {}
    if entry:
        initial = {f"score_{k}": str(v) for k, v in entry.scores.items()}
        initial |= {"confounders": entry.confounders, "off_plan": entry.off_plan}
        initial["note"] = entry.note
    if dose and dose.taken is not None:
        initial["dose_taken"] = "yes" if dose.taken else "no"
    form = CheckinForm(
        data,
        initial=initial,
        program=program,
        symptoms=symptoms,
        confounders=catalogue.confounders,
        groups=groups,
        has_dose=dose is not None,
        is_today=day == record.today,
    )
    return {
        "form": form,
        "entry": entry,
        "dose": dose,
        "day": day,
        # the last day this check-in can still be changed (days older than a week are locked)
        "editable_until": day + timedelta(days=EDITABLE_DAYS - 1),
    }


def _page_context(
    request, record: ProgramRecord, day: date, catalogue: _Catalogue, data=None
) -> dict:
    """Today's page from the program record: no query beyond the record's and the catalogue's
    (and the leave-out guide before the food tests)."""
    program, plan, today = record.program, record.plan, record.today
    current = record.by_key.get(plan.today.challenge_key or "")
    context = {
        "program": program,
        "plan": plan,
        "status": plan.today,
        "today": today,
        "current": current,
        "is_today": day == today,
        "reaction_possible": current is not None
        and plan.today.kind in (TodayKind.DOSE, TodayKind.WASHOUT)
        and current.status != Challenge.Status.STOPPED,
        # stopping for illness, travel or choice: only while portions are still to come
        "stop_possible": current is not None
        and plan.today.kind == TodayKind.DOSE
        and current.status == Challenge.Status.ACTIVE,
        # "Start X today" may be taken back the same day, before a portion is logged
        "start_undoable": current is not None
        and plan.today.kind == TodayKind.DOSE
        and current.status == Challenge.Status.ACTIVE
        and current.first_dose_day == today
        and all(d.taken is None for d in record.doses_of(current)),
        "logged_days": len(record.entries),
        "editable_from": editable_range(program, today)[0],
        # changed health answers that need the dietitian hold the next food test
        "screening_hold": plan.today.kind == TodayKind.READY_FOR_NEXT
        and needs_review(program.screening, program),
        "screening_missing": plan.today.kind == TodayKind.READY_FOR_NEXT
        and answers_missing(program),
    }
    hold = baseline_hold(record)
    if hold is not None:
        names = {slug: s.name for slug, s in catalogue.symptoms.items()}
        context["baseline_hold"] = [
            {"name": names.get(c.symptom, c.symptom), "change": c} for c in hold.main
        ]
    context |= _checkin_context(record, day, catalogue, data)
    context["pause_alerts"] = record.pause_alerts if program.is_active else []
    if context["pause_alerts"]:
        context["emergency"] = emergency_number(request.user.timezone)
    context["upsets_before"] = _upsets_before(context, record.entry_by_day, day)
    if plan.today.kind in BEFORE_TESTS:
        context["leave_out"] = leave_out_guide([c.food_group for c in record.challenges])
    return context


def _record(request, program: Program) -> ProgramRecord:
    return load_record(program, today=request.user.local_today(), measures=request.user.measures)


def _upsets_before(context: dict, entry_by_day: dict, day: date) -> list[str]:
    """What the patient ticked the day before, when this day has no check-in yet: upsets such
    as a cold often go on, and an unticked day of one reads as a calm day in the results."""
    if context["entry"] is not None:
        return []
    before = entry_by_day.get(day - timedelta(days=1))
    if before is None or not before.confounders:
        return []
    names = dict(context["form"].fields["confounders"].choices)
    return [names[slug] for slug in names if slug in before.confounders]


@login_required
@patient_only
@require_safe
def today(request):
    """What to do today and the check-in. Reads only: the statuses the calendar implies come
    from the program record (`programs.record`), stored by the services and the scheduled
    refresh, never by this page."""
    program = shown_program(request.user, running_only=True)
    if program is None:
        last = shown_program(request.user)
        return render(request, "diary/no_program.html", {"last_program": last})
    record = _record(request, program)
    day, problem = _day_param(request, program, record.today)
    if problem:
        messages.warning(request, problem)
    context = _page_context(request, record, day, _Catalogue.read(record))
    just_saved = request.session.pop(JUST_SAVED, None)
    if just_saved and just_saved.get("day") == day.isoformat():
        context["saved_at"] = datetime.fromisoformat(just_saved["at"])
    return render(request, "diary/today.html", context)


@login_required
@patient_only
@require_POST
def checkin(request):
    # One transaction from the read to the save: the query that reads the program takes its
    # lock (program first, as every writer does), so the record is read under it and the save
    # takes no lock of its own. The page is rendered after the commit. The outermost block
    # (no savepoint): an error rolls back the whole of it.
    with transaction.atomic(savepoint=False):
        program = shown_program(request.user, running_only=True, lock=True)
        if program is None:
            messages.error(request, "You have no program running, so there is nothing to save.")
            return redirect("diary:today")
        record = _record(request, program)
        today = record.today
        day, problem = _day_param(request, program, today)
        if problem:
            if request.htmx:
                return HttpResponseBadRequest(problem)
            messages.error(request, problem + " Nothing was saved.")
            return redirect("diary:today")
        catalogue = _Catalogue.read(record)
        form = _checkin_context(record, day, catalogue, data=request.POST)["form"]
        saved = False
        if form.is_valid():
            try:
                record = entry_save(
                    program=program,
                    on=day,
                    today=today,
                    scores=form.scores(),
                    confounders=form.cleaned_data["confounders"],
                    off_plan=form.cleaned_data["off_plan"],
                    note=form.cleaned_data["note"],
                    dose_taken=form.cleaned_data.get("dose_taken"),
                    record=record,
                    locked=True,
                )
                saved = True
            except EntryError as exc:
                form.add_error(None, str(exc))
    if saved:
        if not request.htmx:
            # The page after the redirect shows the confirmation by the Save button, focused.
            request.session[JUST_SAVED] = {"day": day.isoformat(), "at": timezone.now().isoformat()}
            url = reverse("diary:today")
            url = url if day == today else f"{url}?day={day.isoformat()}"
            return redirect(f"{url}#checkin-saved")
        context = _page_context(request, record, day, catalogue)
        context["saved_at"] = timezone.now()
    else:
        context = _page_context(request, record, day, catalogue, data=request.POST)
        context["form"] = form  # with the errors found while saving
    if request.htmx:
        return render(request, "diary/today.html#checkin", context)
    return render(request, "diary/today.html", context, status=400)


@login_required
@patient_only
@require_POST
def start_challenge(request):
    program = shown_program(request.user, running_only=True)
    if program is None:
        return redirect("diary:today")
    challenge = get_challenge_for_user(request.user, request.POST.get("challenge", ""))
    try:
        program_services.challenge_start(challenge=challenge, on=request.user.local_today())
    except program_services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{challenge.food_group.name} challenge started. Today's portion is below. Started "
            "by mistake? You can undo it today, until you log today's portion.",
        )
    return redirect("diary:today")


@login_required
@patient_only
@require_POST
def undo_start(request):
    """Take back "Start X today": same day, before any portion of it is logged."""
    if shown_program(request.user, running_only=True) is None:
        return redirect("diary:today")
    challenge = get_challenge_for_user(request.user, request.POST.get("challenge", ""))
    try:
        program_services.challenge_start_undo(challenge=challenge, on=request.user.local_today())
    except program_services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        name = "The blinded test" if challenge.blinded else challenge.food_group.name
        messages.success(
            request, f"Undone: {name} is planned again. Stay on your baseline diet today."
        )
    return redirect("diary:today")


def _emergency_context(patient, current: Challenge | None) -> dict:
    """What the emergency actions name: the number of the patient's country and the food under
    test (the real group, also in a blinded test: emergency staff need it; never its arm)."""
    return {
        "emergency": emergency_number(patient.timezone),
        "food_under_test": current.food_group.name if current is not None else "",
        "blinded_test": current is not None and current.blinded,
    }


@login_required
@patient_only
@require_http_methods(["GET", "POST"])
def reaction(request):
    program = shown_program(request.user, running_only=True)
    today = request.user.local_today()
    context: dict = {"program": program, "today": today}
    current = None
    if program is not None:
        plan = _record(request, program).plan
        key = (
            plan.today.challenge_key
            if plan.today.kind in (TodayKind.DOSE, TodayKind.WASHOUT)
            else None
        )
        if key:
            current = get_challenge_for_user(request.user, key)
        context["status"] = plan.today
    context["current"] = current
    context |= _emergency_context(request.user, current)
    form = ReactionForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            outcome = reaction_report(
                patient=request.user,
                challenge=current,
                on=today,
                what=form.cleaned_data["what"],
                red_flags=form.cleaned_data["red_flags"],
                allergic_signs=form.cleaned_data["allergic_signs"],
            )
        except program_services.PlanError as exc:
            messages.error(request, str(exc))
            return redirect("diary:today")
        context |= {"stopped": outcome.stopped, "alert": outcome.alert}
        if outcome.emergency:
            template = "diary/reaction_emergency.html"
        elif outcome.alert is not None:
            template = "diary/reaction_see_doctor.html"
        else:
            template = "diary/reaction_done.html"
        return render(request, template, context)
    return render(request, "diary/reaction.html", context, status=400 if form.errors else 200)


@login_required
@patient_only
@require_http_methods(["GET", "POST"])
def stop(request):
    """Stop today's food test for illness, travel or choice: not a reaction, tested again."""
    program = shown_program(request.user, running_only=True)
    today = request.user.local_today()
    current = None
    if program is not None:
        plan = _record(request, program).plan
        if plan.today.kind == TodayKind.DOSE and plan.today.challenge_key:
            current = get_challenge_for_user(request.user, plan.today.challenge_key)
    if current is None or current.status != Challenge.Status.ACTIVE:
        messages.info(
            request, "You are not taking test portions today, so there is nothing to stop."
        )
        return redirect("diary:today")
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            again = stopping.challenge_pause(
                challenge=current,
                on=today,
                cause=form.cleaned_data["cause"],
                note=form.cleaned_data["note"],
                dose_taken=form.cleaned_data["dose_taken"],
                author=request.user,
            )
        except program_services.PlanError as exc:
            messages.error(request, str(exc))
            return redirect("diary:today")
        name = "The test" if current.blinded else current.food_group.name
        later = (
            f"{name} will be tested again from the start once you feel as before."
            if again
            else "Your dietitian can plan the test again."
        )
        messages.success(
            request,
            f"Stopped. This is not counted as a reaction. Go back to the baseline diet; {later}",
        )
        return redirect("diary:today")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "diary/stop.html",
        {"form": form, "current": current, "today": today},
        status=status,
    )


@login_required
@patient_only
@require_POST
def start_anyway(request):
    """The baseline did not help, and the patient chooses to start the food tests anyway."""
    program = shown_program(request.user, running_only=True)
    if program is None:
        return redirect("diary:today")
    challenge = get_challenge_for_user(request.user, request.POST.get("challenge", ""))
    try:
        first_test_start_anyway(challenge=challenge, by=request.user, on=request.user.local_today())
    except program_services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Your choice is recorded and your dietitian can see it. {challenge.food_group.name} "
            "challenge started: today's portion is below.",
        )
    return redirect("diary:today")
