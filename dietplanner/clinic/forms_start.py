"""The dietitian starts a program for a client: the diet and the first baseline day."""

from __future__ import annotations

from datetime import date, timedelta

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms

from dietplanner.programs.forms import MAX_START_AHEAD_DAYS, valid_start_date
from foods.models import Protocol


class ClinicStartForm(forms.Form):
    """A diet that names its groups (the custom one is built on the plan page) and a start."""

    protocol = forms.ChoiceField(label="Diet", widget=forms.RadioSelect)
    start_date = forms.DateField(
        label="First day of the baseline",
        help_text="Today or a later day in your client's time zone.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, protocols: list[Protocol], today: date, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.latest_start = today + timedelta(days=MAX_START_AHEAD_DAYS)
        self.protocols = {p.slug: p for p in protocols}
        self.fields["protocol"].choices = [(p.slug, _label(p)) for p in protocols]
        self.fields["start_date"].initial = today
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_id = "clinic-start-form"
        self.helper.layout = Layout(
            Field("protocol", wrapper_class="symptom-choices"),
            Field(
                "start_date",
                min=today.isoformat(),
                max=self.latest_start.isoformat(),
                css_class="form-control-lg",
            ),
            StrictButton("Start the program", type="submit", css_class="btn-primary btn-lg"),
        )

    def clean_protocol(self) -> Protocol:
        return self.protocols[self.cleaned_data["protocol"]]

    def clean_start_date(self) -> date:
        return valid_start_date(self.cleaned_data["start_date"], today=self.today)


def _label(protocol: Protocol) -> str:
    days = f"{protocol.baseline_days}-day baseline"
    if protocol.assessed_by_endoscopy:
        return f"{protocol.name} ({days}; each food judged at an endoscopy)"
    return f"{protocol.name} ({days})"
