"""The patient's side of consent: my dietitians, answering invites, who saw my data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .decorators import role_required
from .forms import DietitianCodeForm
from .models import AccessRecord, CareLink, User
from .throttle import throttle

WHO_SAW_PER_PAGE = 25


def _dietitians_page(request: HttpRequest, code_form: DietitianCodeForm, status: int = 200):
    patient: User = request.user
    links = CareLink.objects.filter(patient=patient).select_related("dietitian")
    context = {
        "active_links": links.filter(status=CareLink.Status.ACTIVE).order_by("accepted"),
        "ended_links": links.filter(
            status__in=[CareLink.Status.DECLINED, CareLink.Status.REVOKED]
        ).order_by("-ended"),
        "pending_invites": CareLink.objects.filter(
            status=CareLink.Status.INVITED,
            invite_email__iexact=patient.email,
            token_expires__gt=timezone.now(),
        )
        .exclude(token_hash="")
        .select_related("dietitian"),
        "code_form": code_form,
    }
    return render(request, "accounts/consent/dietitians.html", context, status=status)


@login_required
@role_required(User.Role.PATIENT)
@require_safe
def dietitians(request: HttpRequest) -> HttpResponse:
    return _dietitians_page(request, DietitianCodeForm())


@login_required
@role_required(User.Role.PATIENT)
@require_POST
@throttle("dietitian-code")
def code_redeem(request: HttpRequest) -> HttpResponse:
    form = DietitianCodeForm(request.POST)
    if form.is_valid():
        try:
            link = services.code_redeem(code=form.cleaned_data["code"], patient=request.user)
        except services.ConsentError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request, f"You now share your program and diary with {link.dietitian.full_name}."
            )
            return redirect("accounts:dietitians")
    return _dietitians_page(request, form, status=400)


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
def link_stop(request: HttpRequest, link_id) -> HttpResponse:
    """Ask once, then end the link: the dietitian loses access at once."""
    link = get_object_or_404(
        CareLink.objects.select_related("dietitian"),
        public_id=link_id,
        patient=request.user,
        status=CareLink.Status.ACTIVE,
    )
    if request.method == "POST":
        services.link_revoke(link=link, patient=request.user)
        messages.success(
            request, f"{link.dietitian.full_name} can no longer see your data. This is immediate."
        )
        return redirect("accounts:dietitians")
    return render(request, "accounts/consent/stop_confirm.html", {"link": link})


@login_required
@role_required(User.Role.PATIENT)
@require_POST
@throttle("invite")
def invite_answer(request: HttpRequest, invite_id) -> HttpResponse:
    """Accept or decline a pending invite addressed to the patient's own e-mail address."""
    invite = get_object_or_404(
        CareLink.objects.select_related("dietitian"),
        public_id=invite_id,
        status=CareLink.Status.INVITED,
        invite_email__iexact=request.user.email,
    )
    _answer(request, invite=invite)
    return redirect("accounts:dietitians")


def _answer(
    request: HttpRequest, *, token: str | None = None, invite: CareLink | None = None
) -> bool:
    """Run the patient's answer; True when it was recorded (a message says what happened)."""
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            link = services.invite_accept(patient=request.user, token=token, invite=invite)
            messages.success(
                request, f"You now share your program and diary with {link.dietitian.full_name}."
            )
        elif answer == "decline":
            link = services.invite_decline(patient=request.user, token=token, invite=invite)
            messages.info(
                request, f"You declined the invite. {link.dietitian.full_name} sees nothing."
            )
        else:
            messages.error(request, "Choose Accept or Decline.")
            return False
    except services.ConsentError as error:
        messages.error(request, str(error))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
@throttle("invite", methods=("GET", "POST"))
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an e-mailed invite opens: who invites, what they would see, Accept/Decline."""
    if not request.user.is_patient:
        return render(request, "accounts/consent/invite_wrong_role.html", status=403)
    try:
        invite = services.invite_for_token(token, patient=request.user)
    except services.ConsentError as error:
        return render(
            request, "accounts/consent/invite_invalid.html", {"reason": str(error)}, status=404
        )
    if request.method == "POST":
        if _answer(request, token=token):
            return redirect("accounts:dietitians")
        return redirect("accounts:invite-accept", token=token)
    already = CareLink.objects.active().filter(dietitian=invite.dietitian, patient=request.user)
    return render(
        request,
        "accounts/consent/invite_accept.html",
        {"invite": invite, "already_linked": already.exists()},
    )


@login_required
@role_required(User.Role.PATIENT)
@require_safe
def who_saw(request: HttpRequest) -> HttpResponse:
    """Every time a dietitian opened this patient's data, newest first."""
    records = AccessRecord.objects.filter(patient=request.user).select_related("dietitian")
    page = Paginator(records.order_by("-at", "-pk"), WHO_SAW_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/consent/who_saw.html", {"page": page})
