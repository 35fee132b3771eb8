"""The vocabulary is defined once (`analysis.vocabulary`): the app's choices are built from it."""

import ast
from pathlib import Path

from dietplanner.analysis import diary, vocabulary
from dietplanner.analysis.vocabulary import (
    BaselineStatus,
    ChallengeStatus,
    Phase,
    TodayKind,
    Verdict,
)
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


def _python_code():
    """(name under dietplanner/, path) of each Python file but the vocabulary and migrations."""
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name != "analysis/vocabulary.py" and "/migrations/" not in name:
            yield name, path


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
    for name, path in _python_code():
        for line, slug in _literal_slugs(path):
            if (name, slug) not in NOT_A_VERDICT:
                found.append(f"{name}:{line} {slug!r}")
    assert found == [], "use vocabulary.Verdict instead of the slug"


# The slugs of where a challenge, a phase, the baseline and today stand.
STATE_SLUGS = frozenset(
    str(member) for enum in (ChallengeStatus, Phase, BaselineStatus, TodayKind) for member in enum
)
# Where such a word is compared or used as a key on purpose, for another vocabulary:
# (file under dietplanner/, slug, "compared" or "key") -> why.
NOT_A_STATE = {
    **{
        (name, "active", "compared"): "a blinded dose's arm (active or placebo)"
        for name in (
            "analysis/blinded.py",
            "analysis/exchange.py",
            "programs/exchange.py",
            "programs/record.py",
        )
    },
    **{
        ("charts.py", slug, use): "the chart's band kinds (`charts.PHASE_KINDS`, baseline too)"
        for slug in ("baseline", "dose", "washout", "stopped")
        for use in ("compared", "key")
    },
    **{
        ("clinic/selectors.py", slug, "key"): "the client list's phases (between, none too)"
        for slug in ("baseline", "dose", "washout", "finished")
    },
    ("clinic/selectors.py", "baseline", "compared"): "the client list's phase",
    ("clinic/views/exports.py", "ready", "key"): "an export file's state",
    ("diary/views/today.py", "dose", "key"): "a template variable",
    ("diary/views/today.py", "stopped", "key"): "a template variable",
    ("programs/views/ending.py", "running", "key"): "a template variable",
    ("programs/views/plan.py", "skipped", "key"): "a template variable",
}


def _strings(node):
    """The string constants of `node`, or of the tuple, list or set it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def _named_collections(tree: ast.Module) -> dict[str, ast.expr]:
    """The module's `NAME = (...)` (or `[...]`, `{...}`, `frozenset(...)`) by name."""
    named = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if isinstance(value, ast.Call) and value.args and not value.keywords:
            value = value.args[0]  # frozenset((...)), tuple([...])
        if isinstance(value, ast.Tuple | ast.List | ast.Set):
            named |= {t.id: value for t in targets if isinstance(t, ast.Name)}
    return named


def _state_slugs(path: Path):
    """(line, slug, use) of each state slug written out in `path` where it is compared (`==`,
    `in (...)`, `in NAME` with NAME a collection of the module, `case`) or used as a dict key;
    other strings (URL names, CSS classes, form fields) are not looked at."""
    tree = ast.parse(path.read_text())
    named = _named_collections(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            operands += [named[o.id] for o in operands if isinstance(o, ast.Name) and o.id in named]
            uses = [(s, "compared") for o in operands for s in _strings(o)]
        elif isinstance(node, ast.MatchValue):
            uses = [(s, "compared") for s in _strings(node.value)]
        elif isinstance(node, ast.Dict):
            uses = [(s, "key") for k in node.keys if k is not None for s in _strings(k)]
        else:
            continue
        for string, use in uses:
            if string.value in STATE_SLUGS:
                yield string.lineno, string.value, use


def test_no_phase_kind_or_status_slug_is_compared_as_a_string_in_python_code():
    found = []
    for name, path in _python_code():
        for line, slug, use in _state_slugs(path):
            if (name, slug, use) not in NOT_A_STATE:
                found.append(f"{name}:{line} {slug!r} {use}")
    assert found == [], "use vocabulary.Phase, TodayKind, BaselineStatus or ChallengeStatus"
