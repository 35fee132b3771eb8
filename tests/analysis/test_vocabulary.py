"""The vocabulary is defined once (`analysis.vocabulary`): the app's choices are built from it."""

import ast
from pathlib import Path

from dietplanner.analysis import diary, vocabulary
from dietplanner.analysis.vocabulary import ChallengeStatus, Verdict
from dietplanner.programs.models import Challenge


def test_the_stored_challenge_statuses_are_the_vocabulary_s():
    assert set(Challenge.Status.values) == set(ChallengeStatus)
    assert diary.CHALLENGE_STATUSES == vocabulary.CHALLENGE_STATUSES == tuple(ChallengeStatus)


def test_the_stored_verdicts_are_the_vocabulary_s_plus_the_endoscopy_one():
    assert set(Challenge.Verdict.values) == set(Verdict) | {Challenge.Verdict.ENDOSCOPY}


def test_a_verdict_is_its_plain_slug():
    assert Verdict.TRIGGER == "trigger" and f"{Verdict.TRIGGER}" == "trigger"
    assert vocabulary.VERDICTS == ("trigger", "possible", "tolerated", "inconclusive")


# Where a verdict's word is written out on purpose: (file under dietplanner/, slug, why).
NOT_A_VERDICT = {
    ("programs/views/plan.py", "trigger"): "the iCalendar alarm's TRIGGER property",
}
ROOT = Path(__file__).resolve().parents[2] / "dietplanner"


def _literal_slugs(path: Path):
    """(line, slug) of each string constant in `path` equal to a verdict slug, docstrings
    left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and node.value in vocabulary.VERDICTS
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def test_no_verdict_slug_is_written_out_in_python_code():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "analysis/vocabulary.py" or "/migrations/" in name:
            continue
        for line, slug in _literal_slugs(path):
            if (name, slug) not in NOT_A_VERDICT:
                found.append(f"{name}:{line} {slug!r}")
    assert found == [], "use vocabulary.Verdict instead of the slug"
