"""The dietitian records what an endoscopy showed for one food group."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Hidden, Layout
from django import forms

from dietplanner.programs.models import EndoscopyOutcome


class EndoscopyForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What the endoscopy showed",
        choices=EndoscopyOutcome.Outcome.choices,
        widget=forms.RadioSelect,
    )
    endoscopy_on = forms.DateField(
        label="Date of the endoscopy",
        required=False,
        help_text="Needed unless it was not assessed yet.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example the eosinophil count. The client sees it with the result.",
    )

    def __init__(self, *args, challenge, action: str, **kwargs):
        kwargs.setdefault("prefix", f"c{challenge.public_id.hex[:8]}")
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        name = challenge.food_group.name
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_id = f"endoscopy-{challenge.public_id.hex[:8]}"
        self.helper.layout = Layout(
            Hidden("challenge", str(challenge.public_id)),
            Field("outcome", wrapper_class="symptom-choices"),
            Field("endoscopy_on", css_class="form-control-lg"),
            Field("note"),
            StrictButton(
                f'Save<span class="visually-hidden"> the outcome for {name}</span>',
                type="submit",
                css_class="btn-primary btn-touch",
            ),
        )
