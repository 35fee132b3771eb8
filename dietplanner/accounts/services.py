"""Creating accounts outside the sign-up form; care links between patients and dietitians."""

import hashlib
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from axes.models import AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dietplanner.outbox.models import Email
from dietplanner.outbox.services import email_queue

from .models import CareLink, DietitianCode, User


@transaction.atomic
def dietitian_create(*, email: str, full_name: str, password: str, timezone: str = "") -> User:
    """Create a dietitian account; the password must pass the same validators as everyone's.

    Raises django.core.exceptions.ValidationError for a weak password or a used e-mail.
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"An account with the e-mail {email} already exists.")
    user = User(email=email, full_name=full_name.strip(), role=User.Role.DIETITIAN)
    if timezone:
        user.timezone = timezone
    validate_password(password, user)
    user.set_password(password)
    # An administrator vouches for a dietitian's address.
    user.email_verified_at = dj_timezone.now()
    user.full_clean()
    user.save()
    return user


# --- Sign-up: the same answer whether or not the address has an account ----------------------


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """A link that finishes a sign-up once: it dies when the account becomes active."""

    key_salt = "dietplanner.accounts.signup"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


signup_tokens = SignupTokenGenerator()


def _send(template: str, context: dict, to: str) -> None:
    """Queue a sign-up e-mail (the worker sends it): both answers of the sign-up page take the
    same short time, whatever the mail server does."""
    email_queue(
        key=f"{template}:{uuid.uuid4()}",
        kind=Email.Kind.VERIFY,
        to=to,
        subject=render_to_string(f"accounts/email/{template}_subject.txt", context),
        body=render_to_string(f"accounts/email/{template}.txt", context),
    )


def signup_request(*, form, base_url: str, next_url: str = "") -> None:
    """Start a sign-up from a valid SignUpForm; the caller answers the same in every case.

    A new address gets an inactive patient account and a link that activates it. An address
    with an account gets an e-mail telling its owner (with the link again when the account is
    still waiting for it); the form's data is then dropped, so nobody can take over or change
    an account by signing up with its address.
    """
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        with transaction.atomic():
            user = form.save(commit=False)
            user.is_active = False
            user.save()
        _send("signup_confirm", _signup_link_context(user, base_url, next_url), user.email)
        return
    # Hash the unused password anyway, so both answers take about as long.
    make_password(form.cleaned_data.get("password1"))
    context = {"user": existing, "login_url": base_url + reverse("accounts:login")}
    context["reset_url"] = base_url + reverse("accounts:password-reset")
    if not existing.is_active and existing.last_login is None:
        context.update(_signup_link_context(existing, base_url, next_url))
    _send("signup_existing", context, existing.email)


def _signup_link_context(user: User, base_url: str, next_url: str) -> dict:
    path = reverse(
        "accounts:signup-confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), signup_tokens.make_token(user)],
    )
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {"user": user, "confirm_url": base_url + path + query}


@transaction.atomic
def signup_confirm(*, user: User, token: str) -> bool:
    """Activate the account the link was made for; False when the link is used or expired."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or not signup_tokens.check_token(user, token):
        return False
    user.is_active = True
    # The link came by e-mail: opening it proves the address, as the confirmation link does.
    user.email_verified_at = dj_timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    return True


# --- Erasure -----------------------------------------------------------------------------------


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Delete an account and everything that is its owner's; see docs/security.md for what stays.

    Everything pointing at the user goes with it (programs, diary, doses, plan changes, notes
    about a patient and by a dietitian, care links, codes, their own access log), except what
    is other people's history: a dietitian's access records and plan changes stay with the
    patients they concern, under the name stored with them. The lockout records and the
    admin's history of this account go too.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    axes_reset(username=user.email)
    for log in (AccessLog, AccessFailureLog):  # the lockout's records of their log-ins
        log.objects.filter(username__iexact=user.email).delete()
    # Mails to them go with the account (those linked to it cascade); a digest that named a
    # deleted patient keeps only that it was sent.
    Email.objects.filter(to__iexact=user.email).delete()
    if user.full_name:
        Email.objects.filter(kind=Email.Kind.DIGEST, body__contains=user.full_name).update(body="")
    user.delete()


# --- Care links: invites, codes, consent -------------------------------------------------------

INVITE_VALID_DAYS = 14
# No 0/O, 1/I/L: a code read out over the phone or copied from paper must survive it.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class ConsentError(ValueError):
    """A refused consent step; str(error) is a message fit to show the user as it is."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_patient(patient: User) -> None:
    if not getattr(patient, "is_patient", False):
        raise ConsentError(
            "Only a patient account can answer an invite or enter a code. "
            "You are logged in with a dietitian account."
        )


def _require_not_linked(*, dietitian: User, patient: User) -> None:
    if CareLink.objects.active().filter(dietitian=dietitian, patient=patient).exists():
        raise ConsentError(f"You already share your data with {dietitian.full_name}.")


@transaction.atomic
def invite_send(*, dietitian: User, email: str, request_base_url: str) -> CareLink:
    """Invite a patient by e-mail: a single-use link valid 14 days.

    Re-inviting an address that has a pending invite replaces its token (the old link stops
    working). Raises ConsentError when the address already belongs to a linked client.
    """
    if not getattr(dietitian, "is_dietitian", False):
        raise ConsentError("Only a dietitian can invite patients.")
    email = email.strip().lower()
    if CareLink.objects.active().filter(dietitian=dietitian, patient__email__iexact=email).exists():
        raise ConsentError(f"{email} is already one of your clients.")
    token = secrets.token_urlsafe(32)
    expires = dj_timezone.now() + timedelta(days=INVITE_VALID_DAYS)
    invite = (
        CareLink.objects.select_for_update()
        .filter(dietitian=dietitian, status=CareLink.Status.INVITED, invite_email__iexact=email)
        .first()
    )
    if invite is None:
        invite = CareLink(dietitian=dietitian, status=CareLink.Status.INVITED, invite_email=email)
    invite.token_hash = _token_hash(token)
    invite.token_expires = expires
    invite.save()
    accept_url = request_base_url.rstrip("/") + reverse("accounts:invite-accept", args=[token])
    context = {"dietitian": dietitian, "accept_url": accept_url, "expires": expires}
    # Queued in the same transaction (a slow mail server never slows the page); the worker
    # sends it, and retries it if the mail server refuses for a while.
    email_queue(
        key=f"invite:{invite.pk}:{invite.token_hash}",
        kind=Email.Kind.INVITE,
        to=email,
        subject=render_to_string("accounts/email/invite_subject.txt", context),
        body=render_to_string("accounts/email/invite.txt", context),
    )
    return invite


def invite_for_token(token: str, *, patient: User | None = None) -> CareLink:
    """The pending invite a token opens; ConsentError if forged, used or expired, or when it
    was sent to another address than the `patient`'s (unless they already share with its
    dietitian, which the invite page says)."""
    invite = (
        CareLink.objects.select_related("dietitian")
        .filter(token_hash=_token_hash(token or ""), status=CareLink.Status.INVITED)
        .exclude(token_hash="")
        .first()
    )
    if invite is None:
        raise ConsentError(
            "This invite link is not valid: it may have been used already, cancelled or "
            "replaced by a newer one. Ask your dietitian to send you a new invite."
        )
    if invite.token_expires is None or invite.token_expires <= dj_timezone.now():
        raise ConsentError(
            f"This invite from {invite.dietitian.full_name} has expired (invites are valid "
            f"{INVITE_VALID_DAYS} days). Ask them to send you a new one."
        )
    if patient is not None:
        _require_addressed_or_linked(invite, patient)
    return invite


def _pending_invite(*, token: str | None, invite: CareLink | None, patient: User) -> CareLink:
    """Lock and check the invite named by its token, or by the link for the patient's address."""
    if token is not None:
        found = invite_for_token(token)
    elif invite is not None and invite.invite_email.lower() == patient.email.lower():
        found = invite
    else:
        raise ConsentError("This invite is not addressed to you.")
    found = CareLink.objects.select_for_update().select_related("dietitian").get(pk=found.pk)
    if found.status != CareLink.Status.INVITED or not found.token_hash:
        raise ConsentError("This invite has already been answered or cancelled.")
    if found.token_expires is None or found.token_expires <= dj_timezone.now():
        raise ConsentError(
            f"This invite from {found.dietitian.full_name} has expired. "
            "Ask them to send you a new one."
        )
    return found


def _require_addressed_to(invite: CareLink, patient: User) -> None:
    """An invite is for the address it was sent to: a forwarded or leaked link opens nothing."""
    if invite.invite_email.strip().lower() != patient.email.strip().lower():
        raise ConsentError(
            f"This invite from {invite.dietitian.full_name} was sent to another e-mail address "
            f"than the one you log in with ({patient.email}). Log in with the invited address, "
            f"or ask {invite.dietitian.full_name} to invite {patient.email} or to give you "
            "their code."
        )


def _require_addressed_or_linked(invite: CareLink, patient: User) -> None:
    """A patient who already shares with the dietitian may still see and decline an extra
    invite sent to another of their addresses; nobody else may."""
    linked = CareLink.objects.active().filter(dietitian=invite.dietitian, patient=patient)
    if not linked.exists():
        _require_addressed_to(invite, patient)


@transaction.atomic
def invite_accept(
    *, patient: User, token: str | None = None, invite: CareLink | None = None
) -> CareLink:
    """The patient agrees to share their data: the invite becomes an active link.

    Pass the e-mailed `token`, or the `invite` itself when it is addressed to the patient's own
    e-mail. The token is cleared, so a second use fails. Raises ConsentError with the reason.
    """
    _require_patient(patient)
    if not patient.email_verified:
        raise ConsentError(
            f"Please confirm your e-mail address first: open the link we sent to {patient.email}. "
            "Then accept the invite again."
        )
    found = _pending_invite(token=token, invite=invite, patient=patient)
    _require_not_linked(dietitian=found.dietitian, patient=patient)
    _require_addressed_to(found, patient)
    found.patient = patient
    found.status = CareLink.Status.ACTIVE
    found.accepted = dj_timezone.now()
    found.token_hash = ""
    try:
        with transaction.atomic():
            found.save(update_fields=["patient", "status", "accepted", "token_hash"])
    except IntegrityError:  # a code entered in parallel made the same link first
        raise ConsentError(
            f"You already share your data with {found.dietitian.full_name}."
        ) from None
    return found


@transaction.atomic
def invite_decline(
    *, patient: User, token: str | None = None, invite: CareLink | None = None
) -> CareLink:
    """The patient says no: the invite is kept as declined and its token stops working."""
    _require_patient(patient)
    found = _pending_invite(token=token, invite=invite, patient=patient)
    _require_addressed_or_linked(found, patient)
    found.patient = patient
    found.status = CareLink.Status.DECLINED
    found.ended = dj_timezone.now()
    found.token_hash = ""
    found.save(update_fields=["patient", "status", "ended", "token_hash"])
    return found


@transaction.atomic
def invite_cancel(*, invite: CareLink, dietitian: User) -> CareLink:
    """The dietitian withdraws a pending invite; its link stops working at once."""
    invite = CareLink.objects.select_for_update().get(pk=invite.pk)
    if invite.dietitian_id != dietitian.pk or invite.status != CareLink.Status.INVITED:
        raise ConsentError("This invite is no longer pending.")
    invite.status = CareLink.Status.REVOKED
    invite.ended = dj_timezone.now()
    invite.token_hash = ""
    invite.save(update_fields=["status", "ended", "token_hash"])
    return invite


def code_for(dietitian: User) -> DietitianCode:
    """The dietitian's personal invite code, created on first use (8 unambiguous characters)."""
    if not getattr(dietitian, "is_dietitian", False):
        raise ConsentError("Only a dietitian has an invite code.")
    existing = DietitianCode.objects.filter(dietitian=dietitian).first()
    if existing is not None:
        return existing
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return DietitianCode.objects.create(dietitian=dietitian, code=code)
        except IntegrityError:
            # Either the code is taken (retry) or a parallel request made this dietitian's code.
            existing = DietitianCode.objects.filter(dietitian=dietitian).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not find a free invite code")  # 31^8 codes: not in practice


def code_normalise(code: str) -> str:
    """What the patient typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def code_redeem(*, code: str, patient: User) -> CareLink:
    """The patient enters a dietitian's code: that is their consent, so the link is active at once.

    Case, spaces and dashes do not matter. Raises ConsentError for an unknown code, a code
    whose owner is no longer a dietitian, or a dietitian the patient already shares with.
    """
    _require_patient(patient)
    found = (
        DietitianCode.objects.select_related("dietitian").filter(code=code_normalise(code)).first()
    )
    if found is None:
        raise ConsentError(
            "We do not know this code. Check it with your dietitian: it has 8 letters and digits."
        )
    dietitian = found.dietitian
    if not dietitian.is_dietitian or not dietitian.is_active:
        raise ConsentError("This code does not belong to a dietitian, so nothing was shared.")
    _require_not_linked(dietitian=dietitian, patient=patient)
    try:
        with transaction.atomic():
            return CareLink.objects.create(
                dietitian=dietitian,
                patient=patient,
                status=CareLink.Status.ACTIVE,
                accepted=dj_timezone.now(),
            )
    except IntegrityError:  # a double submit raced us to the same active link
        raise ConsentError(f"You already share your data with {dietitian.full_name}.") from None


@transaction.atomic
def link_revoke(*, link: CareLink, patient: User) -> CareLink:
    """The patient stops sharing: the dietitian loses access at once; the link stays as history."""
    link = CareLink.objects.select_for_update().select_related("dietitian").get(pk=link.pk)
    if link.patient_id != patient.pk or link.status != CareLink.Status.ACTIVE:
        raise ConsentError("You are not sharing your data through this link.")
    link.status = CareLink.Status.REVOKED
    link.ended = dj_timezone.now()
    link.save(update_fields=["status", "ended"])
    return link
