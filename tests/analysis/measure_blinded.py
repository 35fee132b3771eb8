"""Verdicts of blinded re-challenges on simulated diaries, every order of every design.

    .venv/bin/python -m tests.analysis.measure_blinded 100

prints, per reaction size (+4, +2, none) and design (2 and 3 pairs), the share of each verdict
over `seeds` noise seeds per order, and the worst order's share of `trigger` or `possible`.
The pinned version (25 seeds) is tests/analysis/test_blinded_pairs.py; figures in
docs/analysis.md ("Blinded re-challenges").
"""

from __future__ import annotations

import sys
from collections import Counter

from dietplanner.analysis.verdicts import analyze_program

from .blinded_builders import blinded_diary, orders


def main(seeds: int) -> None:
    for effect in (4.0, 2.0, 0.0):
        for pairs in (2, 3):
            total: Counter = Counter()
            worst = 1.0
            for order in orders(pairs):
                counts: Counter = Counter()
                for seed in range(seeds):
                    program, entries = blinded_diary(order, effect=effect, seed=1000 * pairs + seed)
                    counts[analyze_program(program, entries)[0].verdict] += 1
                total += counts
                worst = min(worst, (counts["trigger"] + counts["possible"]) / seeds)
            runs = sum(total.values())
            shares = ", ".join(f"{v} {n / runs:.1%}" for v, n in sorted(total.items()))
            print(
                f"+{effect:g} on active periods, {pairs} pairs, {runs} runs: {shares}; "
                f"worst order trigger or possible {worst:.0%}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
