"""The dietitian's view of a client's plan, and the edits they make to it.

Every view goes through `get_patient_for_dietitian` (404 without an active link) and records
the access. Edits call the programs services with the dietitian as author, so each change is
logged for the patient to see. They answer htmx with the page's partial, else post/redirect/get.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dietplanner.accounts.models import AccessRecord, User
from dietplanner.accounts.selectors import access_record, get_patient_for_dietitian
from dietplanner.programs import schedule
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.record import load_record, shown_program
from dietplanner.programs.services import (
    PlanError,
    baseline_extend,
    challenge_add,
    challenge_days_change,
    challenge_skip,
    challenge_unskip,
    challenges_reorder,
)

from ..forms_plan import (
    AddGroupForm,
    BlindedForm,
    ButtonForm,
    ChallengeDaysForm,
    ExtendForm,
    first_error,
)

NO_PROGRAM = "This client has no program running: there is no plan to change."
RECHALLENGE_VERDICTS = {
    Challenge.Verdict.POSSIBLE,
    Challenge.Verdict.INCONCLUSIVE,
    Challenge.Verdict.TRIGGER,
}


@dataclass
class BlindDay:
    day: date
    number: int
    pair: int
    letter: str
    arm: str


@dataclass
class Row:
    """One challenge on the dietitian's plan, with the edits allowed on it."""

    challenge: Challenge
    scheduled: schedule.ScheduledChallenge | None
    forms: list = field(default_factory=list)
    days_form: ChallengeDaysForm | None = None
    blinded_form: BlindedForm | None = None
    blind_days: list[BlindDay] = field(default_factory=list)


def client_and_program(request, patient_id) -> tuple[User, Program | None]:
    patient = get_patient_for_dietitian(request.user, patient_id)
    return patient, shown_program(patient, running_only=True)


def challenge_in(program: Program | None, challenge_id) -> Challenge:
    """A challenge of this program, or a 404 (another client's id leaks nothing)."""
    challenge = (
        Challenge.objects.filter(public_id=challenge_id, program=program)
        .select_related("food_group", "program", "program__protocol")
        .first()
        if program is not None
        else None
    )
    if challenge is None:
        raise Http404("No such challenge")
    return challenge


def _url(name: str, patient: User, challenge: Challenge | None = None) -> str:
    args = [patient.public_id] + ([challenge.public_id] if challenge is not None else [])
    return reverse(f"clinic:{name}", args=args)


def _blind_days(challenge: Challenge, scheduled) -> list[BlindDay]:
    if not challenge.blinded or scheduled is None:
        return []
    letters = challenge.blind_letters
    return [
        BlindDay(
            day=d.day,
            number=d.number,
            pair=(d.number + 1) // 2,
            letter=letter,
            arm=challenge.arm_of(letter),
        )
        for d in scheduled.dose_days
        if (letter := letters[d.number - 1] if d.number <= len(letters) else "")
    ]


def _row(patient: User, challenge: Challenge, scheduled, planned_keys: list[str]) -> Row:
    row = Row(challenge=challenge, scheduled=scheduled)
    key = str(challenge.public_id)
    name = challenge.food_group.name
    button = {"subject": name, "css_class": "btn-outline-secondary"}
    if challenge.status == Challenge.Status.PLANNED:
        i = planned_keys.index(key) if key in planned_keys else -1
        for direction, allowed in (("up", i > 0), ("down", 0 <= i < len(planned_keys) - 1)):
            if allowed:
                row.forms.append(
                    ButtonForm.build(
                        url=_url("plan-move", patient, challenge),
                        form_id=f"move-{direction}-{key}",
                        verb=f"Move {direction}",
                        direction=direction,
                        **button,
                    )
                )
        row.forms.append(
            ButtonForm.build(
                url=_url("plan-skip", patient, challenge),
                form_id=f"skip-{key}",
                verb="Skip",
                subject=name,
                css_class="btn-outline-danger",
            )
        )
        row.days_form = ChallengeDaysForm(
            initial={"dose_days": challenge.dose_days, "washout_days": challenge.washout_days},
            url=_url("plan-days", patient, challenge),
            form_id=f"days-{key}-form",
            auto_id=f"id_{key}_%s",
        )
    elif challenge.status == Challenge.Status.SKIPPED:
        row.forms.append(
            ButtonForm.build(
                url=_url("plan-unskip", patient, challenge),
                form_id=f"unskip-{key}",
                verb="Put back",
                **button,
            )
        )
    elif challenge.is_finished and not challenge.no_home_retest:
        row.forms.append(
            ButtonForm.build(
                url=_url("plan-rechallenge", patient, challenge),
                form_id=f"rechallenge-{key}",
                verb="Add an open re-challenge",
                **button,
            )
        )
        if challenge.verdict in RECHALLENGE_VERDICTS:
            row.blinded_form = BlindedForm(
                url=_url("plan-blinded", patient, challenge),
                form_id=f"blinded-{key}-form",
                auto_id=f"id_{key}_%s",
            )
    row.blind_days = _blind_days(challenge, scheduled)
    return row


def plan_context(patient: User, program: Program | None, *, today: date | None = None) -> dict:
    """Everything the dietitian's plan page shows."""
    context: dict = {"patient": patient, "program": program}
    if program is None:
        return context
    today = today or patient.local_today()
    record = load_record(program, today=today)
    challenges, plan = record.challenges, record.plan
    scheduled = {s.key: s for s in plan.challenges}
    planned_keys = [
        s.key for s in plan.challenges if not s.started and s.status == Challenge.Status.PLANNED
    ]
    rows = [
        _row(patient, c, scheduled.get(str(c.public_id)), planned_keys)
        for c in sorted(
            challenges,
            key=lambda c: (
                [s.key for s in plan.challenges].index(str(c.public_id))
                if str(c.public_id) in scheduled
                else len(challenges) + c.position
            ),
        )
    ]
    context.update(
        plan=plan,
        today=today,
        rows=rows,
        extend_form=ExtendForm(initial={"days": 7}, url=_url("plan-extend", patient))
        if program.status == Program.Status.BASELINE
        else None,
        add_form=AddGroupForm(url=_url("plan-add", patient)),
        changes=list(program.change_log()[:50]),
    )
    return context


def respond(
    request, patient: User, message: str, *, ok: bool = True, what: str = AccessRecord.What.PLAN
) -> HttpResponse:
    """After an edit: the page's partial for htmx, else a message and a redirect.

    The partial shows the client's plan, so it is recorded as an access, a refused edit too;
    a redirect records only a change made (the page it leads to records the reading).
    """
    if request.htmx and not request.htmx.boosted:
        access_record(dietitian=request.user, patient=patient, what=what)
        context = plan_context(patient, shown_program(patient, running_only=True))
        context.update(notice=message, notice_ok=ok)
        return render(request, "clinic/plan/plan.html#plan", context)
    if what == AccessRecord.What.PLAN_CHANGE:
        access_record(dietitian=request.user, patient=patient, what=what)
    (messages.success if ok else messages.error)(request, message)
    return redirect("clinic:plan", patient_id=patient.public_id)


def apply_edit(request, patient: User, done: str, service, **arguments) -> HttpResponse:
    """Run a plan-editing service as the dietitian: its refusal (`PlanError`) becomes the
    notice; on success the change is recorded and `done` said."""
    try:
        service(author=request.user, **arguments)
    except PlanError as error:
        return respond(request, patient, str(error), ok=False)
    return respond(request, patient, done, what=AccessRecord.What.PLAN_CHANGE)


@login_required
@require_GET
def plan(request, patient_id) -> HttpResponse:
    """The client's whole plan, with the edits a dietitian may make."""
    patient, program = client_and_program(request, patient_id)
    access_record(dietitian=request.user, patient=patient, what=AccessRecord.What.PLAN)
    template = "clinic/plan/plan.html"
    if request.htmx and not request.htmx.boosted:
        template += "#plan"
    return render(request, template, plan_context(patient, program))


@login_required
@require_POST
def extend(request, patient_id) -> HttpResponse:
    patient, program = client_and_program(request, patient_id)
    if program is None:
        return respond(request, patient, NO_PROGRAM, ok=False)
    form = ExtendForm(request.POST, url="")
    if not form.is_valid():
        return respond(request, patient, first_error(form), ok=False)
    return apply_edit(
        request,
        patient,
        "The baseline is extended.",
        baseline_extend,
        program=program,
        days=form.cleaned_data["days"],
        today=patient.local_today(),
    )


@login_required
@require_POST
def add(request, patient_id) -> HttpResponse:
    patient, program = client_and_program(request, patient_id)
    if program is None:
        return respond(request, patient, NO_PROGRAM, ok=False)
    form = AddGroupForm(request.POST, url="")
    if not form.is_valid():
        return respond(request, patient, first_error(form), ok=False)
    data = form.cleaned_data
    return apply_edit(
        request,
        patient,
        f"{data['food_group'].name} is added to the plan.",
        challenge_add,
        program=program,
        food_group=data["food_group"],
        dose_days=data["dose_days"],
        washout_days=data["washout_days"],
    )


@login_required
@require_POST
def move(request, patient_id, challenge_id) -> HttpResponse:
    """Move a planned challenge one place up or down among the planned ones."""
    patient, program = client_and_program(request, patient_id)
    challenge = challenge_in(program, challenge_id)
    form = ButtonForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["direction"]:
        return respond(request, patient, "Say whether to move it up or down.", ok=False)
    plan = load_record(program, today=patient.local_today()).plan
    order = [
        s.key for s in plan.challenges if not s.started and s.status == Challenge.Status.PLANNED
    ]
    key = str(challenge.public_id)
    if key not in order:
        order.append(key)  # started or skipped: the service refuses with the reason
    else:
        i = order.index(key)
        j = i - 1 if form.cleaned_data["direction"] == "up" else i + 1
        if not 0 <= j < len(order):
            return respond(request, patient, "It cannot move further that way.", ok=False)
        order[i], order[j] = order[j], order[i]
    direction = form.cleaned_data["direction"]
    done = f"{challenge.food_group.name} moved {direction}."
    return apply_edit(request, patient, done, challenges_reorder, program=program, order=order)


@login_required
@require_POST
def skip(request, patient_id, challenge_id) -> HttpResponse:
    patient, program = client_and_program(request, patient_id)
    challenge = challenge_in(program, challenge_id)
    done = f"{challenge.food_group.name} is skipped."
    return apply_edit(request, patient, done, challenge_skip, challenge=challenge)


@login_required
@require_POST
def unskip(request, patient_id, challenge_id) -> HttpResponse:
    patient, program = client_and_program(request, patient_id)
    challenge = challenge_in(program, challenge_id)
    done = f"{challenge.food_group.name} is back in the plan."
    return apply_edit(request, patient, done, challenge_unskip, challenge=challenge)


@login_required
@require_POST
def days(request, patient_id, challenge_id) -> HttpResponse:
    """Change a planned challenge's dose and washout days."""
    patient, program = client_and_program(request, patient_id)
    challenge = challenge_in(program, challenge_id)
    form = ChallengeDaysForm(request.POST, url="", form_id="")
    if not form.is_valid():
        return respond(request, patient, first_error(form), ok=False)
    return apply_edit(
        request,
        patient,
        f"The days of {challenge.food_group.name} are saved.",
        challenge_days_change,
        challenge=challenge,
        dose_days=form.cleaned_data["dose_days"],
        washout_days=form.cleaned_data["washout_days"],
    )
