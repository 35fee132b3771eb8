import pytest
from django.core.management import CommandError, call_command

from dietplanner.accounts.models import User
from dietplanner.programs.record import load_record

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


def test_seed_demo_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(email__endswith="@demo.dietplanner.test").count() == 3
    assert User.objects.dietitians().filter(email="dana@demo.dietplanner.test").exists()
    assert User.objects.patients().count() == 2
    out = capsys.readouterr().out
    assert "password: demo-dietitian-2026" in out


def test_seed_demo_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_patient_at_her_usual_level_is_not_kept_in_washout(settings, catalogue):
    # Her washout scores wobble around her usual level: once read against the median of her
    # last 7 baseline scores, a washout ran 16 days and told her to call her dietitian.
    settings.DEBUG = True
    call_command("seed_demo")
    pat = User.objects.get(email="pat@demo.dietplanner.test")
    plan = load_record(pat.programs.get(), today=pat.local_today()).plan

    started = [c for c in plan.challenges if c.started]
    assert len(started) >= 2
    assert all(not c.long_washout_flag for c in started)
