"""How far the analysis' `probability` can be taken at its word, on simulated diaries.

    .venv/bin/python -m tests.analysis.calibration [seed ...] [--share 0.2]

prints, over all started challenges of the seeds given (default: the pinned seeds 1, 2, 3):
the reliability table (10 bins of the predicted probability: how many challenges, their mean
prediction, the share that really were triggers), the expected calibration error (the bins'
gaps weighted by their size), per verdict how often it is right (the share of real triggers
among `trigger` and `possible`, of non-triggers among `tolerated`), the balanced accuracy with
`possible` counted as half a trigger call, and clean tolerated foods called trigger.

`--share` sets the simulator's share of trigger groups (default 0.4); the probability is then
computed with that share as its prior, as the app does with its stated prior.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from dietplanner.analysis.verdicts import analyze_program

from .simulator import simulate_cohort

BINS = 10
PATIENTS_PER_SEED = 50
CALL_SCORE = {"trigger": 1.0, "possible": 0.5}  # balanced accuracy: possible counts as half


@dataclass
class Outcome:
    """One challenge: what the analysis said and what was true."""

    verdict: str
    probability: float
    trigger: bool
    clean: bool


@dataclass
class Calibration:
    outcomes: list[Outcome] = field(default_factory=list)

    def bins(self) -> list[tuple[float, float, int, float, float]]:
        """(low, high, n, mean predicted, share of real triggers) per bin of width 1/BINS."""
        rows = []
        for b in range(BINS):
            lo, hi = b / BINS, (b + 1) / BINS
            inside = [
                o
                for o in self.outcomes
                if lo <= o.probability < hi or (b == BINS - 1 and o.probability >= 1.0)
            ]
            n = len(inside)
            mean = sum(o.probability for o in inside) / n if n else float("nan")
            real = sum(o.trigger for o in inside) / n if n else float("nan")
            rows.append((lo, hi, n, mean, real))
        return rows

    def ece(self) -> float:
        """Expected calibration error: the bins' |mean predicted - observed|, weighted by size."""
        total = len(self.outcomes)
        return sum(n * abs(mean - real) for _, _, n, mean, real in self.bins() if n) / total

    def label(self, verdict: str) -> tuple[int, float, float]:
        """(count, share that are real triggers, mean probability) for one verdict."""
        inside = [o for o in self.outcomes if o.verdict == verdict]
        n = len(inside)
        if not n:
            return 0, float("nan"), float("nan")
        return (
            n,
            sum(o.trigger for o in inside) / n,
            sum(o.probability for o in inside) / n,
        )

    def balanced_accuracy(self) -> float:
        """(sensitivity + specificity) / 2, a trigger call scoring 1 and a possible 0.5."""
        pos = [CALL_SCORE.get(o.verdict, 0.0) for o in self.outcomes if o.trigger]
        neg = [CALL_SCORE.get(o.verdict, 0.0) for o in self.outcomes if not o.trigger]
        return (sum(pos) / len(pos) + 1.0 - sum(neg) / len(neg)) / 2.0

    def clean_tolerated_called_trigger(self) -> float:
        clean = [o for o in self.outcomes if o.clean and not o.trigger]
        return sum(o.verdict == "trigger" for o in clean) / len(clean)


def collect(seeds, share: float = 0.4, patients: int = PATIENTS_PER_SEED) -> Calibration:
    calibration = Calibration()
    for seed in seeds:
        for diary in simulate_cohort(seed, patients, trigger_share=share):
            results = {
                r.challenge_index: r
                for r in analyze_program(diary.program, diary.entries, prior=share)
            }
            for index, truth in enumerate(diary.truths):
                result = results[index]
                calibration.outcomes.append(
                    Outcome(result.verdict, result.probability, truth.trigger, truth.clean)
                )
    return calibration


def report(calibration: Calibration) -> str:
    lines = [
        "| predicted | challenges | mean predicted | real triggers |",
        "|---|---|---|---|",
    ]
    for lo, hi, n, mean, real in calibration.bins():
        cells = f"{mean:.2f} | {real:.2f}" if n else "- | -"
        lines.append(f"| {lo:.1f}-{hi:.1f} | {n} | {cells} |")
    lines.append("")
    lines.append(f"expected calibration error: {calibration.ece():.3f}")
    lines.append("")
    lines.append("| verdict | challenges | real triggers | mean probability | right |")
    lines.append("|---|---|---|---|---|")
    for verdict in ("trigger", "possible", "tolerated", "inconclusive"):
        n, real, mean = calibration.label(verdict)
        right = {"trigger": real, "possible": real, "tolerated": 1.0 - real}.get(verdict)
        right_cell = "-" if right is None or n == 0 else f"{right:.1%}"
        lines.append(f"| {verdict} | {n} | {real:.1%} | {mean:.2f} | {right_cell} |")
    lines.append("")
    lines.append(
        f"balanced accuracy (possible as half): {calibration.balanced_accuracy():.3f}; "
        f"clean tolerated called trigger: {calibration.clean_tolerated_called_trigger():.1%}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    share = 0.4
    if "--share" in args:
        at = args.index("--share")
        share = float(args[at + 1])
        del args[at : at + 2]
    seeds = tuple(int(a) for a in args) or (1, 2, 3)
    print(report(collect(seeds, share)))
