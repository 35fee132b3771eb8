"""One client's report: the program in a sentence, its chart, verdicts, adherence, notes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dietplanner import charts
from dietplanner.accounts.selectors import link_for_dietitian
from dietplanner.prepared import Prepared
from dietplanner.programs.intake import current_screening, screening_summary
from dietplanner.programs.models import ReactionAlert
from dietplanner.programs.record import shown_program

from ..forms import NoteForm, ScreeningClearForm
from ..forms_reactions import ReactionClearForm
from ..report import (
    PAGE_TABLE_DAYS,
    PAGE_TABLE_FOLD_FROM,
    attention_flags,
    client_report,
    fragment,
    load_program_data,
    long_term_lines,
    long_term_rows,
    protocol_groups,
)
from ..selectors import FLAGS, REVIEWABLE_FLAGS, notes_for
from ..services import report_open


def report_context(request, patient, *, note_form=None) -> dict:
    """What the report page and its PDF show (a fixed number of queries)."""
    today = patient.local_today()
    program = shown_program(patient)
    report = data = None
    long_term = []
    if program is not None:
        data = load_program_data(patient, program, today)
        # what the health answers and the flags read of the diet (does it leave out gluten)
        program.protocol.groups = protocol_groups(data)
        report = client_report(data, today)
        long_term = long_term_lines(data)
    action = reverse("clinic:note-add", args=[patient.public_id])
    health = screening_summary(current_screening(patient), program)
    return {
        "reactions": reaction_rows(patient),
        "health": health,
        "health_rows": fragment("clinic/_health_rows.html", "rows", health.rows) if health else "",
        "clear_form": ScreeningClearForm(
            action=reverse("clinic:screening-clear", args=[patient.public_id]),
            initial={"screening": health.screening.public_id},
        )
        if health and health.needs_clearance
        else None,
        "patient": patient,
        "program": program,
        "report": report,
        "long_term": long_term,
        "long_term_rows": long_term_rows(long_term),
        "today": today,
        "notes": notes_for(author=request.user, patient=patient),
        "note_form": note_form or NoteForm(action=action, htmx=True, initial={"written_on": today}),
        "program_data": data,
    }


def report_attention(link, context: dict) -> dict:
    """The "Needs attention" section's context: the client's flags worked out from what the
    report read (`attention_flags`: one query, the link's flag reviews). `link` is the one
    the report was opened through, read with its patient (`link_for_dietitian`)."""
    flags = attention_flags(
        link,
        today=context["today"],
        data=context["program_data"],
        screening=context["health"].screening if context["health"] else None,
        alerts=[row["alert"] for row in context["reactions"]],
    )
    return {
        "attention": [(slug, FLAGS[slug]) for slug in flags],
        "reviewable": REVIEWABLE_FLAGS,
        "reviewed_label": "",
    }


def reaction_rows(patient) -> list[dict]:
    """The client's allergic reactions, newest first, each with its clearance form while it
    still pauses home tests (one query)."""
    rows = []
    for alert in _REACTIONS.all(patient_id=patient.pk):
        alert.patient = patient
        args = [patient.public_id, alert.public_id]
        rows.append(
            {
                "alert": alert,
                "acknowledge_url": reverse("clinic:reaction-acknowledge", args=args),
                "clear_form": None
                if alert.is_cleared
                else ReactionClearForm(
                    alert=alert, action=reverse("clinic:reaction-clear", args=args)
                ),
            }
        )
    return rows


_REACTIONS = Prepared(
    lambda patient_id: ReactionAlert.objects.filter(patient_id=patient_id).select_related(
        "food_group"
    ),
    patient_id=int,
)


@login_required
@require_GET
def report(request, patient_id):
    link = report_open(link=link_for_dietitian(request.user, patient_id))
    patient = link.patient
    context = report_context(request, patient)
    context |= report_attention(link, context)
    if report := context["report"]:
        # The daily table of a long program opens on its last weeks; ?days=all shows them all.
        every_day = request.GET.get("days") == "all"
        figure = report.page_figure(every_day=every_day)
        days = report.chart_days
        context |= {
            "figure": figure,
            "figure_rows": charts.table_rows(figure.table),
            "table_open": every_day,
            "table_days": days,
            "table_fold": ""
            if days <= PAGE_TABLE_FOLD_FROM
            else ("unfolded" if every_day else "folded"),
            "table_fold_days": PAGE_TABLE_DAYS,
        }
    context["report_head"] = fragment("clinic/_report_head.html", "head", ReportHead.of(context))
    return render(request, "clinic/report.html", context)


@dataclass(frozen=True)
class ReportHead:
    """The report's title and its links (plan, endoscopy, downloads, a new program): drawn
    once per process for these values (`fragment`), its nine addresses reversed once."""

    public_id: UUID
    full_name: str
    program: bool
    endoscopy: bool
    running: bool

    @classmethod
    def of(cls, context: dict) -> ReportHead:
        patient, program = context["patient"], context["program"]
        return cls(
            public_id=patient.public_id,
            full_name=patient.full_name,
            program=program is not None,
            endoscopy=program is not None and program.protocol.assessed_by_endoscopy,
            running=program is not None and program.is_active,
        )
