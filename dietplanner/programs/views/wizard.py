"""Starting a program: health questions, choose a diet, set it up, see the dated plan, confirm.

The wizard's state travels in the querystring and, on the summary, in hidden fields: nothing is
saved before "Start my program", and the browser's back and forward buttons just work.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import CareLink, User
from foods.models import Protocol, ProtocolGroup, Symptom

from .. import schedule
from ..forms import StartConfirmForm, StartForm
from ..intake import current_screening, screening_gate
from ..models import Challenge, Program
from ..record import ProgramRecord, shown_program
from ..services import PlanError, program_start

SETTINGS_TEMPLATE = "programs/start_settings.html"


def _protocols() -> list[Protocol]:
    """Every protocol with `groups`, its eliminated groups in reintroduction order (2 queries)."""
    in_order = ProtocolGroup.objects.select_related("group").order_by("position")
    protocols = list(Protocol.objects.prefetch_related(Prefetch("protocol_groups", in_order)))
    for protocol in protocols:
        protocol.groups = [pg.group for pg in protocol.protocol_groups.all()]
    return protocols


def _diet_with_groups(slug: str | None) -> Protocol | None:
    """A diet that names the groups it leaves out, or None.

    A protocol without groups (the custom one) is built by a dietitian; a patient starting it
    would get a baseline with nothing to reintroduce.
    """
    protocol = Protocol.objects.filter(slug=slug).first() if slug else None
    if protocol is None:
        return None
    protocol.groups = protocol.groups_in_order()
    return protocol if protocol.groups else None


def _already_running(request) -> HttpResponse | None:
    if shown_program(request.user, running_only=True) is not None:
        messages.info(request, "You already have a program running: here is your plan.")
        return redirect("programs:plan")
    return None


def _no_such_diet(request) -> HttpResponse:
    messages.error(request, "Choose one of the diets below to start.")
    return redirect("programs:start")


def _startable(request, slug: str | None) -> tuple[Protocol | None, HttpResponse | None]:
    """The diet to set up, or where to send a patient who may not start it alone (a clinic
    diet, or health answers that need a clinician: also on a forged request)."""
    protocol = _diet_with_groups(slug)
    if protocol is None:
        return None, _no_such_diet(request)
    gate = screening_gate(patient=request.user, protocol=protocol)
    if gate is None:
        return protocol, None
    if gate.needs_answers:
        return None, redirect("programs:screening")
    messages.error(request, f"{gate.reason} {gate.advice}")
    return None, redirect("programs:start")


def _form(form_class, data, protocol: Protocol, request, symptoms=None):
    """A settings form for this patient's today; pass `symptoms` to reuse a loaded list."""
    symptoms = list(Symptom.objects.all()) if symptoms is None else symptoms
    today = request.user.local_today()
    return form_class(data, protocol=protocol, today=today, symptoms=symptoms)


def _render_settings(request, protocol: Protocol, form: StartForm) -> HttpResponse:
    return render(request, SETTINGS_TEMPLATE, {"protocol": protocol, "form": form})


def plan_preview(protocol: Protocol, settings: dict, today) -> schedule.Plan:
    """The plan a program with these settings would have, computed without saving anything."""
    program = Program(
        protocol=protocol,
        start_date=settings["start_date"],
        baseline_days=settings["baseline_days"],
        symptoms=settings["symptoms"],
    )
    challenges = [
        Challenge(
            food_group=group,
            position=i,
            dose_days=protocol.dose_days,
            washout_days=protocol.washout_days,
        )
        for i, group in enumerate(protocol.groups)
    ]
    record = ProgramRecord(
        program=program, today=today, measures="us", challenges=challenges, entries=[]
    )
    return record.plan_as_of(today, paused=False)


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def start(request) -> HttpResponse:
    """Step 2: one card per diet, in plain words; step 1 (health questions) comes first."""
    if response := _already_running(request):
        return response
    screening = current_screening(request.user)
    if screening is None:
        return redirect("programs:screening")
    general = screening.assessment(removes_gluten=False)
    if not general.clear and not screening.is_cleared:
        context = {"assessment": general, "links": _links(request.user)}
        return render(request, "programs/start_blocked.html", context)
    protocols = _protocols()
    for protocol in protocols:
        protocol.gate = screening_gate(patient=request.user, protocol=protocol, screening=screening)
    return render(request, "programs/start_choose.html", {"protocols": protocols})


def _links(patient: User) -> list[CareLink]:
    return list(CareLink.objects.active().filter(patient=patient).select_related("dietitian"))


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def start_settings(request) -> HttpResponse:
    """Step 3: start date, baseline length, symptoms, reminder (prefilled when coming back)."""
    if response := _already_running(request):
        return response
    protocol, refused = _startable(request, request.GET.get("protocol"))
    if refused:
        return refused
    data = request.GET if "start_date" in request.GET else None
    return _render_settings(request, protocol, _form(StartForm, data, protocol, request))


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def start_review(request) -> HttpResponse:
    """Step 4: the dated plan these settings give, and the button that starts it."""
    if response := _already_running(request):
        return response
    protocol, refused = _startable(request, request.GET.get("protocol"))
    if refused:
        return refused
    symptoms = list(Symptom.objects.all())
    form = _form(StartForm, request.GET, protocol, request, symptoms)
    if not form.is_valid():
        return _render_settings(request, protocol, form)
    settings = form.cleaned_data
    context = {
        "protocol": protocol,
        "settings": settings,
        "symptom_names": [form.symptom_names[slug] for slug in settings["symptoms"]],
        "plan": plan_preview(protocol, settings, form.today),
        "confirm_form": _form(StartConfirmForm, request.GET, protocol, request, symptoms),
        "change_query": request.GET.urlencode(),
    }
    return render(request, "programs/start_review.html", context)


@login_required
@role_required(User.Role.PATIENT)
@require_POST
def start_confirm(request) -> HttpResponse:
    """Start the program, then go to today's page; bad settings go back to the form."""
    if response := _already_running(request):
        return response
    protocol, refused = _startable(request, request.POST.get("protocol"))
    if refused:
        return refused
    symptoms = list(Symptom.objects.all())
    form = _form(StartConfirmForm, request.POST, protocol, request, symptoms)
    if not form.is_valid():
        # Say what is wrong on the visible form (e.g. the start day passed overnight).
        visible = _form(StartForm, request.POST, protocol, request, symptoms)
        return _render_settings(request, protocol, visible)
    data = form.cleaned_data
    try:
        program_start(
            patient=request.user,
            protocol=protocol,
            start_date=data["start_date"],
            baseline_days=data["baseline_days"],
            symptoms=data["symptoms"],
            reminder_time=data["reminder_time"],
            today=form.today,
        )
    except PlanError as error:
        if response := _already_running(request):  # a second tab won the race
            return response
        visible = _form(StartForm, request.POST, protocol, request, symptoms)
        visible.is_valid()
        visible.add_error(None, str(error))
        return _render_settings(request, protocol, visible)
    messages.success(
        request,
        f"Your {protocol.name} program has started. Score your symptoms here every day.",
    )
    return redirect("diary:today")
