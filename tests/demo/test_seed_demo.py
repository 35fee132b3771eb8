"""`seed_demo` (run by `make run`): the demo accounts and their diaries."""

import logging

import pytest
from django.core.management import CommandError, call_command

from dietplanner.accounts.models import User
from dietplanner.programs.models import Program
from dietplanner.programs.record import load_record

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
    plan = load_record(pat.programs.get(), today=pat.local_today()).plan

    started = [c for c in plan.challenges if c.started]
    assert len(started) >= 2
    assert all(not c.long_washout_flag for c in started)


def test_seeding_prints_the_logins_not_a_line_per_task_and_leaves_no_result_updating(
    settings, caplog
):
    """`make run` shows the demo logins; the tasks seeding runs at once (each check-in's
    refresh, each client line) logged two lines each, a few hundred in all, before them."""
    settings.DEBUG = True
    with caplog.at_level(logging.INFO):
        call_command("seed_demo")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("django_tasks")] == []
    programs = Program.objects.all()
    assert programs and not any(p.results_updating for p in programs)
