import pytest
from django.core.management import CommandError, call_command

from dietplanner.accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_dietitian_with_password(capsys):
    call_command(
        "create_dietitian",
        "New@Clinic.example",
        name="Nina Nutrition",
        password="a-very-safe-phrase",
    )
    user = User.objects.get(email="new@clinic.example")
    assert user.is_dietitian and user.full_name == "Nina Nutrition"
    assert user.check_password("a-very-safe-phrase")
    assert "created" in capsys.readouterr().out


def test_create_dietitian_prompts_for_password(monkeypatch):
    answers = iter(["prompted-phrase-ok", "prompted-phrase-ok"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_dietitian", "p@clinic.example", name="Pia Prompt")
    assert User.objects.get(email="p@clinic.example").check_password("prompted-phrase-ok")


def test_create_dietitian_refuses_a_weak_password():
    with pytest.raises(CommandError, match="too short"):
        call_command("create_dietitian", "w@clinic.example", name="Weak", password="short")
    assert not User.objects.exists()


def test_create_dietitian_refuses_a_used_email(patient):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_dietitian", patient.email, name="Dup", password="a-very-safe-phrase")
