"""The dietitian invites patients: by e-mail, or by handing out a personal code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dietplanner.accounts import services
from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.forms import InviteForm
from dietplanner.accounts.models import CareLink, User


@login_required
@role_required(User.Role.DIETITIAN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                services.invite_send(
                    dietitian=request.user,
                    email=email,
                    request_base_url=request.build_absolute_uri("/"),
                )
            except services.ConsentError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    f"Invite sent to {email}. You will see their data once they accept.",
                )
                return redirect("clinic:invite")
        status = 400
    pending = CareLink.objects.filter(
        dietitian=request.user, status=CareLink.Status.INVITED
    ).order_by("token_expires")
    context = {
        "form": form,
        "pending": pending,
        "now": timezone.now(),
        "code": services.code_for(request.user),
    }
    return render(request, "clinic/invites/invite.html", context, status=status)


@login_required
@role_required(User.Role.DIETITIAN)
@require_POST
def invite_cancel(request: HttpRequest, invite_id) -> HttpResponse:
    pending = get_object_or_404(
        CareLink, public_id=invite_id, dietitian=request.user, status=CareLink.Status.INVITED
    )
    services.invite_cancel(invite=pending, dietitian=request.user)
    messages.info(
        request, f"The invite to {pending.invite_email} is cancelled; its link no longer works."
    )
    return redirect("clinic:invite")
