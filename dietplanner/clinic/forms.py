from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse

from .models import ClinicalNote
from .selectors import FLAGS, PHASES

SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("flags", "Most flags first"),
    ("-flags", "Fewest flags first"),
    ("checkin", "Longest without check-in first"),
    ("-checkin", "Latest check-in first"),
    ("adherence", "Lowest adherence first"),
    ("-adherence", "Highest adherence first"),
    ("phase", "Phase, baseline first"),
    ("-phase", "Phase, finished first"),
]


class ClientFilterForm(forms.Form):
    """Search the client list by name, filter it by flag and phase; htmx swaps the table, plain
    GET works too."""

    q = forms.CharField(label="Name", required=False, max_length=100)
    flag = forms.ChoiceField(
        label="Needs attention",
        required=False,
        choices=[("", "Any or none")] + list(FLAGS.items()),
    )
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "Any phase")] + list(PHASES.items())
    )
    # Also as a field: on phones the column headings (the sort links) are hidden.
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("clinic:clients")
        self.helper.form_id = "client-filter"
        self.helper.form_class = "client-filter"
        self.helper.attrs = {
            "hx-get": reverse("clinic:clients"),
            "hx-target": "#client-table",
            "hx-select": "#client-table",
            "hx-swap": "outerHTML",
            "hx-trigger": "change, submit, input delay:400ms from:#id_q",
            "hx-push-url": "true",
        }
        show = Submit("", "Show")
        show.field_classes = "btn btn-outline-primary"
        self.helper.add_input(show)


class NoteForm(forms.ModelForm):
    """A dated clinical note; the text is shown escaped wherever it appears.

    Drawn by `clinic/_note_form.html` (the markup crispy-forms' Bootstrap 5 pack gave it, with
    its labels, errors and their `aria-describedby`), not through crispy-forms and the widget
    templates: on the report that was a tenth of the page's time."""

    class Meta:
        model = ClinicalNote
        fields = ["written_on", "text"]
        widgets = {
            "written_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"written_on": "Date", "text": "Note"}
        help_texts = {"text": "Private: only you see your notes. They appear in the report."}

    def __init__(self, *args, action: str, submit: str = "Save note", htmx=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.submit = submit
        # answered with the notes panel; without JavaScript, post/redirect/get
        self.htmx = htmx

    @property
    def date_text(self) -> str:
        """The date field's value as its input shows it ("2026-02-01", or what was typed)."""
        field = self["written_on"]
        return field.field.widget.format_value(field.value()) or ""

    @property
    def text_value(self) -> str:
        return self["text"].value() or ""


class ScreeningClearForm(forms.Form):
    """Clear a client's health answers for a program; the answers cleared travel with it, so
    answers the client changed in the meantime are never cleared unseen."""

    screening = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why a program is safe for this client, e.g. 'Coeliac serology negative, "
        "March 2026'. Kept with the clearance.",
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_id = "screening-clear-form"
        self.helper.add_input(Submit("clear", "Clear for a program"))
