"""Forms of the programs app: the start wizard's settings and the plan page's actions.

The plan actions are tiny forms (a button and hidden fields) so each works as a plain post
without JavaScript; the htmx attributes sit on their helpers and swap the plan in place.
"""

from datetime import date, timedelta

from crispy_forms.bootstrap import InlineRadios, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.urls import reverse

from dietplanner.analysis import screening as intake
from foods.models import Protocol

from .services import MAX_EXTENSION_DAYS

MAX_START_AHEAD_DAYS = 365
MAX_ORDER_LENGTH = 100
PLAN_TARGET = "#plan-body"


def valid_start_date(start: date, *, today: date) -> date:
    """The first baseline day, if it is today or within the next 12 months (ValidationError)."""
    if start < today:
        raise forms.ValidationError("The first baseline day cannot be in the past.")
    if start > today + timedelta(days=MAX_START_AHEAD_DAYS):
        raise forms.ValidationError("Choose a day within the next 12 months.")
    return start


class StartForm(forms.Form):
    """The second wizard step: when to start, how long, what to score, when to be reminded.

    Bound to the querystring (the wizard keeps its state there, not in the session) and, on
    the summary page, to hidden fields (`StartConfirmForm`).
    """

    protocol = forms.CharField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label="First day of your baseline",
        help_text="Today or a later day. Choose a calm week: no travel or big events.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    baseline_days = forms.IntegerField(
        label="How many days the baseline lasts",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    symptoms = forms.MultipleChoiceField(
        label="Symptoms to score each day",
        help_text="We ticked the usual ones for this diet. Add or remove any; keep at least one.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one symptom to track."},
    )
    reminder_time = forms.TimeField(
        label="Daily reminder time (optional)",
        help_text="Leave empty for no reminder.",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, protocol: Protocol, today: date, symptoms, **kwargs):
        """`symptoms` are the catalogue's Symptom rows in display order."""
        super().__init__(*args, **kwargs)
        self.protocol, self.today = protocol, today
        self.latest_start = today + timedelta(days=MAX_START_AHEAD_DAYS)
        self.symptom_names = {s.slug: s.name for s in symptoms}
        self.fields["symptoms"].choices = [
            (s.slug, f"{s.name} – {s.help[:1].lower()}{s.help[1:]}" if s.help else s.name)
            for s in symptoms
        ]
        self.fields["protocol"].initial = protocol.slug
        self.fields["start_date"].initial = today
        self.fields["baseline_days"].initial = protocol.baseline_days
        self.fields["baseline_days"].help_text = (
            f"This diet suggests {protocol.baseline_days} days; "
            f"choose {protocol.baseline_min} to {protocol.baseline_max}."
        )
        self.fields["symptoms"].initial = list(protocol.default_symptoms)
        self.helper = FormHelper(self)
        self.helper.form_method = "get"
        self.helper.form_action = reverse("programs:start-review")
        self.helper.form_id = "start-form"
        self.helper.layout = Layout(
            "protocol",
            Field(
                "start_date",
                min=today.isoformat(),
                max=self.latest_start.isoformat(),
                css_class="form-control-lg",
            ),
            Field(
                "baseline_days",
                min=protocol.baseline_min,
                max=protocol.baseline_max,
                css_class="form-control-lg",
            ),
            Field("symptoms", wrapper_class="symptom-choices"),
            Field("reminder_time", css_class="form-control-lg"),
            StrictButton("See my plan", type="submit", css_class="btn-primary btn-lg"),
        )

    def clean_protocol(self) -> str:
        if self.cleaned_data["protocol"] != self.protocol.slug:
            raise forms.ValidationError("Choose a diet first.")
        return self.protocol.slug

    def clean_start_date(self) -> date:
        return valid_start_date(self.cleaned_data["start_date"], today=self.today)

    def clean_baseline_days(self) -> int:
        days = self.cleaned_data["baseline_days"]
        low, high = self.protocol.baseline_min, self.protocol.baseline_max
        if not low <= days <= high:
            raise forms.ValidationError(f"The baseline of this diet lasts {low} to {high} days.")
        return days

    def clean_symptoms(self) -> list[str]:
        chosen = set(self.cleaned_data["symptoms"])
        return [slug for slug in self.symptom_names if slug in chosen]


class StartConfirmForm(StartForm):
    """The summary's "Start my program" button: the settings travel in hidden fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = field.hidden_widget()
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_action = reverse("programs:start-confirm")
        self.helper.form_id = "confirm-form"
        self.helper.layout = Layout(
            *self.fields,
            StrictButton("Start my program", type="submit", css_class="btn-primary btn-lg"),
        )


def _button(verb: str, subject: str, css_id: str, css_class: str) -> StrictButton:
    """A short visible verb; screen readers also hear what it acts on ("Skip: Dairy").

    The name starts with the visible words, so speech users can say what they see.
    """
    return StrictButton(
        verb,
        type="submit",
        css_id=css_id,
        css_class=f"{css_class} btn-touch",
        aria_label=f"{verb}: {subject}",
    )


def _action_helper(url: str, form_id: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_action = url
    helper.form_id = form_id
    helper.form_class = "plan-action"
    helper.attrs = {"hx-post": url, "hx-target": PLAN_TARGET, "hx-swap": "innerHTML"}
    helper.layout = Layout(*layout)
    return helper


class KeyListField(forms.Field):
    """A list of opaque ids sent as repeated hidden inputs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value]

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > MAX_ORDER_LENGTH:
            raise forms.ValidationError("That order names too many food groups.")


class ReorderForm(forms.Form):
    """The full new order of the planned challenges (public ids), and which one moved."""

    order = KeyListField(error_messages={"required": "Send the new order of your food groups."})
    moved = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_move(cls, *, order: list[str], moved: str, label: str, direction: str):
        """A "Move up"/"Move down" button that posts `order` (the order after the move)."""
        form = cls(initial={"order": order, "moved": moved}, auto_id=False)
        url = reverse("programs:reorder")
        form.helper = _action_helper(
            url,
            f"move-{direction}-{moved}-form",
            "order",
            "moved",
            _button(
                f"Move {direction}", label, f"move-{direction}-{moved}", "btn-outline-secondary"
            ),
        )
        return form


class ChallengeButtonForm(forms.Form):
    """A one-button form on one challenge (skip it, put it back)."""

    @classmethod
    def build(cls, *, url_name: str, key: str, verb: str, label: str, css_class: str):
        form = cls(auto_id=False)
        url = reverse(url_name, args=[key])
        form.helper = _action_helper(
            url,
            f"{url_name.split(':')[-1]}-{key}-form",
            _button(verb, label, f"{url_name.split(':')[-1]}-{key}", css_class),
        )
        return form


class ExtendBaselineForm(forms.Form):
    """Add days to a running baseline (the service allows 1 to MAX_EXTENSION_DAYS)."""

    days = forms.IntegerField(
        label="Extra baseline days",
        help_text=f"1 to {MAX_EXTENSION_DAYS} days at a time. Every later date moves with it.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of days."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        url = reverse("programs:extend-baseline")
        self.helper = _action_helper(
            url,
            "extend-baseline-form",
            Field("days", min=1, max=MAX_EXTENSION_DAYS, css_class="extend-days"),
            StrictButton(
                "Extend my baseline",
                type="submit",
                css_id="extend-baseline",
                css_class="btn-outline-primary btn-touch",
            ),
        )

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise forms.ValidationError(f"Extend by 1 to {MAX_EXTENSION_DAYS} days at a time.")
        return days


class UndoExtensionForm(forms.Form):
    """Take back the extension just made: `days` that brought the baseline to `extended_to`."""

    days = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    extended_to = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_extension(cls, *, days: int, extended_to: int) -> "UndoExtensionForm":
        form = cls(initial={"days": days, "extended_to": extended_to})
        form.helper = _action_helper(
            reverse("programs:extend-baseline-undo"),
            "undo-extend-baseline-form",
            Field("days"),
            Field("extended_to"),
            StrictButton(
                f"Undo: take the {days} extra day{'s' if days != 1 else ''} back",
                type="submit",
                css_id="undo-extend-baseline",
                css_class="btn-outline-secondary btn-touch",
            ),
        )
        return form


class ScreeningForm(forms.Form):
    """The health questions (analysis.screening): one required yes/no (or not sure) each,
    grouped by theme; the answers are stored as given and judged by `screening.assess`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in intake.QUESTIONS:
            self.fields[question.slug] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=question.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose an answer."},
            )
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_action = reverse("programs:screening")
        self.helper.form_id = "screening-form"
        self.helper.layout = Layout(
            *(
                Fieldset(
                    title,
                    *(
                        InlineRadios(q.slug, wrapper_class="screening-question")
                        for q in intake.QUESTIONS
                        if q.section == section
                    ),
                    css_class="screening-section",
                )
                for section, title in intake.SECTIONS
            ),
            StrictButton("Save my answers", type="submit", css_class="btn-primary btn-lg"),
        )

    def answers(self) -> dict[str, str]:
        return {q.slug: self.cleaned_data[q.slug] for q in intake.QUESTIONS}


class EndProgramForm(forms.Form):
    """Ending a program early: a tick that says the patient means it, and an optional why."""

    confirm = forms.BooleanField(
        label="Yes, end my program and go back to my usual eating",
        error_messages={"required": "Tick the box to confirm that you want to end it."},
    )
    reason = forms.CharField(
        label="Why are you ending it? (optional, your dietitian sees it)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, for_dietitian: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_dietitian:
            self.fields["confirm"].label = "Yes, end this client's program"
            self.fields["reason"].label = "Why? (optional, your client sees it on their plan)"
