"""The dietitian's form for one food group's long-term plan (works without JavaScript)."""

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from dietplanner.programs.models import GroupPlan

MAX_RETEST_AHEAD = timedelta(days=3 * 366)


class GroupPlanForm(forms.Form):
    status = forms.ChoiceField(label="Plan", choices=GroupPlan.Status.choices)
    limit_step = forms.TypedChoiceField(
        label="Limit to (a portion of the test)", coerce=int, required=False, empty_value=None
    )
    limit_text = forms.CharField(
        label="Or write the portion",
        required=False,
        max_length=200,
        help_text="With grams or millilitres, e.g. “2 slices of spelt sourdough (70 g)”.",
    )
    retest_on = forms.DateField(
        label="Test again from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date like 2027-03-01."},
    )
    note = forms.CharField(
        label="Note for the client",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan: GroupPlan, measures: str, today, action: str, **kwargs):
        kwargs.setdefault("prefix", plan.food_group.slug)
        kwargs.setdefault(
            "initial",
            {
                "status": plan.status,
                "limit_step": plan.limit_step,
                "limit_text": plan.limit_text,
                "retest_on": plan.retest_on,
                "note": plan.note,
            },
        )
        super().__init__(*args, **kwargs)
        self.today = today
        ladder = plan.food_group.ladder_in(measures)
        self.fields["limit_step"].choices = [("", "-")] + [
            (i, text) for i, text in enumerate(ladder, start=1)
        ]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = f"long-term-{plan.food_group.slug}"
        self.helper.add_input(Submit("save", f"Save {plan.food_group.name.lower()}"))

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == GroupPlan.Status.LIMIT and not (
            cleaned.get("limit_step") or (cleaned.get("limit_text") or "").strip()
        ):
            self.add_error("limit_step", "Choose the portion, or write one.")
        retest = cleaned.get("retest_on")
        if retest and not (self.today <= retest <= self.today + MAX_RETEST_AHEAD):
            self.add_error("retest_on", "Choose a date from today to three years ahead.")
        return cleaned
