"""The dietitian's client list: linked patients, where they are, and what needs attention."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from crispy_forms.utils import render_crispy_form
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import AccessRecord, User
from dietplanner.accounts.selectors import access_records_for_listing

from ..forms import ClientFilterForm
from ..selectors import (
    FLAGS,
    PHASES,
    SORTS,
    client_page,
    client_rows,
    filter_and_sort,
    summary_page,
    summary_roster,
)

CLIENTS_PER_PAGE = 25
_ANY_ID = uuid.UUID(int=0)
COLUMNS = [
    ("name", "Name"),
    ("phase", "Phase and day"),
    ("checkin", "Last check-in"),
    ("adherence", "Adherence"),
    ("flags", "Needs attention"),
]


@lru_cache(maxsize=256)
def filter_form(search: str, flag: str, phase: str, sort: str) -> str:
    """The filter form's HTML for these values, drawn once per process: it depends on nothing
    else (a GET form, no token), and drawing it took as long as a one-line page."""
    # Unbound: an unknown value just falls back to "any", it is not an error to show.
    form = ClientFilterForm(initial={"q": search, "flag": flag, "phase": phase, "sort": sort})
    return render_crispy_form(form)


@lru_cache(maxsize=512)
def flag_cell(flags: tuple[str, ...], report_url: str) -> str:
    """The "Needs attention" cell of a row with these flags, drawn once per process for each
    set of flags: it depends on nothing else (the report's address only for an urgent flag,
    whose label links to the client's reactions)."""
    labels = [(slug, FLAGS[slug]) for slug in flags]
    return get_template("clinic/clients.html#flag-cell").render(
        {"flag_labels": labels, "report_url": report_url}
    )


@dataclass(frozen=True, slots=True)
class ShownRow:
    """What a row of the table shows, and nothing else."""

    report_url: str
    name: str
    place: str
    last_checkin: date | None
    checkin_words: str
    adherence_words: str
    off_plan_days: int
    off_plan_words: str
    flag_cell: str
    protocol: str


@lru_cache(maxsize=2048)
def client_row(row: ShownRow) -> str:
    """A row of the table, drawn once per process for the same values: it depends on nothing
    else, and drawing the page's 25 rows took a third of the page's template."""
    return get_template("clinic/clients.html#client-row").render({"row": row})


@login_required
@role_required(User.Role.DIETITIAN)
@require_GET
def clients(request):
    htmx: HtmxDetails = request.htmx
    flag = request.GET.get("flag", "")
    phase = request.GET.get("phase", "")
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    search = " ".join(request.GET.get("q", "").split())[:100]
    roster = summary_roster(request.user, search=search, flag=flag, phase=phase)
    total = roster.total
    if roster.current:
        # Each client's stored line: filtered, sorted and paged in the database.
        page = summary_page(
            request.user,
            search=search,
            flag=flag,
            phase=phase,
            sort=sort,
            page=request.GET.get("page"),
            per_page=CLIENTS_PER_PAGE,
            count=roster.matching,
        )
    elif flag in FLAGS or phase in PHASES or sort.lstrip("-") != "name":
        # A line not stored yet, or of another day (the minute trigger has not run since
        # the client's midnight): every client's row is built, as right as ever, slower.
        rows = client_rows(request.user, search=search)
        shown = filter_and_sort(rows, flag=flag, phase=phase, sort=sort)
        page = Paginator(shown, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        # By name the database pages the list: only the shown clients' rows are built.
        page = client_page(
            request.user,
            search=search,
            descending=sort.startswith("-"),
            page=request.GET.get("page"),
            per_page=CLIENTS_PER_PAGE,
        )
    columns = [
        {
            "key": key,
            "label": label,
            "sorted": sort.lstrip("-") == key,
            "descending": sort == f"-{key}",
            "next": f"-{key}" if sort == key else key,
        }
        for key, label in COLUMNS
    ]
    context = {
        "total": total,
        "search": search,
        "page": page,
        "shown": page.paginator.count,
        "filter_form": filter_form(search, flag, phase, sort),
        "columns": columns,
        "sort": sort,
        "flag_label": FLAGS.get(flag, ""),
        "phase_label": PHASES.get(phase, ""),
    }
    # The report's address, worked out once for the page (as `{% url %}` would for each row).
    address = reverse("clinic:report", args=[_ANY_ID])
    for row in page.object_list:
        row.report_url = address.replace(str(_ANY_ID), str(row.patient.public_id))
        row.html = client_row(
            ShownRow(
                report_url=row.report_url,
                name=row.name,
                place=row.place,
                last_checkin=row.last_checkin,
                checkin_words=row.checkin_words,
                adherence_words=row.adherence_words,
                off_plan_days=row.off_plan_days,
                off_plan_words=row.off_plan_words,
                flag_cell=flag_cell(row.flags, row.report_url if "urgent" in row.flags else ""),
                protocol=row.protocol,
            )
        )
    access_records_for_listing(
        viewer=request.user,
        patients=[row.patient for row in page.object_list],
        what=AccessRecord.What.CLIENT_LIST,
    )
    template = "clinic/clients.html"
    if htmx and not htmx.boosted:
        template += "#client-table"
    return render(request, template, context)
