"""Two-step login: a code from an authenticator app (TOTP, django-otp) after the password, and
one-time recovery codes for a lost phone.

Required for everyone who works in the clinic (dietitians, staff), optional for patients. The
QR code is drawn here as SVG; nothing is sent to an outside service.
"""

import re
import secrets
from base64 import b32encode

import qrcode
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from .models import RecoveryCode, RecoveryCodes, User, recovery_code_hash

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper should not be misread.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The authenticator being set up: made on the first visit, the same one until confirmed
    (so the QR code does not change under the user's phone when the page is reloaded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn two-step login on once the app's first code matches; returns the new recovery
    codes in clear (to show once), or None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_make(user=device.user)


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_make(*, user: User) -> list[str]:
    """A fresh set of recovery codes replacing any earlier set; returns them in clear, once.
    Only their hashes are stored."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hash(code)) for code in codes
    )
    return codes


def code_check(*, user: User, code: str):
    """The device that accepts this code, or None: six digits go to the authenticator (a code
    cannot be used twice), anything else to the recovery codes (a code is spent by the check).
    Each device slows down repeated wrong guesses (django-otp's throttling)."""
    code = code.strip()
    digits = code.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        model, token = TOTPDevice, digits
    else:
        model, token = RecoveryCodes, code
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


def recovery_codes_left(user: User) -> int:
    device = RecoveryCodes.objects.filter(user=user, confirmed=True).first()
    return device.remaining() if device else 0


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove the authenticator and the recovery codes (patients only: the views refuse it
    for clinic accounts, whose two-step login is required)."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()


def totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps accept it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no style attribute, no
    script: the Content Security Policy stays strict)."""
    image = qrcode.make(
        device.config_url, image_factory=SvgPathFillImage, box_size=10, border=4
    ).to_string(encoding="unicode")
    # The page sizes the code with CSS; the label is for screen readers.
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg class="qr-code" role="img" aria-label="QR code for your authenticator app"',
        image,
    )
