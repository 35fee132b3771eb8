from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


def _helper(submit_label: str, form_id: str, css_class: str = "btn-lg w-100 w-sm-auto"):
    helper = FormHelper()
    helper.form_id = form_id
    helper.add_input(Submit("submit", submit_label, css_class=css_class))
    return helper


class SetupCodeForm(forms.Form):
    """The first code the new authenticator shows, proving it is set up right."""

    code = forms.CharField(
        label="6-digit code from the app",
        max_length=12,
        help_text="The app shows a new code every 30 seconds; type the one showing now.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = _helper("Turn on two-step login", "two-factor-setup-form")


class LoginCodeForm(forms.Form):
    """The second step of logging in: an authenticator code or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text=(
            "The 6-digit code your authenticator app shows now. Lost your phone? "
            "Type one of your recovery codes instead."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        )
        self.helper = _helper("Continue", "two-factor-verify-form")


class PasswordConfirmForm(forms.Form):
    """Re-entering the password before turning two-step login off."""

    password = forms.CharField(label="Your password", widget=forms.PasswordInput, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = _helper(
            "Turn off two-step login", "two-factor-disable-form", "btn-danger btn-lg"
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
