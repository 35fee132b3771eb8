import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.urls import reverse_lazy

from .models import User


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)
    return [(z, z.replace("_", " ")) for z in zones]


def _helper(submit_label: str, form_id: str) -> FormHelper:
    helper = FormHelper()
    helper.form_id = form_id
    helper.add_input(Submit("submit", submit_label, css_class="btn-lg w-100 w-sm-auto"))
    return helper


class WeakPasswordUnderNewPassword:
    """Django files a weak password's problems under the confirmation field; the person typed
    the password in the field above it, so that is where the explanation goes. A mismatch stays
    under the confirmation."""

    TYPED_IN = {"password2": "password1", "new_password2": "new_password1"}

    def validate_password_for_user(self, user, *args, **kwargs):
        # Django passes the confirmation's name positionally or not at all ("password2").
        confirmation = args[0] if args else kwargs.pop("password_field_name", "password2")
        field = self.TYPED_IN.get(confirmation, confirmation)
        super().validate_password_for_user(user, field, **kwargs)


class SignUpForm(WeakPasswordUnderNewPassword, BaseUserCreationForm):
    """Self sign-up; always creates a patient (dietitians are created by an administrator)."""

    timezone = forms.ChoiceField(
        label="Your time zone",
        help_text="Your daily check-in follows this calendar.",
        choices=timezone_choices,
        widget=forms.Select(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "timezone"]
        labels = {"full_name": "Your name", "email": "E-mail address"}
        help_texts = {"email": "You log in with this address."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].initial = settings.TIME_ZONE
        if not self.is_bound:
            # Let the browser propose its own zone; a re-shown form keeps what was sent.
            self.fields["timezone"].widget.attrs["data-detect-timezone"] = ""
        self.fields["full_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": False})
        self.fields[
            "password1"
        ].help_text = "At least 10 characters, not a common password, not only numbers."
        self.helper = _helper("Create my account", "signup-form")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        """A used address is not an error here: the form must not tell who has an account
        (accounts.services.signup_request e-mails the owner instead)."""
        exclude = self._get_validation_exclusions() | {"email"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = User.Role.PATIENT
        if commit:
            user.save()
        return user


class LoginForm(AuthenticationForm):
    remember = forms.BooleanField(label="Keep me signed in on this device", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].help_text = (
            f"For {settings.PATIENT_REMEMBER_DAYS} days, on your own phone or computer only. "
            "Otherwise you are signed out when you close the browser. Clinic accounts are "
            f"always signed out after {settings.CLINIC_IDLE_MINUTES} minutes without activity."
        )
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.helper = _helper("Log in", "login-form")

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class AdminUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role"]


class PasswordChangeForm(WeakPasswordUnderNewPassword, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Change my password", "password-change-form")


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.helper = _helper("Send me a reset link", "password-reset-form")


class SetPasswordForm(WeakPasswordUnderNewPassword, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save my new password", "set-password-form")


class AccountDeleteForm(forms.Form):
    """The patient proves it is them (their password) before their account and data go."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_id = "delete-account-form"
        delete = Submit("submit", "Delete my account and all my data")
        delete.field_classes = "btn btn-danger btn-lg text-wrap w-100 w-sm-auto"
        self.helper.add_input(delete)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password. Nothing was deleted.")
        return password


class DietitianCodeForm(forms.Form):
    """A patient types the personal code their dietitian gave them."""

    code = forms.CharField(
        label="Code from your dietitian",
        max_length=40,
        help_text="8 letters and digits, for example KX7M 2QPA. Spaces and case do not matter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        self.helper = _helper("Share my data with this dietitian", "code-form")
        self.helper.form_action = reverse_lazy("accounts:code-redeem")


class InviteForm(forms.Form):
    """A dietitian invites a patient by e-mail."""

    email = forms.EmailField(
        label="Patient's e-mail address",
        help_text="They get a link valid 14 days. Nothing is shared until they accept.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})
        self.helper = _helper("Send the invite", "invite-form")
        self.helper.form_action = reverse_lazy("clinic:invite")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PatientSettingsForm(forms.ModelForm):
    """A patient's own settings. Each field of `Meta.fields` is one setting on the page, so a new
    setting of the account is one more name there (and its label and help text)."""

    reminder_time = forms.TimeField(
        label="Reminder time",
        required=False,
        help_text="When to remind you if you have not checked in yet, in your time zone. "
        "Empty: no reminders.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    current_password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        help_text="Needed only to change your e-mail address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "timezone", "reminders_enabled", "email"]
        labels = {
            "full_name": "Your name",
            "timezone": "Your time zone",
            "reminders_enabled": "Send me a daily reminder by e-mail",
            "email": "E-mail address",
        }
        help_texts = {
            "full_name": "As your dietitian and your reports show it.",
            "timezone": "Your days, your check-ins and your reminders follow this clock.",
            "reminders_enabled": "Only on days you have not checked in yet, and a short note on "
            "the morning of each dose day.",
            "email": "You log in with this address. A new one must be confirmed again.",
        }

    def __init__(self, *args, has_program: bool = True, symptoms=None, **kwargs):
        """`symptoms`: the catalogue's Symptom rows to choose from (None: no program running,
        nothing to track)."""
        super().__init__(*args, **kwargs)
        if symptoms is not None:
            self.fields["symptoms"] = forms.MultipleChoiceField(
                label="Symptoms you score each day",
                help_text="A change starts tomorrow: today's check-in keeps today's list. "
                "Keep at least one.",
                choices=[(s.slug, s.name) for s in symptoms],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Keep at least one symptom to score each day."},
            )
        self.fields["full_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["timezone"] = forms.ChoiceField(
            label=self._meta.labels["timezone"],
            help_text=self._meta.help_texts["timezone"],
            choices=timezone_choices,
        )
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        if not has_program:
            # Reminder times belong to a program; with none running there is nothing to time.
            del self.fields["reminder_time"]
        self.helper = _helper("Save my settings", "settings-form")
        # The name, the clock and reminders, the symptoms, then any other setting, then the
        # address and the password that guards it.
        first = ["full_name", "timezone", "reminders_enabled", "reminder_time", "symptoms"]
        others = [name for name in self._meta.fields if name not in (*first, "email")]
        self.order_fields([*first, *others, "email", "current_password"])
        # The symptom list as big, framed choices (44 px targets), as in the start wizard.
        self.helper.layout = Layout(
            *[
                Field(name, wrapper_class="symptom-choices") if name == "symptoms" else name
                for name in self.fields
            ]
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This address is used by another account.")
        return email

    @property
    def email_changed(self) -> bool:
        return self.cleaned_data.get("email", "").lower() != (self.initial.get("email") or "")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("current_password") or ""
        if "email" in cleaned and self.email_changed and not self.instance.check_password(password):
            self.add_error("current_password", "Enter your password to change your e-mail address.")
        return cleaned


class MeasuresForm(forms.ModelForm):
    """How portions are worded for this patient: US cups and spoons, or grams and millilitres."""

    class Meta:
        model = User
        fields = ["measures"]
        widgets = {"measures": forms.RadioSelect}
        help_texts = {
            "measures": "Every portion shows both; this chooses which comes first. "
            "Portions already planned for a challenge keep their wording."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save", "measures-form")
