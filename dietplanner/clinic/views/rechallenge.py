"""Re-challenges of a finished group: open, or blinded with placebo days (the gold standard)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from dietplanner.programs.services import rechallenge_add, rechallenge_blinded_add

from ..forms_plan import BlindedForm, first_error
from .plan import apply_edit, challenge_in, client_and_program, respond


@login_required
@require_POST
def rechallenge(request, patient_id, challenge_id) -> HttpResponse:
    """Plan an open re-challenge of a finished group at the end of the plan."""
    patient, program = client_and_program(request, patient_id)
    original = challenge_in(program, challenge_id)
    done = f"A re-challenge of {original.food_group.name} is planned."
    return apply_edit(request, patient, done, rechallenge_add, challenge=original)


@login_required
@require_POST
def blinded(request, patient_id, challenge_id) -> HttpResponse:
    """Plan a blinded re-challenge in pairs; the page then shows the A/B key, the calendar and
    the seed of the draw for preparing portions."""
    patient, program = client_and_program(request, patient_id)
    original = challenge_in(program, challenge_id)
    form = BlindedForm(request.POST, url="", form_id="")
    if not form.is_valid():
        return respond(request, patient, first_error(form), ok=False)
    return apply_edit(
        request,
        patient,
        f"A blinded re-challenge of {original.food_group.name} is planned: "
        "prepare the portions as the key below says.",
        rechallenge_blinded_add,
        program=program,
        food_group=original.food_group,
        pairs=form.cleaned_data["pairs"],
        washout_days=form.cleaned_data["washout_days"],
    )
