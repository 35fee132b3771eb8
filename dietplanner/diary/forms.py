from functools import cached_property, lru_cache

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from dietplanner.analysis import reactions
from dietplanner.programs.models import Program

SCORE_CHOICES = [(str(i), str(i)) for i in range(11)] + [("", "Not scored")]
# One score radio and its label, as templates/diary/today.html lays them out.
_SCORE_RADIO = (
    '\n              <input type="radio" class="btn-check" name="{}" id="{}" value="{}" {}'
    ' autocomplete="off">\n              <label class="btn btn-outline-primary score-btn"'
    ' for="{}">{}</label>\n            '
)
_NOT_SCORED = mark_safe(
    '<span aria-hidden="true">–</span><span class="visually-hidden">Not scored</span>'
)


# One symptom's fieldset, as templates/diary/today.html lays it out (CheckinForm.score_block).
_SCORE_FIELDSET = (
    '\n        <fieldset class="score-field{invalid}" aria-describedby="{id}-help">'
    '\n          <legend class="score-legend">{label}</legend>'
    '\n          <p class="score-help small text-body-secondary" id="{id}-help">{help}</p>'
    '\n          <div class="score-scale">\n            {radios}\n          </div>'
    "\n          {errors}\n        </fieldset>\n      "
)
_ERROR = '<div class="invalid-feedback d-block">{}</div>'
# One choice of the upsets, off-plan or portion fields (CheckinForm.box_rows).
_BOX = (
    '\n              <input type="{type}" class="btn-check" name="{name}" id="{id}"'
    ' value="{value}" {checked} autocomplete="off">'
    '\n              <label class="btn {button}" for="{id}">{label}</label>\n            '
)
_BOX_KINDS = {
    "confounders": ("checkbox", "btn-outline-secondary"),
    "off_plan": ("checkbox", "btn-outline-secondary"),
    "dose_taken": ("radio", "btn-outline-primary"),
}


def _errors(errors) -> str:
    return "".join(_ERROR.format(conditional_escape(e)) for e in errors)


def _score_radios(name: str, auto_id: str, chosen: str) -> SafeString:
    """One symptom's radios and labels: the name and id escaped once, the choices and their
    labels are the form's own constants (digits, and the "not scored" markup)."""
    name, auto_id = escape(name), escape(auto_id)
    return mark_safe(  # noqa: S308 - the name and id escaped above, the rest constants
        "".join(
            _SCORE_RADIO.format(
                name,
                f"{auto_id}_{index}",
                choice,
                "checked" if choice == chosen and choice != "" else "",
                f"{auto_id}_{index}",
                _NOT_SCORED if choice == "" else label,
            )
            for index, (choice, label) in enumerate(SCORE_CHOICES)
        )
    )


# Drawn once per process for the same values: a patient's Today shows the same symptoms and
# scores all day (a few KB each; bounded).
@lru_cache(maxsize=2048)
def _score_fieldset(
    name: str, radio_id: str, auto_id: str, label: str, help_text: str, chosen: str, errors: str
) -> str:
    """One symptom's fieldset (CheckinForm.score_block): `label` and `help_text` escaped
    already, `errors` drawn already (`_errors`)."""
    return _SCORE_FIELDSET.format(
        invalid=" is-invalid" if errors else "",
        id=escape(auto_id),
        label=label,
        help=help_text,
        radios=_score_radios(name, radio_id, chosen),
        errors=errors,
    )


@lru_cache(maxsize=2048)
def _box_row(name: str, rows: tuple[tuple, ...]) -> SafeString:
    """One field's choices (CheckinForm.box_rows), from its `boxes` rows (labels escaped
    already)."""
    kind, button = _BOX_KINDS[name]
    return mark_safe(  # noqa: S308 - every value escaped here or a constant
        "".join(
            _BOX.format(
                type=kind,
                button=button,
                name=escape(html_name),
                id=escape(box_id),
                value=escape(value),
                checked="checked" if ticked else "",
                label=label,
            )
            for html_name, box_id, value, label, ticked in rows
        )
    )


@lru_cache(maxsize=512)
def _score_field(label: str, help_text: str) -> forms.TypedChoiceField:
    """A symptom's 0-10 score field, built once per process for its name and help and shared
    by the forms (nothing changes a score field once built: read it, never change it)."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a score from 0 (none) to 10 (worst imaginable)."},
    )


class CheckinForm(forms.Form):
    """Today's check-in: a 0-10 score per tracked symptom, context, dose taken, a note.

    Fields are built from the program's tracked symptoms; the template renders each score as a
    radio group (arrow keys move along it, a screen reader announces "3 of 11").
    """

    confounders = forms.MultipleChoiceField(
        label="Anything else today?", required=False, widget=forms.CheckboxSelectMultiple
    )
    off_plan = forms.MultipleChoiceField(
        label="I ate something off-plan", required=False, widget=forms.CheckboxSelectMultiple
    )
    dose_taken = forms.TypedChoiceField(
        label="Did you have today's portion?",
        choices=[("yes", "Yes, I had it"), ("no", "No")],
        coerce=lambda v: v == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        program: Program,
        symptoms: list,
        confounders: list,
        groups: list,
        has_dose: bool,
        is_today: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.symptoms = symptoms
        if not is_today:
            self.fields["confounders"].label = "Anything else that day?"
        for symptom in symptoms:
            self.fields[f"score_{symptom.slug}"] = _score_field(symptom.name, symptom.help)
        self.fields["confounders"].choices = [(c.slug, c.name) for c in confounders]
        self.fields["off_plan"].choices = [(g.slug, g.name) for g in groups]
        if not has_dose:
            del self.fields["dose_taken"]

    def score_fields(self):
        return [self[f"score_{s.slug}"] for s in self.symptoms]

    def score_block(self) -> SafeString:
        """Every tracked symptom's fieldset (legend, help, radios, errors) as HTML, drawn in
        Python rather than by a template loop over bound fields, each one once per process
        for the same values (`_score_fieldset`): every value in it is escaped there."""
        blocks = []
        for field in self.score_fields():
            value = field.value()
            errors = field.errors
            blocks.append(
                _score_fieldset(
                    field.html_name,
                    field.field.widget.attrs.get("id") or field.auto_id,
                    field.auto_id,
                    str(conditional_escape(field.label)),
                    str(conditional_escape(field.help_text)),
                    "" if value is None else str(value),
                    _errors(errors) if errors else "",
                )
            )
        return mark_safe("".join(blocks))  # noqa: S308 - each block escaped in _score_fieldset

    @cached_property
    def box_rows(self) -> dict[str, SafeString]:
        """The upsets', off-plan and portion fields' choices as HTML (inputs and labels, for
        their `toggle-row`), from `boxes`, each field's once per process for the same
        choices and ticks (`_box_row`): every value escaped there."""
        return {
            name: _box_row(
                name,
                tuple(
                    (html_name, box_id, value, str(conditional_escape(label)), ticked)
                    for html_name, box_id, value, label, ticked in rows
                ),
            )
            for name, rows in self.boxes.items()
        }

    @cached_property
    def boxes(self) -> dict[str, list[tuple]]:
        """(name, id, value, label, ticked) per choice of the upsets, off-plan and portion
        fields (the last only on a dose day): what the template reads of each of their
        options (`box.data.name`, `box.id_for_label`, `box.data.value`, `box.choice_label`,
        `box.data.selected`), without building the widgets' subwidgets (issue 17)."""
        boxes = {}
        for name in ("confounders", "off_plan", "dose_taken"):
            if name not in self.fields:
                continue
            field = self[name]
            value = field.value()
            if value is None:
                value = []
            elif not isinstance(value, list | tuple):
                value = [value]
            ticked = {str(v) for v in value}
            boxes[name] = [
                (
                    field.html_name,
                    f"{field.auto_id}_{index}",
                    str(choice),
                    label,
                    str(choice) in ticked,
                )
                for index, (choice, label) in enumerate(field.field.choices)
            ]
        return boxes

    def scores(self) -> dict[str, int | None]:
        return {s.slug: self.cleaned_data.get(f"score_{s.slug}") for s in self.symptoms}


class ReactionForm(forms.Form):
    what = forms.CharField(
        label="What happened? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    red_flags = forms.MultipleChoiceField(
        label="Do you have any of these right now, or did you since the portion?",
        choices=list(reactions.RED_FLAG_SIGNS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allergic_signs = forms.MultipleChoiceField(
        label=f"Within about {reactions.IMMEDIATE_HOURS} hours of a portion, did you get any "
        "of these?",
        choices=list(reactions.ALLERGIC_SIGNS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class StopForm(forms.Form):
    """Stopping a food test for a cause that is not a reaction (programs.stopping)."""

    cause = forms.ChoiceField(
        label="Why are you stopping?",
        choices=[
            ("illness", "I am ill (a cold, flu, a stomach bug...)"),
            ("travel", "I am travelling or away from home"),
            ("patient_choice", "I prefer to stop for now"),
            ("other", "Another reason"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are stopping."},
    )
    dose_taken = forms.TypedChoiceField(
        label="Did you have today’s portion?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything to add for your dietitian? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
