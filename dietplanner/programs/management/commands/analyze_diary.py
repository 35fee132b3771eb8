"""Analyse `dietplanner-diary` files without touching the database.

    python manage.py analyze_diary a.json b.json --format json

Every file is read and analysed even when another fails; the exit status is 1 when any file
could not be read, was not valid JSON or failed validation.
"""

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand

from dietplanner.analysis.exchange import DiaryFormatError, parse_json
from dietplanner.analysis.verdicts import analyze_document

CHALLENGE_KEYS = (
    "food_group",
    "started_on",
    "verdict",
    "probability",
    "prior",
    "symptoms",
    "excluded_days",
    "reasons",
)


def analyze_file(path: str) -> dict:
    """`{"file", "challenges"}` for a good file, `{"file", "error"}` for a bad one.

    `error` joins every path-named problem with "; ". A failure inside the analysis itself is
    reported for that file too, so one odd diary never stops the batch.
    """
    try:
        results = analyze_document(parse_json(Path(path).read_bytes()))
    except OSError as exc:
        return _failed(path, [f"cannot read the file: {exc.strerror or exc}"])
    except DiaryFormatError as exc:
        return _failed(path, exc.errors)
    except Exception as exc:  # noqa: BLE001 - reported per file, the batch goes on
        return _failed(path, [f"analysis failed: {type(exc).__name__}: {exc}"])
    challenges = []
    for result in results:
        data = result.to_dict()
        challenges.append({key: data[key] for key in CHALLENGE_KEYS})
    return {"file": path, "challenges": challenges}


def _failed(path: str, errors: list[str]) -> dict:
    # `_errors` keeps the messages apart for the text table; it is not printed in JSON.
    return {"file": path, "error": "; ".join(errors), "_errors": list(errors)}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(reports: list[dict]) -> str:
    header = ("File", "Food group", "Started", "Verdict", "Trigger chance", "Top reason")
    rows = []
    for report in reports:
        if "error" in report:
            continue
        if not report["challenges"]:
            rows.append((report["file"], "-", "-", "no challenge started", "", ""))
        for c in report["challenges"]:
            reason = c["reasons"][0] if c["reasons"] else ""
            rows.append(
                (
                    report["file"],
                    c["food_group"],
                    c["started_on"],
                    c["verdict"],
                    f"{c['probability']:.0%}",
                    _clip(reason, 80),
                )
            )
    lines = []
    if rows:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]

        def line(row):
            cells = [str(cell).ljust(w) for cell, w in zip(row, widths, strict=False)]
            return "  ".join([*cells, str(row[-1])]).rstrip()

        lines.append(line(header))
        lines.append(line(tuple("-" * w for w in widths) + ("-" * len(header[-1]),)))
        lines.extend(line(row) for row in rows)
    errors = [r for r in reports if "error" in r]
    if errors:
        if lines:
            lines.append("")
        lines.append(f"Errors ({len(errors)} file{'s' if len(errors) != 1 else ''}):")
        for report in errors:
            lines.append(f"  {report['file']}:")
            for message in report["_errors"]:
                lines.append(f"    - {message}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Analyse dietplanner-diary JSON files (no database needed) and print the verdicts."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="diary files to analyse")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="processes to analyse files in (default: one per CPU; 1 for none)",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        jobs = min(options["jobs"] or os.cpu_count() or 1, len(paths))
        if jobs > 1:
            # The analysis is pure Python and CPU-bound: separate processes use every core.
            # map() keeps the order of the files given.
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                reports = list(
                    pool.map(analyze_file, paths, chunksize=max(1, len(paths) // (jobs * 4)))
                )
        else:
            reports = [analyze_file(path) for path in paths]
        if options["format"] == "json":
            public = [{k: v for k, v in r.items() if k != "_errors"} for r in reports]
            self.stdout.write(json.dumps(public, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_text(reports))
        if any("error" in r for r in reports):
            self.stdout.flush()
            sys.exit(1)
