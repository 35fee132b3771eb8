"""The dietitian clears a client for home food tests again after an allergic reaction."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class ReactionClearForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why home tests are safe again, e.g. 'Seen by the allergy clinic, 3 March "
        "2026'. Kept with the clearance. The food groups of the reaction stay out of home tests.",
    )

    def __init__(self, *args, alert, action: str, **kwargs):
        kwargs.setdefault("prefix", f"r{alert.public_id.hex[:8]}")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_id = f"reaction-clear-{alert.public_id.hex[:8]}"
        # one button per reaction on the report: its id must be unique
        self.helper.add_input(
            Submit(f"clear_{alert.public_id.hex[:8]}", "Clear for home tests again")
        )
