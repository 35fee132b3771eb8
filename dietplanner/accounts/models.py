import uuid
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin

from .clock import patient_today


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Oslo).")


class UserQuerySet(models.QuerySet):
    def patients(self):
        return self.filter(role=User.Role.PATIENT)

    def dietitians(self):
        return self.filter(role=User.Role.DIETITIAN)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.DIETITIAN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a patient running a program or a dietitian following clients."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        DIETITIAN = "dietitian", "Dietitian"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField("full name", max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PATIENT)
    timezone = models.CharField(
        "time zone", max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    # When the owner proved they read this address (a signed link); None until then and again
    # after a change of address. Invites and reminders wait for it.
    email_verified_at = models.DateTimeField("e-mail address confirmed", null=True, blank=True)
    # Set when the mail server refused the address: nothing more is sent to it until it changes.
    email_bounced_at = models.DateTimeField("e-mail address bounced", null=True, blank=True)
    reminders_enabled = models.BooleanField("daily reminders by e-mail", default=True)

    class Measures(models.TextChoices):
        US = "us", "US cups and spoons first, grams and millilitres beside them"
        METRIC = "metric", "Grams and millilitres first, cups and spoons beside them"

    measures = models.CharField(
        "portions in", max_length=8, choices=Measures.choices, default=Measures.US
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("staff status", default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_dietitian(self) -> bool:
        return self.role == self.Role.DIETITIAN

    @property
    def works_in_clinic(self) -> bool:
        """Dietitians and staff: they see others' health data, so their sign-in is stricter
        (two-step login required, short sessions)."""
        return self.is_dietitian or self.is_staff

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else ""

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def can_receive_email(self) -> bool:
        """Whether optional mail (reminders, digests) may go to this address."""
        return self.is_active and self.email_verified and self.email_bounced_at is None

    def local_today(self):
        """Today's date in the user's own time zone (a check-in belongs to their calendar day;
        see `accounts.clock`)."""
        return patient_today(self)


class CareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=CareLink.Status.ACTIVE)


class CareLink(models.Model):
    """Consent joining one patient and one dietitian; nothing is shared until it is active.

    An e-mail invite starts as `invited` (patient unknown until accepted); a patient entering a
    dietitian's code creates an active link at once (entering it is the consent). Ended links
    stay as history.
    """

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dietitian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="client_links")
    patient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="care_links", null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invite_email = models.EmailField(blank=True)
    # Only a hash of the single-use e-mail token is stored; the token itself is in the e-mail.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    accepted = models.DateTimeField(null=True, blank=True)
    ended = models.DateTimeField(null=True, blank=True)
    last_visit = models.DateTimeField(
        null=True, blank=True, help_text="when the dietitian last opened this client's report"
    )

    objects = CareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "dietitian"],
                condition=models.Q(status="active"),
                name="one_active_link_per_pair",
            )
        ]

    def __str__(self) -> str:
        who = self.patient.full_name if self.patient else self.invite_email
        return f"{self.dietitian.full_name} - {who} ({self.status})"


class DietitianCode(models.Model):
    """A dietitian's personal invite code, handed out on paper or by phone."""

    dietitian = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invite_code")
    code = models.CharField(max_length=12, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.code} ({self.dietitian.full_name})"


class AccessRecord(models.Model):
    """One time a dietitian opened a patient's data; the patient can list them."""

    class What(models.TextChoices):
        REPORT = "report", "Report"
        DIARY = "diary", "Diary"
        PLAN = "plan", "Plan"
        EXPORT_PDF = "export_pdf", "PDF export"
        EXPORT_CSV = "export_csv", "CSV export"
        EXPORT_JSON = "export_json", "Diary file export"
        PLAN_CHANGE = "plan_change", "Plan change"
        NOTES = "notes", "Notes"
        CLIENT_LIST = "client_list", "Client list"
        ADMIN = "admin", "Clinic staff, in the admin"

    # Who opened the data: a dietitian, or clinic staff in the admin. Their name is kept with
    # the record, so deleting their account never takes the patient's history with it.
    dietitian = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="accesses_made"
    )
    dietitian_name = models.CharField(max_length=150, blank=True)
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="accesses")
    what = models.CharField(max_length=16, choices=What.choices)
    at = models.DateTimeField(default=dj_timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        who = f"{self.dietitian_name} -> {self.patient.full_name}"
        return f"{self.at:%Y-%m-%d %H:%M} {who}: {self.what}"

    def save(self, *args, **kwargs):
        if self.dietitian is not None and not self.dietitian_name:
            self.dietitian_name = self.dietitian.full_name
        super().save(*args, **kwargs)


def recovery_code_hash(code: str) -> str:
    """A keyed hash of a recovery code, as typed or as shown (case, spaces, dashes ignored).
    The codes are long random strings, so a fast hash keyed by SECRET_KEY is enough."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("dietplanner.recovery-code", normalised, algorithm="sha256").hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A user's one-time recovery codes, for when their phone is lost: a django-otp device, so a
    code verifies a login like an authenticator code does. Only hashes of the codes are kept."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"
        verbose_name_plural = "recovery codes"

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(code_hash=recovery_code_hash(str(token)), used=None).update(
            used=dj_timezone.now()
        )
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(used)

    def get_throttle_factor(self) -> int:
        return 1

    def remaining(self) -> int:
        return self.codes.filter(used=None).count()


class RecoveryCode(models.Model):
    """One recovery code, stored as a keyed hash; `used` is set the moment it is spent."""

    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.device.user} ({'used' if self.used else 'unused'})"
