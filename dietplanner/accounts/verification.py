"""Confirming e-mail addresses with a signed link, and changing the address (which re-confirms).

The link carries the account's public id and the address it was sent to, signed with the
site's key and dated: it needs no row in the database, proves the reader got the mail, and
stops working when the address changes or after `VERIFY_MAX_AGE`.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dietplanner.outbox.models import Email
from dietplanner.outbox.services import email_queue

from .models import User

VERIFY_SALT = "dietplanner.accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=7)
# A second "send me the link again" within this many minutes sends nothing more.
RESEND_EVERY_MINUTES = 10


class VerificationError(ValueError):
    """A link that confirms nothing; str(error) is fit to show as it is."""


def verification_token(user: User) -> str:
    return signing.dumps({"u": str(user.public_id), "e": user.email}, salt=VERIFY_SALT)


def verification_url(user: User) -> str:
    return settings.SITE_URL + reverse("accounts:verify-email", args=[verification_token(user)])


def email_verification_send(*, user: User) -> Email | None:
    """Queue the confirmation link for the user's current address (at most one per 10 minutes)."""
    now = timezone.now()
    window = f"{now:%Y%m%d%H}{now.minute // RESEND_EVERY_MINUTES}"
    context = {"user": user, "url": verification_url(user), "days": VERIFY_MAX_AGE.days}
    return email_queue(
        key=f"verify:{user.pk}:{user.email}:{window}",
        kind=Email.Kind.VERIFY,
        user=user,
        to=user.email,
        subject="Confirm your e-mail address for dietplanner",
        body=render_to_string("accounts/email/verify.txt", context),
    )


def user_for_verification(token: str) -> User:
    """The account a confirmation link names; VerificationError if forged, old or outdated."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationError(
            f"This link has expired (links work for {VERIFY_MAX_AGE.days} days). "
            "Log in and ask for a new one."
        ) from None
    except signing.BadSignature:
        raise VerificationError(
            "This link is not valid. Copy the whole link from the e-mail, or log in and ask "
            "for a new one."
        ) from None
    user = User.objects.filter(public_id=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != str(data.get("e", "")).lower():
        raise VerificationError(
            "This link was sent to an address the account no longer uses. "
            "Log in and ask for a link to your current address."
        )
    return user


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address the link was sent to as confirmed (again is harmless)."""
    user = user_for_verification(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
    user.email_bounced_at = None  # the owner just read a mail sent there
    user.save(update_fields=["email_verified_at", "email_bounced_at"])
    return user


def email_change(*, user: User, new_email: str) -> None:
    """Give the account a new address: unconfirmed until its owner opens the link sent there;
    the old address is told, so a stolen session cannot move an account quietly."""
    old_email = user.email
    user.email = new_email.strip().lower()
    user.email_verified_at = None
    user.email_bounced_at = None
    user.save(update_fields=["email", "email_verified_at", "email_bounced_at"])
    email_queue(
        key=f"email-changed:{user.pk}:{old_email}:{user.email}:{timezone.now():%Y%m%d%H%M%S}",
        kind=Email.Kind.NOTICE,
        user=user,  # deleted with the account
        to=old_email,
        subject="Your dietplanner e-mail address was changed",
        body=render_to_string(
            "accounts/email/email_changed.txt", {"user": user, "old_email": old_email}
        ),
    )
    email_verification_send(user=user)
