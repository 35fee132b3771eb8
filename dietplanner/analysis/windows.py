"""Where each challenge's observation window lies, and the shapes a reaction can take in it.

The window runs from the first dose to 4 days after the last dose taken (the issue asks for at
least 3; reactions start up to 2 days late and linger up to 3), cut short the day before the next
challenge's first dose. A reaction is expected to grow with the portion: the n-th of N planned
doses counts as n/N of the full portion. Since we do not know in advance how late a reaction
starts or how long it lasts, we try a small family of shapes ("templates"): delay 0, 1 or 2 days
times lingering 1 or 3 days. On day k the template is the largest portion whose effect covers k.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .diary import ChallengeFacts, ProgramFacts

AFTER_DAYS = 4
DELAYS = (0, 1, 2)
LINGERS = (1, 3)
# Blinded challenges compare arms, not a ramp: a dose counts on its day and the 2 days after.
BLINDED_SPAN = 2
# Each shape's name, delay and lingering, in the order tried.
_SHAPES = tuple((f"d{delay}l{linger}", delay, linger) for delay in DELAYS for linger in LINGERS)


@dataclass(frozen=True, slots=True)
class ChallengeWindow:
    """The observation window of one started challenge (day numbers are date ordinals)."""

    index: int  # position in program.challenges
    challenge: ChallengeFacts
    first: int
    last_dose: int
    end: int
    fractions: tuple[tuple[int, float], ...]  # (day, portion fraction) of active doses taken
    placebo_days: tuple[int, ...]
    cut_by_next: bool

    @property
    def days(self) -> range:
        return range(self.first, self.end + 1)

    @property
    def after_days(self) -> int:
        return self.end - self.last_dose

    @property
    def blinded(self) -> bool:
        return self.challenge.blinded and bool(self.placebo_days) and bool(self.fractions)

    def templates(self) -> list[tuple[str, tuple[float, ...]]]:
        """Expected reaction shapes, one value per window day, scaled to the full portion."""
        doses = tuple([(d - self.first, f) for d, f in self.fractions])
        return list(_templates(doses, self.end - self.first + 1, self.blinded))

    def placebo_template(self) -> list[float]:
        n = self.end - self.first + 1
        return _spread([(d - self.first, 1.0) for d in self.placebo_days], n, 0, BLINDED_SPAN)


@functools.lru_cache(maxsize=256)
def _templates(
    doses: tuple[tuple[int, float], ...], n: int, blinded: bool
) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """The shapes of a window of `n` days with `doses` (day in the window, portion fraction),
    as tuples: a pure function of a few figures that most windows share (the same schedule of
    portions), so kept by them."""
    if blinded:
        return (("active", tuple(_spread([(k, 1.0) for k, _ in doses], n, 0, BLINDED_SPAN))),)
    return tuple((name, tuple(_spread(doses, n, delay, linger))) for name, delay, linger in _SHAPES)


def _spread(doses: list[tuple[int, float]], n: int, delay: int, linger: int) -> list[float]:
    x = [0.0] * n
    for offset, fraction in doses:
        for k in range(offset + delay, min(n, offset + delay + linger + 1)):
            if fraction > x[k]:
                x[k] = fraction
    return x


def challenge_windows(program: ProgramFacts) -> list[ChallengeWindow]:
    """Windows of the started challenges that had at least one dose, in order of first dose."""
    started = [
        (c.started_on.toordinal(), i, c) for i, c in enumerate(program.challenges) if c.started
    ]
    started.sort(key=lambda t: (t[0], t[1]))
    windows = []
    for pos, (first, index, challenge) in enumerate(started):
        later = [s for s, _, _ in started[pos + 1 :] if s > first]
        next_first = later[0] if later else None
        window = _window(index, challenge, first, next_first)
        if window is not None:
            windows.append(window)
    return windows


def _window(
    index: int, challenge: ChallengeFacts, first: int, next_first: int | None
) -> ChallengeWindow | None:
    stop = challenge.stopped_early_on.toordinal() if challenge.stopped_early_on else None
    active, placebo = _doses_taken(challenge, first, stop)
    if not active and not placebo:
        return None
    taken_days = [d for d, _ in active] + list(placebo)
    last_dose = max(taken_days)
    end = max(last_dose, stop or last_dose) + AFTER_DAYS
    cut = False
    if next_first is not None and end >= next_first:
        end = max(next_first - 1, last_dose)
        cut = True
    return ChallengeWindow(
        index=index,
        challenge=challenge,
        first=first,
        last_dose=last_dose,
        end=end,
        fractions=tuple(active),
        placebo_days=tuple(placebo),
        cut_by_next=cut,
    )


def _doses_taken(challenge: ChallengeFacts, first: int, stop: int | None):
    if not challenge.doses:
        planned = [(first + i, None) for i in range(max(challenge.dose_days, 1))]
    else:
        planned = sorted(((d.date.toordinal(), d) for d in challenge.doses), key=lambda t: t[0])
    n = len(planned)
    active: list[tuple[int, float]] = []
    placebo: list[int] = []
    for rank, (day, dose) in enumerate(planned, start=1):
        if day < first or (stop is not None and day > stop):
            continue
        if dose is not None and not dose.taken:
            continue
        if challenge.blinded and dose is not None and dose.arm == "placebo":
            placebo.append(day)
            continue
        fraction = rank / n if not challenge.blinded else 1.0
        active.append((day, fraction))
    return active, placebo
