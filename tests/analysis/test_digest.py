"""Every reading the analysis gives on the simulator's seeds, the blinded orders and the
benchmark year is the same to the last bit as recorded in digest.txt: a refactor or a speed-up
changes no verdict, no figure and no reason. A change of the method records new digests on
purpose (`python -m tests.analysis.digest --save`) and says why in its commit."""

import pytest

from .digest import RECORD, _lines, digests

pytestmark = pytest.mark.slow


def test_the_analysis_reads_every_recorded_diary_exactly_as_before():
    assert _lines(digests()) == RECORD.read_text()
