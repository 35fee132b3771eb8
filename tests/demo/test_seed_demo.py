"""`seed_demo` (run by `make run`): the demo accounts and their diaries."""

import pytest
from django.core.management import CommandError, call_command

from dietplanner.accounts.models import User
from dietplanner.programs.selectors import program_plan

pytestmark = pytest.mark.django_db


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
    plan = program_plan(pat.programs.get(), pat.local_today())

    started = [c for c in plan.challenges if c.started]
    assert len(started) >= 2
    assert all(not c.long_washout_flag for c in started)
