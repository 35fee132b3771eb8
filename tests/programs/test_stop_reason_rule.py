"""Why a test stopped is read one way: the analysis, the pages and the diary file agree.

The analysis was fed a stop after milder allergic signs as a plain "reaction" while the diary
file wrote "red_flag", and a stop whose cause an older import kept only in the patient's words
("illness") was read as a reaction by the analysis and the pages but as an illness by the file.
"""

from datetime import timedelta

import pytest

from dietplanner.programs.exchange import program_document
from dietplanner.programs.models import Challenge
from dietplanner.programs.record import load_record

from .test_results_view import started_program
from .test_verdicts_cache import FIRST_DOSE

pytestmark = pytest.mark.django_db
STOP = FIRST_DOSE + timedelta(days=1)
TODAY = FIRST_DOSE + timedelta(days=10)


def stopped(patient, **fields):
    program, challenge = started_program(patient, days=2)
    Challenge.objects.filter(pk=challenge.pk).update(
        status=Challenge.Status.STOPPED, stop_day=STOP, **fields
    )
    return program


def reasons(program) -> tuple[str, str]:
    """(what the analysis is told, what the diary file says) for the first test."""
    facts, _ = load_record(program, today=TODAY).facts()
    document = program_document(program, today=TODAY)
    return facts.challenges[0].stop_reason, document.program.challenges[0].stop_reason


def test_a_stop_after_milder_allergic_signs_reads_alike_everywhere(patient, catalogue):
    program = stopped(patient, no_home_retest=True)
    told, written = reasons(program)
    assert told == written == "red_flag"


def test_an_illness_kept_only_in_the_patients_words_is_not_read_as_a_reaction(patient, catalogue):
    program = stopped(patient, stop_reason="illness", stop_cause="")
    told, written = reasons(program)
    assert told == written == "illness"
    challenge = program.challenges.order_by("position").first()
    assert challenge.interrupted
    assert challenge.status_label == "Stopped for illness (not a reaction)"


def test_a_plain_reaction_stop_reads_as_a_reaction(patient, catalogue):
    program = stopped(patient, stop_cause=Challenge.StopCause.REACTION)
    assert reasons(program) == ("reaction", "reaction")
    assert not program.challenges.order_by("position").first().interrupted
