"""Simulated elimination-diet diaries with known truth and the mess of real ones.

Sizes follow the issue and are not to be made gentler:
- AR(1) day-to-day noise, SD 0.5-1.6 points per symptom (marginal SD), lag-1 correlation
  0.2-0.8 per patient; scores rounded to whole points and clipped to 0-10;
- early-baseline improvement: 0.5-3 points fading over the first days (time constant 3-6 d);
- triggers: 2-4 points at the full portion on 1-3 symptoms, delayed 0-2 days, lingering 1-3
  days, proportional to the portion (ladder 1/4-1/2-1 or 1/3-2/3-1);
- sub-threshold effects (0.3-0.99 points) on 40% of tolerated foods;
- confounder episodes (illness 3-6 d, poor sleep 1-2 d, stress 2-5 d) adding 1.5-3 points to
  2-4 symptoms, each day logged with probability 0.85;
- menstrual cycles (55% of patients, 26-32 days) adding 1-2.5 points around the period, logged
  on bleeding days with probability 0.8 (premenstrual days are never logged);
- missing days up to 25%, bursty; 2% of single scores skipped;
- off-plan eating of other eliminated groups (up to 4% of days, logged with probability 0.8),
  which provokes a reaction (half portion) when that group is a trigger;
- patients stop a challenge before the full portion after a strong reaction (probability 0.7
  when a true reaction of 1.5+ shows as 3+ points above their usual level);
- as DOMAIN asks, most patients (80%) postpone a challenge by a day while ill or stressed, and
  half of those with periods while menstruating; episodes that begin mid-window still spoil it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dietplanner.analysis.diary import ChallengeFacts, DayEntry, Dose, ProgramFacts

PROTOCOLS = {
    "anti-inflammatory": (
        ("pain", "fatigue", "sleep", "brain_fog", "stiffness"),
        (
            "gluten", "dairy", "eggs", "soy", "corn", "nightshades", "citrus", "nuts",
            "shellfish", "added_sugar", "alcohol", "caffeine", "additives",
        ),
    ),
    "low-fodmap": (
        ("bloating", "abdominal_pain", "bowel", "fatigue", "pain"),
        (
            "lactose", "fructose", "sorbitol", "mannitol", "fructans_wheat", "fructans_garlic",
            "fructans_onion", "gos",
        ),
    ),
}  # fmt: skip
EXTRA_SYMPTOMS = ("headache", "mood", "skin")
CONFOUNDER_TYPES = {
    # slug: (min days, max days, symptoms it tends to hit)
    "illness": (3, 6, ("fatigue", "pain", "brain_fog", "sleep", "headache", "nausea", "stiffness")),
    "poor_sleep": (1, 2, ("sleep", "fatigue", "brain_fog", "pain", "mood", "headache")),
    "stress": (2, 5, ("mood", "sleep", "headache", "pain", "fatigue", "bloating", "bowel")),
}
MENSTRUAL_SYMPTOMS = ("pain", "fatigue", "mood", "bloating", "abdominal_pain", "headache")
MENSTRUAL_SHAPE = {-2: 0.5, -1: 0.9, 0: 1.0, 1: 0.8, 2: 0.4}
LADDERS = ((0.25, 0.5, 1.0), (1 / 3, 2 / 3, 1.0))
OBSERVE_AFTER = 4  # truth "window": dose days plus this many days


@dataclass(frozen=True)
class Reaction:
    amplitudes: dict[str, float]  # full-portion effect per symptom (empty: none at all)
    delay: int
    linger: int


@dataclass
class ChallengeTruth:
    food_group: str
    trigger: bool
    sub_threshold: bool
    peak: float = 0.0  # largest reaction actually provoked by the challenge, in points
    amplitudes: dict[str, float] = field(default_factory=dict)  # full-portion effect
    delay: int = 0
    linger: int = 0
    dirt: tuple[str, ...] = ()  # what spoiled the window: confounders, period, off-plan, spill-over
    stopped: bool = False

    @property
    def clean(self) -> bool:
        return not self.dirt


@dataclass
class SimulatedDiary:
    program: ProgramFacts
    entries: list[DayEntry]
    truths: list[ChallengeTruth]  # aligned with program.challenges
    noise_sd: dict[str, float]  # the true day-to-day SD per symptom (for diagnostics)
    phi: dict[str, float]  # the true lag-1 correlation per symptom


def _round_score(x: float) -> int:
    return min(10, max(0, int(math.floor(x + 0.5))))


def _reaction(rng: random.Random, symptoms, trigger: bool, trigger_share: float) -> Reaction:
    delay, linger = rng.randint(0, 2), rng.randint(1, 3)
    if trigger:
        hit = rng.sample(symptoms, rng.randint(1, 3))
        return Reaction({s: rng.uniform(2.0, 4.0) for s in hit}, delay, linger)
    if rng.random() < 0.4:
        hit = rng.sample(symptoms, rng.randint(1, 2))
        return Reaction({s: rng.uniform(0.3, 0.99) for s in hit}, delay, linger)
    return Reaction({}, delay, linger)


def simulate_patient(
    rng: random.Random,
    start: date = date(2026, 1, 5),
    trigger_share: float = 0.4,
    *,
    linger_total: bool = False,
    innovation_sd: bool = False,
    all_logged: bool = False,
) -> SimulatedDiary:
    """One patient's program and diary. Two readings of the issue's sizes can be switched:
    `linger_total` makes a reaction last `linger` days in all (default: `linger` days after
    its first day), `innovation_sd` makes 0.5-1.6 the SD of the daily innovations (default:
    of the scores' noise itself, which is gentler). `all_logged` (a gentler variant, for
    diagnosis only) logs every day of an illness, poor sleep or stress episode."""
    protocol = rng.choice(sorted(PROTOCOLS))
    symptoms, groups = PROTOCOLS[protocol]
    symptoms = list(symptoms)
    if rng.random() < 0.25:
        symptoms += rng.sample(EXTRA_SYMPTOMS, rng.randint(1, 3))
    baseline_days = rng.choice((14, 21, 21, 21, 28, 28, 42))
    n_challenges = rng.randint(6, min(10, len(groups)))
    challenged = rng.sample(groups, n_challenges)
    washout = rng.randint(3, 5)
    ladder = rng.choice(LADDERS)

    truth_of = {g: rng.random() < trigger_share for g in groups}
    reactions = {g: _reaction(rng, symptoms, truth_of[g], trigger_share) for g in groups}

    horizon = baseline_days + n_challenges * 16 + 40
    level = {s: rng.uniform(1.5, 6.5) for s in symptoms}
    early = {s: rng.uniform(0.5, 3.0) for s in symptoms}
    tau = rng.uniform(3.0, 6.0)
    phi_patient = rng.uniform(0.2, 0.8)
    noise = {}
    noise_sd = {}
    phis = {}
    for s in symptoms:
        sigma = rng.uniform(0.5, 1.6)
        phi = min(max(phi_patient + rng.uniform(-0.1, 0.1), 0.05), 0.9)
        noise_sd[s], phis[s] = sigma, phi
        innov = sigma if innovation_sd else sigma * math.sqrt(1.0 - phi * phi)
        if innovation_sd:
            sigma = sigma / math.sqrt(1.0 - phi * phi)
            noise_sd[s] = sigma
        e = rng.gauss(0.0, sigma)
        series = []
        for _ in range(horizon):
            series.append(e)
            e = phi * e + rng.gauss(0.0, innov)
        noise[s] = series

    # Confounder episodes: effect per day and what would be logged.
    effect = [dict.fromkeys(symptoms, 0.0) for _ in range(horizon)]
    disturbed: list[set[str]] = [set() for _ in range(horizon)]
    logged_conf: list[set[str]] = [set() for _ in range(horizon)]
    episode_rate = rng.uniform(1 / 45, 1 / 15)
    t = 0
    while t < horizon:
        if rng.random() < episode_rate:
            kind = rng.choice(sorted(CONFOUNDER_TYPES))
            lo, hi, prone = CONFOUNDER_TYPES[kind]
            length = rng.randint(lo, hi)
            pool = [s for s in prone if s in symptoms] or list(symptoms)
            hit = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
            size = {s: rng.uniform(1.5, 3.0) for s in hit}
            for k in range(t, min(horizon, t + length)):
                for s, a in size.items():
                    effect[k][s] += a
                disturbed[k].add(kind)
                if rng.random() < 0.85 or all_logged:
                    logged_conf[k].add(kind)
            t += length
        t += 1
    postpone_for = {"illness", "stress"}
    if rng.random() < 0.55:
        if rng.random() < 0.5:
            postpone_for.add("menstrual")  # "for some patients" (DOMAIN)
        cycle = rng.randint(26, 32)
        size = rng.uniform(1.0, 2.5)
        hit = [s for s in MENSTRUAL_SYMPTOMS if s in symptoms] or symptoms[:2]
        onset = rng.randint(0, cycle - 1)
        while onset < horizon + 3:
            for offset, share in MENSTRUAL_SHAPE.items():
                k = onset + offset
                if 0 <= k < horizon:
                    for s in hit:
                        effect[k][s] += size * share
                    disturbed[k].add("menstrual")
            for k in range(onset, min(horizon, onset + 4)):
                if rng.random() < 0.8:
                    logged_conf[k].add("menstruation")
            onset += cycle + rng.randint(-1, 1)

    miss_rate = rng.uniform(0.0, 0.25)
    stay_missing = 0.35
    start_missing = miss_rate * (1 - stay_missing) / (1 - miss_rate)
    off_plan_rate = rng.uniform(0.0, 0.04)

    # Reactions: per day, per symptom, the largest effect of any exposure; kept apart by source.
    from_challenge = [dict.fromkeys(symptoms, 0.0) for _ in range(horizon)]
    from_other = [dict.fromkeys(symptoms, 0.0) for _ in range(horizon)]
    owner = [-1] * horizon  # which challenge's doses caused the reaction on a day

    def expose(day: int, group: str, fraction: float, bucket, who: int) -> None:
        r = reactions[group]
        last = day + r.delay + r.linger - (1 if linger_total else 0)
        for k in range(day + r.delay, min(horizon, last + 1)):
            for s, a in r.amplitudes.items():
                if fraction * a > bucket[k][s]:
                    bucket[k][s] = fraction * a
                    if who >= 0:
                        owner[k] = who

    # The schedule is decided day by day, because stops depend on what the patient sees.
    starts = []
    next_start = baseline_days + (rng.randint(1, 4) if rng.random() < 0.25 else 0)
    current = -1
    dose_days: list[list[int]] = [[] for _ in challenged]
    stopped_on: list[int | None] = [None] * n_challenges
    entries: list[DayEntry] = []
    missing = False
    last_day = horizon - 1
    for day in range(horizon):
        if (
            current + 1 < n_challenges
            and day == next_start
            and rng.random() < 0.8
            and (disturbed[day] & postpone_for)
        ):
            next_start += 1  # DOMAIN: postpone a challenge while ill or stressed
        if current + 1 < n_challenges and day == next_start:
            current += 1
            starts.append(day)
        group_today = None
        if current >= 0 and stopped_on[current] is None:
            i = day - starts[current]
            if 0 <= i < 3:
                group_today = challenged[current]
                dose_days[current].append(day)
                expose(day, group_today, ladder[i], from_challenge, current)
        eaten = []
        if rng.random() < off_plan_rate:
            options = [g for g in groups if g != group_today]
            eaten.append(rng.choice(options))
            expose(day, eaten[0], 0.5, from_other, -1)
        observed = {}
        for s in symptoms:
            x = level[s] + early[s] * math.exp(-day / tau) + noise[s][day] + effect[day][s]
            x += max(from_challenge[day][s], from_other[day][s])
            observed[s] = _round_score(x)
        # A patient stops after a strong reaction, before the full portion.
        if group_today is not None and day - starts[current] < 2:
            strong = any(
                from_challenge[day][s] >= 1.5 and observed[s] - level[s] >= 3 for s in symptoms
            )
            if strong and rng.random() < 0.7:
                stopped_on[current] = day
        # Next start: washout after the last dose, longer until a reaction has settled.
        if current >= 0 and day in (starts[current] + 2, stopped_on[current]):
            last_dose = dose_days[current][-1]
            r = reactions[challenged[current]]
            settle = last_dose + r.delay + r.linger + 2 if truth_of[challenged[current]] else 0
            gap = rng.randint(1, 4) if rng.random() < 0.25 else 0
            next_start = max(last_dose + washout + 1, settle) + gap
            if current + 1 == n_challenges:
                last_day = min(horizon - 1, max(last_dose + OBSERVE_AFTER + washout, settle))
        missing = rng.random() < (stay_missing if missing else start_missing)
        if missing:
            continue
        scores = {s: v for s, v in observed.items() if rng.random() >= 0.02}
        logged_eaten = tuple(g for g in eaten if rng.random() < 0.8)
        entries.append(
            DayEntry(
                date=start + timedelta(days=day),
                scores=scores,
                confounders=tuple(sorted(logged_conf[day])),
                off_plan=logged_eaten,
            )
        )
    entries = [e for e in entries if (e.date - start).days <= last_day]

    challenges = []
    truths = []
    off_days = {(e.date - start).days for e in entries if e.off_plan}
    for k, group in enumerate(challenged):
        first = starts[k]
        doses = tuple(
            Dose(date=start + timedelta(days=d), portion=f"step {i + 1}", taken=d in dose_days[k])
            for i, d in enumerate(range(first, first + 3))
        )
        stop = stopped_on[k] if stopped_on[k] is not None and len(dose_days[k]) < 3 else None
        challenges.append(
            ChallengeFacts(
                food_group=group,
                started_on=start + timedelta(days=first),
                dose_days=3,
                washout_days=washout,
                stopped_early_on=None if stop is None else start + timedelta(days=stop),
                stop_reason=None if stop is None else "reaction",
                doses=doses,
            )
        )
        window = range(first, dose_days[k][-1] + OBSERVE_AFTER + 1)
        peak = max(
            (from_challenge[d][s] for d in window for s in symptoms if owner[d] == k),
            default=0.0,
        )
        dirt = set()
        for d in window:
            dirt |= disturbed[d]
            if any(v > 0 for v in from_other[d].values()):
                dirt.add("off_plan_reaction")
            if owner[d] not in (-1, k):
                dirt.add("spill_over")
        if any(d in off_days for d in range(first - 2, window[-1] + 1)):
            dirt.add("off_plan")
        truths.append(
            ChallengeTruth(
                food_group=group,
                trigger=truth_of[group],
                sub_threshold=not truth_of[group] and bool(reactions[group].amplitudes),
                amplitudes=dict(reactions[group].amplitudes),
                delay=reactions[group].delay,
                linger=reactions[group].linger,
                peak=peak,
                dirt=tuple(sorted(dirt)),
                stopped=stop is not None,
            )
        )
    program = ProgramFacts(
        started_on=start,
        baseline_days=baseline_days,
        symptoms=tuple(symptoms),
        challenges=tuple(challenges),
        protocol=protocol,
    )
    return SimulatedDiary(program, entries, truths, noise_sd, phis)


def simulate_cohort(seed: int, patients: int, **options) -> list[SimulatedDiary]:
    rng = random.Random(seed)
    return [simulate_patient(rng, **options) for _ in range(patients)]
