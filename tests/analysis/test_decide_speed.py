"""The decision's shortcuts give what the functions they stand for give."""

import itertools

from dietplanner.analysis.decide import clear_rises
from dietplanner.analysis.evidence import SymptomRead
from dietplanner.analysis.results import CLEAR_RISE_Z, meaningful_change, rise_kind


def _read(symptom, level, change, z):
    r = SymptomRead(symptom, [1, 2, 3], level, 1.0, 10.0, [(4, level + change)])
    r.change, r.z = change, z
    return r


def test_the_clear_rises_are_those_rise_kind_calls_clear():
    levels = [0.0, 2.0, 4.9, 5.0, 6.0, 6.7, 7.5]
    changes = [-1.0, 0.99, 1.0, 1.49, 1.5, 1.8, 2.0, 2.01, 4.0]
    zs = [-1.0, 0.0, CLEAR_RISE_Z - 1e-9, CLEAR_RISE_Z, 3.0]
    reads = [
        _read(f"s{k}", level, change, z)
        for k, (level, change, z) in enumerate(itertools.product(levels, changes, zs))
    ]
    bars = {r.symptom: meaningful_change(r.ref_level) for r in reads}
    expected = [r for r in reads if rise_kind(r.change, r.ref_level, r.z) == "clear"]
    assert clear_rises(reads, bars) == expected
    assert expected and len(expected) < len(reads)
