"""The per-symptom fit (`evidence.read_symptom`) on hand-made numbers."""

from dietplanner.analysis.evidence import read_symptom
from dietplanner.analysis.reference import Noise
from dietplanner.analysis.windows import challenge_windows

from .builders import challenge, day, diary


def test_every_shape_reports_the_window_less_the_episode_shift():
    # An illness from 3 days before the window to its 4th day raises pain by 3 points; the
    # food does nothing. Whatever shape is reported (the pair route may pick one that is not
    # this symptom's best), its window level must be read after taking off the illness.
    program, _ = diary([challenge("dairy", 30)])
    (cw,) = challenge_windows(program)
    ill = set(range(27, 34))
    n = lambda k: day(k).toordinal()  # noqa: E731
    ref = [(n(k), 3.0) for k in range(5, 27)]
    window = [(n(k), 6.0 if k in ill else 3.0) for k in range(30, 37)]
    tags = [(0,) if k in ill else () for k in range(30, 37)]
    outside = [(n(k), 6.0, (0,)) for k in (27, 28, 29)]
    noise = Noise(phi=0.3, sigma={"pain": 0.6}, dof={"pain": 20.0})
    read = read_symptom(
        "pain", ref, window, cw, cw.templates(), noise, (), {}, tags, outside, [(1.5, 1.0)]
    )
    assert len(read.fits) == 6
    for name in sorted(read.fits):
        read.use(name)
        assert abs(read.change) < 0.5, name
