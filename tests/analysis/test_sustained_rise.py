"""A rise so big and lasting that it swells the patient's own noise estimate must not hide.

Reported: a flat baseline of 2 and every symptom at 8 from the first dose day on was read as
"tolerated", while the reasons said +6.0 points. The rise was counted as day-to-day wobble:
the noise was measured on days that held the rise itself.
"""

from dietplanner.analysis.diary import DayEntry, ProgramFacts
from dietplanner.analysis.verdicts import analyze_program

from .builders import START, SYMPTOMS, challenge, day


def flat_then_high(*, first_dose: int = 30, days: int = 60, before: int = 2, after: int = 8):
    program = ProgramFacts(START, 21, SYMPTOMS, (challenge("dairy", first_dose),), "custom")
    entries = [
        DayEntry(day(n), dict.fromkeys(SYMPTOMS, after if n >= first_dose else before), (), ())
        for n in range(days)
    ]
    return program, entries


def test_every_symptom_jumping_from_2_to_8_for_good_is_a_likely_trigger():
    program, entries = flat_then_high()

    [result] = analyze_program(program, entries)

    assert result.verdict == "trigger"
    assert all(s.finding == "rise" and s.change == 6.0 for s in result.symptoms)
    assert not any("within your usual ups and downs" in r for r in result.reasons)


def test_the_jump_read_while_the_window_still_runs_is_a_likely_trigger_too():
    program, entries = flat_then_high(days=34)

    [result] = analyze_program(program, entries)

    assert result.verdict in ("trigger", "possible")
    assert not any("within your usual ups and downs" in r for r in result.reasons)


def test_a_flat_diary_with_no_rise_stays_tolerated():
    program, entries = flat_then_high(after=2)

    [result] = analyze_program(program, entries)

    assert result.verdict == "tolerated"
