"""Speed of the minute trigger with 2,000 patients in running programs (target: a quiet minute
well under 1 s, so cron every minute never overlaps itself).

Run: `.venv/bin/pytest tests/benchmarks/bench_send_due.py -m benchmark -s -p no:cacheprovider`.
Times `due_work_queue` at a first run when 3/24 of the patients' reminders are due (sent
through the locmem mail backend), then the quiet minutes after. Nothing asserts a time.
"""

import statistics
import time
from datetime import UTC, date, datetime
from datetime import time as clock

import pytest
import time_machine
from django.core import mail

from dietplanner.accounts.models import User
from dietplanner.programs.models import Program
from dietplanner.reminders.services import due_work_queue
from foods.models import Protocol

PATIENTS = 2000
START = date(2026, 1, 5)


def make_patients(count: int) -> None:
    protocol = Protocol.objects.get(slug="low-fodmap")
    users = User.objects.bulk_create(
        User(
            email=f"p{i}@example.com",
            full_name=f"Patient {i}",
            timezone="UTC",
            email_verified_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(count)
    )
    Program.objects.bulk_create(
        Program(
            patient=user,
            protocol=protocol,
            start_date=START,
            baseline_days=28,
            symptoms=["bloating"],
            reminder_time=clock(i % 24, 0),
        )
        for i, user in enumerate(users)
    )


def timed(moment: datetime) -> tuple[float, int]:
    with time_machine.travel(moment, tick=False):
        started = time.perf_counter()
        counts = due_work_queue()
        return 1000 * (time.perf_counter() - started), counts.reminders


@pytest.mark.benchmark
@pytest.mark.django_db
def test_send_due_with_2000_patients(catalogue):
    make_patients(PATIENTS)
    busy, sent = timed(datetime(2026, 1, 10, 20, 0, tzinfo=UTC))
    # Times from 18:00 to 20:00 are due (the 3-hour catch-up window): 3/24 of the patients.
    assert sent == sum(1 for i in range(PATIENTS) if i % 24 in (18, 19, 20))
    assert len(mail.outbox) == sent
    # The minutes after: everything due is recorded, nothing new falls due.
    quiet = [timed(datetime(2026, 1, 10, 20, 1 + n, tzinfo=UTC)) for n in range(5)]
    assert {count for _, count in quiet} == {0}
    print(f"\nsend_due, {PATIENTS} patients, {sent} reminders due: {busy:.0f} ms (queued and sent)")
    print(
        f"send_due, {PATIENTS} patients, the minutes after (nothing new due): median "
        f"{statistics.median(ms for ms, _ in quiet):.0f} ms"
    )
