"""A fingerprint of everything the analysis says, to prove a speed-up changed no reading.

    .venv/bin/python -m tests.analysis.digest            # print the digests
    .venv/bin/python -m tests.analysis.digest --save     # record them in digest.txt
    .venv/bin/python -m tests.analysis.digest --check    # compare with digest.txt (exit 1)

Each digest is a SHA-256 over the full `repr` of every `ChallengeResult` (verdicts, every float
to the last bit, reasons text, excluded days, blinded pairs) and its `probability`, for:
the diaries of the pinned quality and calibration tests (seeds 1-3, 50 patients, read with
the simulator's share 0.4 and the app's prior 0.2), the harsher and gentler simulator readings
of quality.py, blinded re-challenges of every order of 2-3 pairs, and the benchmark's year.
A change of the method changes them on purpose: record the new ones with `--save` then.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from dietplanner.analysis.probability import PRIOR
from dietplanner.analysis.verdicts import analyze_program

from .blinded_builders import blinded_diary, orders
from .quality import PATIENTS_PER_SEED, SEEDS, SIMULATED_SHARE
from .simulator import simulate_cohort

RECORD = Path(__file__).with_name("digest.txt")


def _fingerprint(h, program, entries, **options) -> None:
    for result in analyze_program(program, entries, **options):
        h.update(repr(result).encode())
        h.update(repr(result.probability).encode())


def _cohorts(h, share: float, **options) -> None:
    for seed in SEEDS:
        for diary in simulate_cohort(seed, PATIENTS_PER_SEED, trigger_share=share, **options):
            _fingerprint(h, diary.program, diary.entries, prior=share)


def cases():
    """(name, function filling a hash) for each family of diaries."""
    from tests.benchmarks.bench_analysis import year_diary

    def blinded(h):
        for pairs in (2, 3):
            for arms in orders(pairs):
                for effect in (0.0, 2.5):
                    _fingerprint(h, *blinded_diary(arms, effect=effect, seed=len(arms)))

    return (
        ("quality (share 0.4)", lambda h: _cohorts(h, SIMULATED_SHARE)),
        ("calibration (prior 0.2)", lambda h: _cohorts(h, PRIOR)),
        (
            "harsher sizes",
            lambda h: _cohorts(h, SIMULATED_SHARE, linger_total=True, innovation_sd=True),
        ),
        ("all confounders logged", lambda h: _cohorts(h, SIMULATED_SHARE, all_logged=True)),
        ("blinded orders", blinded),
        ("benchmark year", lambda h: _fingerprint(h, *year_diary())),
    )


def digests() -> dict[str, str]:
    out = {}
    for name, fill in cases():
        h = hashlib.sha256()
        fill(h)
        out[name] = h.hexdigest()
    return out


def _lines(found: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in found.items())


if __name__ == "__main__":
    found = digests()
    print(_lines(found), end="")
    if "--save" in sys.argv:
        RECORD.write_text(_lines(found))
    elif "--check" in sys.argv:
        if RECORD.read_text() != _lines(found):
            print("DIFFERENT from", RECORD)
            sys.exit(1)
        print("identical to", RECORD)
