"""Killing the server in the middle of a stream of check-ins loses none that was answered.

gunicorn (production settings, loopback) takes check-ins from four clients at once; the test
kills its whole process group with SIGKILL after the first answers, then reads the database:
every check-in that got its success answer is there, with the scores sent.
"""

import threading
import urllib.parse
from datetime import timedelta

import pytest

from dietplanner.accounts.models import User
from dietplanner.programs.models import DailyEntry
from tests.conftest import make_user, screened
from tests.diary.factories import make_program

from .server import (
    Gunicorn,
    csrf_pair,
    database_url_through,
    production_env,
    request,
    session_cookie,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
    # Both start servers and cut connections: one worker runs them, one after the other.
    pytest.mark.xdist_group("ops"),
]

PATIENTS = 12
PAST_DAYS = 6  # each patient fills in the 6 days before today: 72 check-ins in all
KILL_AFTER = 20  # successful answers before the kill


def score_for(patient_index: int, day_index: int) -> int:
    return (patient_index * 3 + day_index) % 11


def test_no_answered_check_in_is_lost_when_the_server_is_killed(static_root):
    patients = []
    for i in range(PATIENTS):
        user = screened(
            make_user(f"p{i}@example.com", f"Patient {i}", User.Role.PATIENT, timezone="UTC")
        )
        today = user.local_today()
        program = make_program(user, start=today - timedelta(days=20))
        patients.append((user, program, today))

    app = Gunicorn(production_env(database_url_through(5432), static_root), workers=2)
    app.start()
    answered: list[tuple[int, int, int]] = []  # (program id, day index, score) answered 302
    failed = []
    lock = threading.Lock()
    enough = threading.Event()

    sessions = {user.pk: session_cookie(user) for user, _, _ in patients}

    def client(chunk):
        for i, (user, program, today) in chunk:
            csrf, token = csrf_pair()
            cookies = {"sessionid": sessions[user.pk], "csrftoken": csrf}
            for d in range(1, PAST_DAYS + 1):
                day = today - timedelta(days=d)
                score = score_for(i, d)
                form = {"csrfmiddlewaretoken": token, "day": day.isoformat()}
                form.update({f"score_{slug}": str(score) for slug in program.symptoms})
                try:
                    status, headers, _ = request(
                        app.url + "/today/check-in/",
                        data=urllib.parse.urlencode(form).encode(),
                        cookies=cookies,
                        timeout=10,
                    )
                except OSError as error:
                    with lock:
                        failed.append(repr(error))
                    continue
                # Success is the redirect back to that day; anything else is not a success.
                location = headers.get("Location", "").split("#")[0]
                if status == 302 and location.endswith(f"?day={day}"):
                    with lock:
                        answered.append((program.pk, day, score))
                        if len(answered) >= KILL_AFTER:
                            enough.set()
                else:
                    with lock:
                        failed.append(status)

    indexed = list(enumerate(patients))
    threads = [threading.Thread(target=client, args=(indexed[n::4],)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), f"only {len(answered)} answers before the timeout"
        app.kill()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        app.kill()

    total = PATIENTS * PAST_DAYS
    print(f"\n{len(answered)} check-ins answered, {len(failed)} refused or cut, of {total}")
    assert KILL_AFTER <= len(answered) < total, "the kill must land in the middle of the stream"
    for program_id, day, score in answered:
        entry = DailyEntry.objects.filter(program_id=program_id, date=day).first()
        assert entry is not None, f"check-in of {day} answered but lost"
        assert set(entry.scores.values()) == {score}
