from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.urls import reverse_lazy

MAX_QUERY_LENGTH = 100


class LookupForm(forms.Form):
    """The food lookup box; the same form serves the live htmx search and the plain submit."""

    q = forms.CharField(
        label="Food name",
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "e.g. yogurt, soy sauce, creme fraiche",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        url = reverse_lazy("foods:lookup")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = url
        self.helper.form_id = "lookup-form"
        self.helper.attrs = {"role": "search"}
        self.helper.layout = Layout(
            Field(
                "q",
                css_class="form-control-lg",
                hx_get=url,
                hx_trigger="input changed delay:250ms, search",
                hx_target="#lookup-results",
                hx_push_url="true",
                hx_indicator="#lookup-loading",
                aria_controls="lookup-results",
            ),
            Submit("search", "Search", css_class="btn-lg"),
        )

    def query(self) -> tuple[str, bool]:
        """The query to run and whether it had to be shortened."""
        raw = (self.data.get("q") or "").strip()
        if len(raw) > MAX_QUERY_LENGTH:
            return raw[:MAX_QUERY_LENGTH], True
        return raw, False
