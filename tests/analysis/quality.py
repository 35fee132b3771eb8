"""Measured quality of the analysis on simulated diaries, against two naive rules.

Run `.venv/bin/python -m tests.analysis.quality [seed ...] [--linger-total] [--innovation-sd]
[--all-logged] [--share 0.2]` from the project root to print the table (the first two flags
switch to harsher readings of the issue's sizes, the third to a gentler diary where every
confounder day is logged, for diagnosis, see simulator.simulate_patient; `--share` sets the
share of trigger groups, 0.4 by default, also given to the analysis as its prior).

Naive rules, on the same diaries (all logged days, nothing left out):
(a) the mean of the first 5 days of the challenge minus the mean of the last 7 baseline days
    reaches 2 points on any symptom;
(b) any day of those 5 is 3 or more points above that baseline mean.
Balanced accuracy counts `trigger` as the positive call (everything else negative), over all
started challenges, clean or not.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from dietplanner.analysis.verdicts import analyze_program

from .simulator import SimulatedDiary, simulate_cohort

SEEDS = (1, 2, 3)
PATIENTS_PER_SEED = 50
# The simulator's share of trigger groups (simulator.simulate_patient), given to the analysis
# as its prior: the stated prior of a real clinic is its own (probability.PRIOR).
SIMULATED_SHARE = 0.4


def naive_rules(diary: SimulatedDiary, index: int) -> tuple[bool, bool]:
    program = diary.program
    challenge = program.challenges[index]
    by_date = {e.date: e for e in diary.entries}
    base_end = program.started_on + timedelta(days=program.baseline_days - 1)
    rule_a = rule_b = False
    for s in program.symptoms:
        base = [
            by_date[d].scores[s]
            for k in range(7)
            if (d := base_end - timedelta(days=k)) in by_date and s in by_date[d].scores
        ]
        first5 = [
            by_date[d].scores[s]
            for k in range(5)
            if (d := challenge.started_on + timedelta(days=k)) in by_date and s in by_date[d].scores
        ]
        if not base or not first5:
            continue
        m = sum(base) / len(base)
        rule_a |= sum(first5) / len(first5) - m >= 2.0
        rule_b |= any(v - m >= 3.0 for v in first5)
    return rule_a, rule_b


@dataclass
class Tally:
    """Counts for one set of diaries; rates are computed on demand."""

    n: int = 0
    counts: Counter = field(default_factory=Counter)

    def add(self, key: str, hit: bool) -> None:
        self.counts[key + ":n"] += 1
        self.counts[key + ":hit"] += int(hit)

    def rate(self, key: str) -> float:
        n = self.counts[key + ":n"]
        return self.counts[key + ":hit"] / n if n else float("nan")

    def size(self, key: str) -> int:
        return self.counts[key + ":n"]

    def balanced(self, who: str) -> float:
        return (self.rate(f"{who}:sens") + 1.0 - self.rate(f"{who}:fpr")) / 2.0

    def merge(self, other: Tally) -> None:
        self.n += other.n
        self.counts.update(other.counts)


def evaluate(diaries: list[SimulatedDiary], prior: float = SIMULATED_SHARE) -> Tally:
    """Tallies over `diaries`, read with `prior` as the share of triggers (the simulator's)."""
    tally = Tally()
    for diary in diaries:
        results = {
            r.challenge_index: r for r in analyze_program(diary.program, diary.entries, prior=prior)
        }
        for index, truth in enumerate(diary.truths):
            result = results[index]
            tally.n += 1
            verdict = result.verdict
            rule_a, rule_b = naive_rules(diary, index)
            calls = {"method": verdict == "trigger", "rule_a": rule_a, "rule_b": rule_b}
            for who, call in calls.items():
                tally.add(f"{who}:sens" if truth.trigger else f"{who}:fpr", call)
            tally.add("verdict:" + verdict, True)
            if truth.trigger:
                if truth.peak >= 3.0:
                    tally.add("trigger_3pt_called_trigger", verdict == "trigger")
                    if truth.clean:
                        tally.add("clean_trigger_3pt_called_trigger", verdict == "trigger")
                if truth.clean:
                    tally.add("clean_trigger_flagged", verdict in ("trigger", "possible"))
            else:
                if truth.clean:
                    tally.add("clean_tolerated_called_trigger", verdict == "trigger")
                    tally.add("clean_tolerated_called_possible", verdict == "possible")
                tally.add("tolerated_called_trigger", verdict == "trigger")
            if truth.clean:
                tally.add("clean_inconclusive", verdict == "inconclusive")
            tally.add("inconclusive", verdict == "inconclusive")
    return tally


ROWS = (
    ("clean tolerated called trigger (<= 5%)", "clean_tolerated_called_trigger"),
    ("clean tolerated called possible", "clean_tolerated_called_possible"),
    ("all tolerated called trigger", "tolerated_called_trigger"),
    ("triggers reaching 3 points called trigger (issue: >= 85%)", "trigger_3pt_called_trigger"),
    ("  of which with clean windows", "clean_trigger_3pt_called_trigger"),
    ("clean triggers called trigger or possible (>= 90%)", "clean_trigger_flagged"),
    ("clean challenges inconclusive (<= 10%)", "clean_inconclusive"),
    ("all challenges inconclusive", "inconclusive"),
)


def table(tallies: dict[str, Tally]) -> str:
    names = list(tallies)
    lines = ["| measure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines.append("| challenges | " + " | ".join(str(t.n) for t in tallies.values()) + " |")
    for label, key in ROWS:
        cells = [f"{t.rate(key):.1%} (n={t.size(key)})" for t in tallies.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for who, label in (("method", "our method"), ("rule_a", "rule (a)"), ("rule_b", "rule (b)")):
        cells = [
            f"{t.balanced(who):.3f} (sens {t.rate(who + ':sens'):.0%}, "
            f"FP {t.rate(who + ':fpr'):.0%})"
            for t in tallies.values()
        ]
        lines.append(f"| balanced accuracy, {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def measure(seeds=SEEDS, patients: int = PATIENTS_PER_SEED, **options) -> dict[str, Tally]:
    """Tallies per seed and pooled; `options` go to the simulator (other readings of sizes)."""
    tallies: dict[str, Tally] = {}
    pooled = Tally()
    for seed in seeds:
        share = options.get("trigger_share", SIMULATED_SHARE)
        tally = evaluate(simulate_cohort(seed, patients, **options), prior=share)
        tallies[f"seed {seed}"] = tally
        pooled.merge(tally)
    tallies["pooled"] = pooled
    return tallies


if __name__ == "__main__":
    args = sys.argv[1:]
    options = {
        "linger_total": "--linger-total" in args,
        "innovation_sd": "--innovation-sd" in args,
        "all_logged": "--all-logged" in args,
    }
    if "--share" in args:
        at = args.index("--share")
        options["trigger_share"] = float(args[at + 1])
        del args[at : at + 2]
    seeds = tuple(int(a) for a in args if not a.startswith("--")) or SEEDS
    print(table(measure(seeds, **options)))
