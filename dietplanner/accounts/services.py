"""Creating accounts outside the sign-up form (command line, demo data)."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .models import User


@transaction.atomic
def dietitian_create(*, email: str, full_name: str, password: str, timezone: str = "") -> User:
    """Create a dietitian account; the password must pass the same validators as everyone's.

    Raises django.core.exceptions.ValidationError for a weak password or a used e-mail.
    """
    from django.core.exceptions import ValidationError

    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"An account with the e-mail {email} already exists.")
    user = User(email=email, full_name=full_name.strip(), role=User.Role.DIETITIAN)
    if timezone:
        user.timezone = timezone
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
