"""The calendar engine: from a program's settings, its challenges and the diary, the whole plan.

Pure Python, no Django and no ORM: frozen dataclasses in, frozen dataclasses out, so one `Plan`
feeds the Today page, the Plan timeline, the iCalendar export and the "start the next challenge"
button. Call `compute_plan(settings, challenges, diary, today, group_names=...)`. The rules come
from DOMAIN.md and the schedule issue; where the issue left a choice open, the choice is written
down next to the code that makes it (`engine.py`).
"""

from .engine import compute_plan
from .plan import (
    DOSE_STEPS,
    FLARE_RISE,
    LONG_WASHOUT_DAYS,
    READY_CLEAN_DAYS,
    BaselinePhase,
    ChallengeState,
    DayLog,
    DoseDay,
    Plan,
    ProgramSettings,
    ScheduledChallenge,
    SymptomAbove,
    TodayStatus,
)

__all__ = [
    "DOSE_STEPS",
    "FLARE_RISE",
    "LONG_WASHOUT_DAYS",
    "READY_CLEAN_DAYS",
    "BaselinePhase",
    "ChallengeState",
    "DayLog",
    "DoseDay",
    "Plan",
    "ProgramSettings",
    "ScheduledChallenge",
    "SymptomAbove",
    "TodayStatus",
    "compute_plan",
]
