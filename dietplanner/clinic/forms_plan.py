"""Forms of the dietitian's plan page: small posts, each working without JavaScript.

Fields only parse; the ranges are the services' to enforce (one place for the rule, one
message), the HTML min/max only help the browser.
"""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms

from dietplanner.programs.schedule.blinded import (
    DEFAULT_PAIRS,
    DEFAULT_WASHOUT,
    PAIRS_RANGE,
    WASHOUT_RANGE,
)
from dietplanner.programs.services import DOSE_DAYS_RANGE, MAX_EXTENSION_DAYS, WASHOUT_DAYS_RANGE
from foods.models import FoodGroup

PLAN_TARGET = "#clinic-plan-body"
WHOLE_NUMBER = {"invalid": "Enter a whole number of days.", "required": "Enter a number of days."}


def _helper(url: str, form_id: str, *layout, inline: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_action = url
    helper.form_id = form_id
    helper.form_class = "plan-action" + (" d-inline-block" if inline else "")
    helper.attrs = {"hx-post": url, "hx-target": PLAN_TARGET, "hx-swap": "innerHTML"}
    helper.layout = Layout(*layout)
    return helper


def _days_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        error_messages=WHOLE_NUMBER,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "Please check the form."


class ButtonForm(forms.Form):
    """A one-button post on one challenge (move, skip, put back, re-challenge)."""

    direction = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down")], required=False, widget=forms.HiddenInput
    )

    @classmethod
    def build(cls, *, url: str, form_id: str, verb: str, subject: str, css_class: str, **initial):
        form = cls(initial=initial, auto_id=False)
        form.helper = _helper(
            url,
            f"{form_id}-form",
            *(["direction"] if "direction" in initial else []),
            StrictButton(
                verb,
                type="submit",
                css_id=form_id,
                css_class=f"{css_class} btn-sm",
                aria_label=f"{verb}: {subject}",
            ),
            inline=True,
        )
        return form


class ChallengeDaysForm(forms.Form):
    dose_days = _days_field("Dose days")
    washout_days = _days_field("Washout days")

    def __init__(self, *args, url: str, form_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            url,
            form_id,
            Field("dose_days", min=DOSE_DAYS_RANGE[0], max=DOSE_DAYS_RANGE[1]),
            Field("washout_days", min=WASHOUT_DAYS_RANGE[0], max=WASHOUT_DAYS_RANGE[1]),
            StrictButton("Save days", type="submit", css_class="btn-outline-primary btn-sm"),
        )


class ExtendForm(forms.Form):
    days = _days_field("Extra baseline days")

    def __init__(self, *args, url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            url,
            "clinic-extend-form",
            Field("days", min=1, max=MAX_EXTENSION_DAYS),
            StrictButton("Extend the baseline", type="submit", css_class="btn-outline-primary"),
        )


class AddGroupForm(forms.Form):
    """Any group of the catalogue, with its days (empty: the protocol's)."""

    food_group = forms.ModelChoiceField(
        label="Food group",
        queryset=FoodGroup.objects.order_by("name"),
        to_field_name="slug",
        error_messages={
            "required": "Choose a food group.",
            "invalid_choice": "Choose a food group of the catalogue.",
        },
    )
    dose_days = forms.IntegerField(label="Dose days", required=False, error_messages=WHOLE_NUMBER)
    washout_days = forms.IntegerField(
        label="Washout days", required=False, error_messages=WHOLE_NUMBER
    )

    def __init__(self, *args, url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            url,
            "clinic-add-form",
            "food_group",
            Field("dose_days", min=DOSE_DAYS_RANGE[0], max=DOSE_DAYS_RANGE[1]),
            Field("washout_days", min=WASHOUT_DAYS_RANGE[0], max=WASHOUT_DAYS_RANGE[1]),
            StrictButton("Add to the plan", type="submit", css_class="btn-outline-primary"),
        )


class BlindedForm(forms.Form):
    """A blinded re-challenge: pairs of test days, with quiet days after each test day."""

    pairs = _days_field("Pairs of test days")
    washout_days = _days_field("Quiet days after each test day")

    def __init__(self, *args, url: str, form_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].initial = DEFAULT_PAIRS
        self.fields["pairs"].error_messages = {
            "invalid": "Enter a whole number of pairs.",
            "required": "Enter a number of pairs.",
        }
        self.fields["washout_days"].initial = DEFAULT_WASHOUT
        self.fields["pairs"].help_text = (
            f"{PAIRS_RANGE[0]} to {PAIRS_RANGE[1]}. Each pair is one active and one placebo "
            "portion in a random order."
        )
        self.fields[
            "washout_days"
        ].help_text = (
            f"{WASHOUT_RANGE[0]} to {WASHOUT_RANGE[1]}, long enough for a reaction to fade."
        )
        self.helper = _helper(
            url,
            form_id,
            Field("pairs", min=PAIRS_RANGE[0], max=PAIRS_RANGE[1]),
            Field("washout_days", min=WASHOUT_RANGE[0], max=WASHOUT_RANGE[1]),
            StrictButton(
                "Set up a blinded re-challenge", type="submit", css_class="btn-outline-primary"
            ),
        )
