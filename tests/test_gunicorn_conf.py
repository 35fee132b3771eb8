"""The gunicorn settings file: its worker hook tunes the garbage collector (or leaves Python's)."""

import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def collector():
    """Python's collector settings, restored after the test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _worker_init(monkeypatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("GUNICORN_GC_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_GC_THRESHOLD", value)
    runpy.run_path(str(CONF))["post_worker_init"](worker=None)


def test_a_worker_collects_its_young_objects_less_often_and_freezes_what_it_loaded(
    monkeypatch, collector
):
    gc.set_threshold(700, 10, 10)
    _worker_init(monkeypatch, None)
    assert gc.get_threshold() == (10000, 10, 10)
    assert gc.get_freeze_count() > 0


def test_the_threshold_comes_from_the_environment_and_zero_keeps_pythons(monkeypatch, collector):
    gc.set_threshold(700, 10, 10)
    _worker_init(monkeypatch, "2500")
    assert gc.get_threshold() == (2500, 10, 10)
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    _worker_init(monkeypatch, "0")
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
