"""The patient's home: what to do today, the check-in, the start button and the reaction flow."""

import zoneinfo
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.programs import services as program_services
from dietplanner.programs.intake import needs_review
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.selectors import (
    active_program_for,
    get_challenge_for_user,
    program_challenges,
    program_diary,
    program_plan,
)
from foods.models import Confounder, Symptom

from ..forms import CheckinForm, ReactionForm
from ..models import DailyEntry, Dose
from ..services import EDITABLE_DAYS, EntryError, editable_range, entry_save

patient_only = role_required(User.Role.PATIENT)
# Session key: the check-in just saved by a plain post, confirmed once on the page it lands on.
JUST_SAVED = "checkin_just_saved"


def _local_time(user: User, moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone=zoneinfo.ZoneInfo(user.timezone))


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


def _checkin_context(
    program: Program, day: date, today: date, challenges: list[Challenge], data=None
):
    entry = DailyEntry.objects.filter(program=program, date=day).first()
    dose = (
        Dose.objects.filter(challenge__program=program, date=day)
        .select_related("challenge__food_group")
        .first()
    )
    symptoms_by_slug = {s.slug: s for s in Symptom.objects.filter(slug__in=program.symptoms)}
    symptoms = [symptoms_by_slug[s] for s in program.symptoms if s in symptoms_by_slug]
    groups = [c.food_group for c in challenges]
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
        confounders=list(Confounder.objects.all()),
        groups=groups,
        has_dose=dose is not None,
        is_today=day == today,
    )
    return {
        "form": form,
        "entry": entry,
        "dose": dose,
        "day": day,
        # the last day this check-in can still be changed (days older than a week are locked)
        "editable_until": day + timedelta(days=EDITABLE_DAYS - 1),
    }


def _page_context(request, program: Program, today: date, day: date, data=None) -> dict:
    challenges = program_challenges(program)
    diary = program_diary(program)
    plan = program_plan(
        program, today, challenges=challenges, diary=diary, measures=request.user.measures
    )
    if program_services.program_sync(program=program, plan=plan, challenges=challenges):
        plan = program_plan(
            program, today, challenges=challenges, diary=diary, measures=request.user.measures
        )
    by_key = {str(c.public_id): c for c in challenges}
    current = by_key.get(plan.today.challenge_key or "")
    context = {
        "program": program,
        "plan": plan,
        "status": plan.today,
        "today": today,
        "current": current,
        "is_today": day == today,
        "reaction_possible": current is not None
        and plan.today.kind in ("dose", "washout")
        and current.status != Challenge.Status.STOPPED,
        "logged_days": len(diary),
        "editable_from": editable_range(program, today)[0],
        # changed health answers that need the dietitian hold the next food test
        "screening_hold": plan.today.kind == "ready_for_next"
        and needs_review(program.screening, program),
    }
    context |= _checkin_context(program, day, today, challenges, data)
    context["upsets_before"] = _upsets_before(context, diary, day)
    return context


def _upsets_before(context: dict, diary: dict, day: date) -> list[str]:
    """What the patient ticked the day before, when this day has no check-in yet: upsets such
    as a cold often go on, and an unticked day of one reads as a calm day in the results."""
    if context["entry"] is not None:
        return []
    before = diary.get(day - timedelta(days=1))
    if before is None or not before.confounders:
        return []
    names = dict(context["form"].fields["confounders"].choices)
    return [names[slug] for slug in names if slug in before.confounders]


@login_required
@patient_only
def today(request):
    program = active_program_for(request.user)
    if program is None:
        last = Program.objects.filter(patient=request.user).first()
        return render(request, "diary/no_program.html", {"last_program": last})
    today = request.user.local_today()
    day, problem = _day_param(request, program, today)
    if problem:
        messages.warning(request, problem)
    context = _page_context(request, program, today, day)
    just_saved = request.session.pop(JUST_SAVED, None)
    if just_saved and just_saved.get("day") == day.isoformat():
        saved = datetime.fromisoformat(just_saved["at"])
        context["saved_at"] = _local_time(request.user, saved)
    return render(request, "diary/today.html", context)


@login_required
@patient_only
@require_POST
def checkin(request):
    program = active_program_for(request.user)
    if program is None:
        messages.error(request, "You have no program running, so there is nothing to save.")
        return redirect("diary:today")
    today = request.user.local_today()
    day, problem = _day_param(request, program, today)
    if problem:
        if request.htmx:
            return HttpResponseBadRequest(problem)
        messages.error(request, problem + " Nothing was saved.")
        return redirect("diary:today")
    # Validate with the form alone; the plan is computed only for the page that is rendered.
    challenges = program_challenges(program)
    form = _checkin_context(program, day, today, challenges, data=request.POST)["form"]
    saved = False
    if form.is_valid():
        try:
            entry_save(
                program=program,
                on=day,
                today=today,
                scores=form.scores(),
                confounders=form.cleaned_data["confounders"],
                off_plan=form.cleaned_data["off_plan"],
                note=form.cleaned_data["note"],
                dose_taken=form.cleaned_data.get("dose_taken"),
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
        context = _page_context(request, program, today, day)
        context["saved_at"] = _local_time(request.user, timezone.now())
    else:
        context = _page_context(request, program, today, day, data=request.POST)
        context["form"] = form  # with the errors found while saving
    if request.htmx:
        return render(request, "diary/today.html#checkin", context)
    return render(request, "diary/today.html", context, status=400)


@login_required
@patient_only
@require_POST
def start_challenge(request):
    program = active_program_for(request.user)
    if program is None:
        return redirect("diary:today")
    challenge = get_challenge_for_user(request.user, request.POST.get("challenge", ""))
    try:
        program_services.challenge_start(challenge=challenge, on=request.user.local_today())
    except program_services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{challenge.food_group.name} challenge started. Today's portion is below."
        )
    return redirect("diary:today")


@login_required
@patient_only
@require_http_methods(["GET", "POST"])
def reaction(request):
    program = active_program_for(request.user)
    today = request.user.local_today()
    context: dict = {"program": program, "today": today}
    current = None
    if program is not None:
        plan = program_plan(program, today)
        key = plan.today.challenge_key if plan.today.kind in ("dose", "washout") else None
        if key:
            current = get_challenge_for_user(request.user, key)
        context["status"] = plan.today
    context["current"] = current
    form = ReactionForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        red_flags = form.cleaned_data["red_flags"]
        if current is not None:
            try:
                current = program_services.challenge_stop(
                    challenge=current,
                    on=today,
                    reason=form.cleaned_data["what"],
                    red_flags=red_flags,
                )
            except program_services.PlanError as exc:
                messages.error(request, str(exc))
                return redirect("diary:today")
        context |= {"stopped": current, "red_flags": red_flags}
        template = "diary/reaction_emergency.html" if red_flags else "diary/reaction_done.html"
        return render(request, template, context)
    return render(request, "diary/reaction.html", context)
