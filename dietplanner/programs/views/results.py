"""The patient's results page: one card per started challenge, read from the verdict cache.

The running test (or, when none runs, the latest) is shown in full; earlier ones are folded into
a short line each, newest first, whose full card opens on demand at its own address (htmx swaps
it in place), so the page a patient opens daily stays small however many foods they tested.

Verdicts come from `Challenge.verdict*` (refreshed by `programs.verdicts` on every save), so
the page never runs the analysis and costs the same few queries whatever the diary's length.
A blinded challenge shows neither its group nor its verdict until it is finished, and never
which portions were real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dietplanner import charts
from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.analysis.wording import (
    MEANINGFUL_RULE,
    chance_words,
    finding_words,
    symptom_name,
    why_text,
)
from foods.models import Symptom

from ..drawn import cards, drawn, rendered
from ..endoscopy import PENDING_SUMMARY, judged_by_endoscopy, outcome_sentence
from ..models import Challenge
from ..record import ProgramRecord, load_record, shown_program
from ..visibility import shown_result

BLINDED_LABEL = "Blinded test"
CONTEXT_DAYS = 7  # days before the window drawn on a card's chart, to show the usual level
_ONE_DAY = timedelta(days=1)

# verdict slug -> (Bootstrap colour, icon, short sentence); the label is Challenge.Verdict's.
# The sentences say what was seen after the food, never that the food caused it.
VERDICT_LOOK = {
    Challenge.Verdict.TRIGGER: (
        "danger",
        "⚠",
        "Your symptoms were clearly higher in the days after this food.",
    ),
    Challenge.Verdict.POSSIBLE: (
        "warning",
        "?",
        "Your symptoms were a little higher after this food: worth testing again.",
    ),
    Challenge.Verdict.TOLERATED: ("success", "✓", "No clear rise in the days after this food."),
    Challenge.Verdict.INCONCLUSIVE: (
        "secondary",
        "↻",
        "Too little usable data to say: repeat this test.",
    ),
    Challenge.Verdict.ENDOSCOPY: ("info", "…", PENDING_SUMMARY),
}
TOO_EARLY_SUMMARY = "This test has only just begun: keep checking in."
RISE_RULE = MEANINGFUL_RULE[0].upper() + MEANINGFUL_RULE[1:] + "."


def how_sure(probability: float) -> str:
    """The card's "How sure" sentence (`wording.chance_words`, capitalised)."""
    words = chance_words(probability)
    return words[0].upper() + words[1:] + "."


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    symptom: str
    usual: float | None
    spread: float | None
    window: float | None
    change: float | None
    finding: str


@dataclass(frozen=True, slots=True)
class ExcludedRow:
    day: date
    why: str


@dataclass
class ResultCard:
    """One started challenge as the results page shows it."""

    challenge: Challenge
    label: str
    hidden: bool  # a blinded test still running: nothing about its result is shown
    verdict: str
    verdict_label: str
    colour: str
    icon: str
    summary: str
    probability: float | None  # the chance the food is a trigger (hidden: None)
    sureness: str  # that chance in words
    complete: bool
    window_start: date | None
    window_end: date | None
    evidence: list[EvidenceRow]
    excluded: list[ExcludedRow]
    reasons: list[str]
    red_flag: bool
    by_endoscopy: bool = False  # the reasons and evidence are context, not the result
    figure: charts.SymptomFigure | None = None
    chart_html: str = ""  # the figure with its table (`diary/_chart.html`), drawn once


@dataclass(frozen=True, slots=True, kw_only=True)
class FoldLine:
    """A folded card's line (`_result_fold.html`): plain values only, as the page renders
    each line once per process by its value (`drawn.rendered`)."""

    challenge_id: UUID
    label: str
    first_dose_day: date
    verdict_label: str
    colour: str
    icon: str
    red_flag: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CardView:
    """A card in full as `_result_card.html` shows it: plain values only, as the page renders
    each card once per process by its value (`drawn.rendered`)."""

    key: str  # the challenge's public id, hex
    label: str
    first_dose_day: date
    stop_day: date | None
    interrupted: bool  # stopped for illness, travel or choice, not a reaction
    stop_cause: str
    stop_notes: tuple[str, ...]
    red_flag: bool
    hidden: bool
    verdict: str
    verdict_label: str
    colour: str
    icon: str
    summary: str
    sureness: str
    complete: bool
    window_end: date | None
    reasons: tuple[str, ...]
    by_endoscopy: bool
    evidence: tuple[EvidenceRow, ...]
    excluded: tuple[ExcludedRow, ...]
    chart_html: str
    rise_rule: str = RISE_RULE
    focus: bool = False  # swapped in by htmx: app.js moves the focus to its heading


def card_view(card: ResultCard, *, focus: bool = False) -> CardView:
    challenge = card.challenge
    return CardView(
        key=challenge.public_id.hex,
        label=card.label,
        first_dose_day=challenge.first_dose_day,
        stop_day=challenge.stop_day,
        interrupted=challenge.interrupted,
        stop_cause=str(challenge.get_stop_cause_display()),
        stop_notes=tuple(challenge.stop_notes),
        red_flag=card.red_flag,
        hidden=card.hidden,
        verdict=card.verdict,
        verdict_label=card.verdict_label,
        colour=card.colour,
        icon=card.icon,
        summary=card.summary,
        sureness=card.sureness,
        complete=card.complete,
        window_end=card.window_end,
        reasons=tuple(card.reasons),
        by_endoscopy=card.by_endoscopy,
        evidence=tuple(card.evidence),
        excluded=tuple(card.excluded),
        chart_html=card.chart_html,
        focus=focus,
    )


def card_html(card: ResultCard, *, focus: bool = False) -> str:
    """The card in full (`_result_card.html`), rendered once per process per value."""
    view = card_view(card, focus=focus)
    return rendered("programs/_result_card.html", "card", view, kept=cards)


def fold_line(card: ResultCard) -> FoldLine:
    return FoldLine(
        challenge_id=card.challenge.public_id,
        label=card.label,
        first_dose_day=card.challenge.first_dose_day,
        verdict_label=card.verdict_label,
        colour=card.colour,
        icon=card.icon,
        red_flag=card.red_flag,
    )


@dataclass(frozen=True, slots=True)
class MenuSummary:
    """The five-second summary at the top of the results page: food group names per line."""

    back: list[str]
    keep_out: list[str]
    test_again: list[str]
    testing: list[str]

    def __bool__(self) -> bool:
        return bool(self.back or self.keep_out or self.test_again or self.testing)


def menu_summary(cards: list[ResultCard]) -> MenuSummary:
    """Each tested group once, by its latest test: tolerated back on the menu, triggers kept
    out for now, possible and inconclusive worth testing again; tests still running (or
    blinded and unfinished, or without a final reading) still being tested."""
    latest: dict[str, ResultCard] = {}
    for card in cards:  # in test order: a re-test replaces the earlier reading
        latest[card.label if card.hidden else card.challenge.food_group.name] = card
    summary = MenuSummary([], [], [], [])
    for name, card in latest.items():
        if card.verdict == Challenge.Verdict.ENDOSCOPY:
            summary.testing.append(f"{name} (at your next endoscopy)")
        elif card.hidden or not card.verdict or not card.complete:
            summary.testing.append(name)
        elif card.verdict == Challenge.Verdict.TRIGGER and card.by_endoscopy:
            summary.keep_out.append(name)
        elif card.verdict == Challenge.Verdict.TOLERATED:
            summary.back.append(name)
        elif card.verdict == Challenge.Verdict.TRIGGER:
            summary.keep_out.append(f"{name} (ask about a smaller amount)")
        else:
            summary.test_again.append(name)
    return summary


def _label(challenge: Challenge) -> str:
    return BLINDED_LABEL if shown_result(challenge).hidden else challenge.food_group.name


def _iso(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _card(challenge: Challenge, names: dict[str, str] | None) -> ResultCard:
    """The card of `challenge`; with `names` None, only what its folded line and the summary
    read (no evidence, days left out nor reasons)."""
    shown = shown_result(challenge)
    hidden, detail, verdict = shown.hidden, shown.detail, shown.verdict
    colour, icon, summary = VERDICT_LOOK.get(verdict, ("secondary", "…", ""))
    by_endoscopy = judged_by_endoscopy(detail)
    if by_endoscopy and verdict != "endoscopy":
        summary = outcome_sentence(detail)
    if shown.too_early:
        icon, summary = "…", TOO_EARLY_SUMMARY
    window = detail.get("window") or {}
    probability = shown.probability
    details = detail if names is not None else {}
    return ResultCard(
        challenge=challenge,
        label=_label(challenge),
        hidden=hidden,
        verdict=verdict,
        verdict_label=shown.verdict_label,
        colour=colour,
        icon=icon,
        summary=summary,
        probability=probability,
        sureness=how_sure(probability) if probability is not None else "",
        complete=bool(detail.get("complete", True)),
        window_start=_iso(window.get("start")),
        window_end=_iso(window.get("end")),
        evidence=[
            EvidenceRow(
                symptom=names.get(s["symptom"]) or symptom_name(s["symptom"]),
                usual=s.get("reference_level"),
                spread=s.get("reference_spread"),
                window=s.get("window_level"),
                change=s.get("change"),
                finding=finding_words(s).capitalize(),
            )
            for s in details.get("symptoms", ())
        ],
        excluded=[
            ExcludedRow(day=date.fromisoformat(d["date"]), why=why_text(tuple(d["why"])))
            for d in details.get("excluded_days", ())
        ],
        reasons=list(details.get("reasons", ())),
        red_flag=bool(challenge.red_flags) or challenge.no_home_retest,
        by_endoscopy=by_endoscopy,
    )


def _slice(card: ResultCard, last_day: date) -> tuple[date, date] | None:
    """The days a card's chart covers: a week before its window to the window's end."""
    first = card.window_start or card.challenge.first_dose_day
    if first is None:
        return None
    end = min(card.window_end or first, last_day)
    return first - CONTEXT_DAYS * _ONE_DAY, max(end, first)


def _figures(record: ProgramRecord, cards: list[ResultCard], challenges, names) -> None:
    """Each visible card's slice of the symptom chart, from the record's entries, drawn once
    per process for the same scores, phases and readings (`drawn`)."""
    program = record.program
    spans = {id(card): _slice(card, record.today) for card in cards if not card.hidden}
    spans = {k: v for k, v in spans.items() if v is not None}
    if not spans:
        return
    first = min(s[0] for s in spans.values())
    last = max(s[1] for s in spans.values())
    rows = [(e.date, e.scores) for e in record.entries if first <= e.date <= last]
    phases = record.phases(names={str(c.public_id): _label(c) for c in challenges})
    for card in cards:
        span = spans.get(id(card))
        if span is None:
            continue
        start, end = span
        series: dict[str, list[tuple[date, int]]] = {}
        for slug in program.symptoms:
            label = names.get(slug) or symptom_name(slug)
            series[label] = [
                (day, int(scores[slug]))
                for day, scores in rows
                if start <= day <= end and scores and scores.get(slug) is not None
            ]
        reference = {
            row.symptom: (max(0.0, row.usual - row.spread), min(10.0, row.usual + row.spread))
            for row in card.evidence
            if row.usual is not None and row.spread is not None
        }
        markers = [
            charts.Marker(day=row.day, label=f"Left out: {row.why}")
            for row in card.excluded
            if start <= row.day <= end
        ]
        drawing = drawn(
            start=start,
            end=end,
            series=series,
            phases=phases,
            reference=reference,
            markers=markers,
            markers_label="Day left out of the reading (see the table)",
            title=(
                f"{card.label}: your scores, {charts.fmt_date(start)} to {charts.fmt_date(end)}"
            ),
            chart_id=f"result-{card.challenge.public_id.hex[:12]}",
        )
        card.figure, card.chart_html = drawing.figure, drawing.html


def shown_in_full(cards: list[ResultCard]) -> list[ResultCard]:
    """The cards the results page opens: every test still running or still provisional, or,
    when none is, the latest test. The others are folded (their card opens on demand)."""
    running = [c for c in cards if not c.challenge.is_finished or not c.complete]
    return running or cards[-1:]


def _started(record: ProgramRecord) -> list[Challenge]:
    """The record's started challenges, in the order they started."""
    started = [
        c for c in record.challenges if c.status in Challenge.STARTED_STATUSES and c.first_dose_day
    ]
    return sorted(started, key=lambda c: (c.first_dose_day, c.position))


def _record(request, program) -> ProgramRecord:
    return load_record(
        program,
        today=request.user.local_today(),
        measures=request.user.measures,
        with_doses=False,  # the cards read the verdict cache
    )


def _symptom_names(program) -> dict[str, str]:
    return dict(Symptom.objects.filter(slug__in=program.symptoms).values_list("slug", "name"))


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def results(request):
    program = shown_program(request.user)
    context: dict = {"program": program, "cards": []}
    if program is None:
        return render(request, "programs/results.html", context)
    record = _record(request, program)
    challenges = _started(record)
    if challenges:
        cards = [_card(c, None) for c in challenges]  # lines: the evidence of full cards only
        names = _symptom_names(program)
        full = [_card(card.challenge, names) for card in shown_in_full(cards)]
        _figures(record, full, challenges, names)
        context["cards"] = cards
        context["full_cards"] = [card_html(card) for card in full]
        opened = {card.challenge.pk for card in full}
        context["folded_lines"] = [
            rendered("programs/_result_fold.html", "line", fold_line(c))
            for c in reversed(cards)
            if c.challenge.pk not in opened
        ]
        context["summary"] = menu_summary(cards)
        context["rise_rule"] = RISE_RULE
    return render(request, "programs/results.html", context)


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def result_card(request, challenge_id):
    """One result card in full: a page of its own, or (htmx) the card alone, swapped in place
    of its folded line on the results page."""
    program = shown_program(request.user)
    if program is None:
        raise Http404
    record = _record(request, program)
    challenges = _started(record)
    card_of = next((c for c in challenges if c.public_id == challenge_id), None)
    if card_of is None:
        raise Http404
    names = _symptom_names(program)
    card = _card(card_of, names)
    _figures(record, [card], challenges, names)
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(card_html(card, focus=True))
    context = {"program": program, "label": card.label, "card_html": card_html(card)}
    return render(request, "programs/result_card.html", context)
