"""The per-symptom fit (`evidence.read_symptom`) on hand-made numbers."""

from dietplanner.analysis.decide import pair_to_mention, reaction_evidence
from dietplanner.analysis.evidence import (
    FitSetting,
    ShapeFits,
    SymptomDays,
    SymptomRead,
    read_symptom,
)
from dietplanner.analysis.reference import Noise
from dietplanner.analysis.windows import challenge_windows

from .builders import challenge, day, diary

# A Bayes factor of about 2.5: the bar the trigger verdict had before the calibrated bands.
BAR = 0.9


def test_every_shape_reports_the_window_less_the_episode_shift():
    # An illness from 3 days before the window to its 4th day raises pain by 3 points; the
    # food does nothing. Whatever shape is reported, its window level must be read after
    # taking off the illness.
    program, _ = diary([challenge("dairy", 30)])
    (cw,) = challenge_windows(program)
    ill = set(range(27, 34))
    n = lambda k: day(k).toordinal()  # noqa: E731
    tags = [(0,) if k in ill else () for k in range(30, 37)]
    outside = [(n(k), 6.0, (0,)) for k in (27, 28, 29)]
    noise = Noise(phi=0.3, sigma={"pain": 0.6}, dof={"pain": 20.0})
    days = SymptomDays(
        ref_days=[n(k) for k in range(5, 27)],
        ref=[3.0] * 22,
        window_days=[n(k) for k in range(30, 37)],
        window=[6.0 if k in ill else 3.0 for k in range(30, 37)],
        tags=tags,
        outside=outside,
        priors=[(1.5, 1.0)],
    )
    read = read_symptom("pain", days, FitSetting(cw, cw.templates(), noise))
    assert len(read.fits) == 6
    for name in sorted(read.fits):
        read.use(name)
        assert abs(read.change) < 0.5, name


def test_the_window_level_days_and_the_growth_with_the_portion_follow_the_shape_used():
    # Doses on days 30-32 at 1/3, 2/3 and the full portion; pain follows the portion.
    program, _ = diary([challenge("dairy", 30)])
    (cw,) = challenge_windows(program)
    n = lambda k: day(k).toordinal()  # noqa: E731
    scores = {30: 4.0, 31: 5.0, 32: 6.0, 33: 6.0, 34: 3.0, 35: 3.0, 36: 3.0}
    days = SymptomDays(
        ref_days=[n(k) for k in range(5, 27)],
        ref=[3.0, 4.0] * 11,
        window_days=[n(k) for k in scores],
        window=list(scores.values()),
    )
    noise = Noise(phi=0.3, sigma={"pain": 0.6}, dof={"pain": 20.0})
    read = read_symptom("pain", days, FitSetting(cw, cw.templates(), noise))
    read.use("d0l1")  # 1/3, 2/3, 1, 1 on days 30-33
    assert read.response_days == [n(31), n(32), n(33)]  # at least half the top
    assert read.window_level == (5.0 + 6.0 + 6.0) / 3
    assert read.grew_with_portion  # 6 on the full-portion days, 4.5 on the smaller ones
    read.use("d2l3")  # 1/3, 2/3, 1, 1, 1 on days 32-36
    assert read.response_days == [n(33), n(34), n(35), n(36)]
    assert not read.grew_with_portion  # 3 on the full-portion days, 6 on the smaller ones


def _read(symptom: str, rises: list[float], se: float) -> SymptomRead:
    """A symptom whose fitted rise is rises[k] under shape k, each with standard error se."""
    read = SymptomRead(symptom, [1, 2, 3, 4], 3.0, 1.0, 20.0, [(10, 3.0)])
    read.fits = ShapeFits(
        names=[f"s{k}" for k in range(len(rises))],
        z=[rise / se for rise in rises],
        rise=list(rises),
        se=[se] * len(rises),
        xs=[[1.0]] * len(rises),
    )
    read.use("s0")
    return read


def _bayes(reads, corr=0.0) -> float:
    names = [r.symptom for r in reads]
    pairs = {(a, b): corr for a in names for b in names if a != b}
    noise = Noise(phi=0.5, sigma=dict.fromkeys(names, 1.0), dof={}, corr=pairs)
    return reaction_evidence(reads, noise)[0]


def test_the_bayes_factor_looks_for_a_reaction_the_size_of_a_real_one():
    quiet = [_read(s, [0.0] * 6, 1.0) for s in ("fatigue", "sleep", "mood", "stiffness")]
    # A 3-point rise under every timing tried, measured to within 1 point: a reaction.
    assert _bayes([_read("pain", [3.0] * 6, 1.0), *quiet]) >= BAR
    # The same rise under one timing only, the others flat: more likely a chance bump.
    assert _bayes([_read("pain", [3.0] + [0.0] * 5, 1.0), *quiet]) < BAR
    # A 1-point rise measured very precisely (z = 5) is real but far smaller than a reaction:
    # it argues against one.
    assert _bayes([_read("pain", [1.0] * 6, 0.2), *quiet]) < 0.0
    assert _bayes([_read("pain", [0.0] * 6, 1.0), *quiet]) < 0.0


def test_two_symptoms_rising_on_the_same_days_add_up_less_when_they_move_together():
    quiet = [_read(s, [0.0] * 6, 1.0) for s in ("sleep", "mood", "stiffness")]
    pain, fatigue = _read("pain", [2.6] * 6, 1.0), _read("fatigue", [2.6] * 6, 1.0)
    assert _bayes([pain, _read("fatigue", [0.0] * 6, 1.0), *quiet]) < BAR
    assert _bayes([pain, fatigue, *quiet]) >= BAR
    # Symptoms whose wobble is strongly correlated are not two independent witnesses.
    assert _bayes([pain, fatigue, *quiet], corr=0.9) < _bayes([pain, fatigue, *quiet]) - 2.0


def test_a_noisy_symptom_that_stayed_flat_is_never_said_to_have_risen_with_another():
    # Pain rose; the other symptoms stayed flat but are measured loosely, so pairs of pain and
    # any of them weigh more than pain alone.
    pain = _read("pain", [3.2] * 6, 1.0)
    pain.change = 3.2
    loose = [_read(s, [0.0] * 6, 3.0) for s in ("fatigue", "sleep", "mood", "stiffness")]
    for r in loose:
        r.change = 0.0
    reads = [pain, *loose]
    noise = Noise(phi=0.5, sigma=dict.fromkeys([r.symptom for r in reads], 1.0), dof={})
    _, pair = reaction_evidence(reads, noise)
    assert pair is not None and "pain" in pair
    assert pair_to_mention(pair, reads) is None
    partner = next(r for r in loose if r.symptom in pair)
    partner.z, partner.change = 1.6, 1.6
    assert pair_to_mention(pair, reads) == pair
