"""Loading the shipped food catalogue into the database."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from dietplanner.analysis import vocabulary

from . import portions
from .models import Confounder, Food, FoodGroup, Protocol, ProtocolGroup, Symptom

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message says where."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = ["symptoms", "confounders", "food groups", "protocols", "foods"]
        parts = []
        for kind in kinds:
            c, u, n = (
                self.created.get(kind, 0),
                self.updated.get(kind, 0),
                self.unchanged.get(kind, 0),
            )
            parts.append(f"{kind}: {c} created, {u} updated, {n} unchanged")
        return "; ".join(parts)


def read_catalogue(path: Path = CATALOGUE_PATH) -> dict:
    """Parse and check the catalogue file against the clinic's slugs; raises CatalogueError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    _expect_slugs(data, "symptoms", vocabulary.SYMPTOMS)
    _expect_slugs(data, "confounders", vocabulary.CONFOUNDERS)
    _expect_slugs(data, "food_groups", vocabulary.FOOD_GROUPS)
    _expect_slugs(data, "protocols", vocabulary.PROTOCOLS)
    groups = set(vocabulary.FOOD_GROUPS)
    for i, group in enumerate(data["food_groups"]):
        if len(group.get("ladder", [])) != 3:
            raise CatalogueError(f"food_groups[{i}].ladder: needs exactly 3 portions")
        if not 2 <= len(group.get("challenge_foods", [])) <= 4:
            raise CatalogueError(f"food_groups[{i}].challenge_foods: needs 2 to 4 foods")
        for step, rung in enumerate(group["ladder"]):
            problem = portions.rung_problem(rung)
            if problem:
                raise CatalogueError(f"food_groups[{i}].ladder[{step}]: {problem}")
        kind_slugs = {k.get("slug") for k in group.get("kinds", [])}
        if group.get("kinds") and not any(k.get("tested") for k in group["kinds"]):
            raise CatalogueError(f"food_groups[{i}].kinds: one kind must be the tested one")
        group["_kind_slugs"] = kind_slugs
    _check_overlaps(data["food_groups"])
    for i, protocol in enumerate(data["protocols"]):
        for slug in protocol.get("eliminated_groups", []):
            if slug not in groups:
                raise CatalogueError(f"protocols[{i}].eliminated_groups: unknown group {slug!r}")
        for slug in protocol.get("default_symptoms", []):
            if slug not in vocabulary.SYMPTOMS:
                raise CatalogueError(f"protocols[{i}].default_symptoms: unknown symptom {slug!r}")
    seen: set[str] = set()
    for i, food in enumerate(data.get("foods", [])):
        name = food.get("name", "").strip()
        if not name or name.casefold() in seen:
            raise CatalogueError(f"foods[{i}].name: missing or duplicate {name!r}")
        seen.add(name.casefold())
        for slug in food.get("groups", []):
            if slug not in groups:
                raise CatalogueError(f"foods[{i}].groups: unknown group {slug!r}")
        known_kinds = set().union(
            *(g["_kind_slugs"] for g in data["food_groups"] if g["slug"] in food.get("groups", []))
        )
        for kind in food.get("kinds", []):
            if kind not in known_kinds:
                raise CatalogueError(f"foods[{i}].kinds: {kind!r} is not a kind of its groups")
    _check_examples_and_swaps(data)
    for group in data["food_groups"]:
        del group["_kind_slugs"]
    return data


def _check_examples_and_swaps(data: dict) -> None:
    """Examples are foods of their group; swaps are catalogue foods outside it."""
    groups_of = {f["name"]: set(f.get("groups", [])) for f in data.get("foods", [])}
    for i, group in enumerate(data["food_groups"]):
        for key, inside in (("examples", True), ("swaps", False)):
            for name in group.get(key, []):
                if name not in groups_of:
                    raise CatalogueError(f"food_groups[{i}].{key}: {name!r} is not a food")
                if (group["slug"] in groups_of[name]) != inside:
                    where = "is not in" if inside else "is in"
                    raise CatalogueError(f"food_groups[{i}].{key}: {name!r} {where} the group")


def _check_overlaps(food_groups: list[dict]) -> None:
    """Overlaps name known groups, never the group itself, and go both ways."""
    declared = {g["slug"]: set(g.get("overlaps", [])) for g in food_groups}
    for i, group in enumerate(food_groups):
        for slug in group.get("overlaps", []):
            if slug not in declared or slug == group["slug"]:
                raise CatalogueError(f"food_groups[{i}].overlaps: {slug!r} is not another group")
            if group["slug"] not in declared[slug]:
                raise CatalogueError(
                    f"food_groups[{i}].overlaps: {slug!r} must list {group['slug']!r} too"
                )


def _expect_slugs(data: dict, key: str, expected: tuple[str, ...]) -> None:
    found = [item.get("slug") for item in data.get(key, [])]
    missing = [s for s in expected if s not in found]
    unknown = [s for s in found if s not in expected]
    if missing or unknown:
        raise CatalogueError(f"{key}: missing {missing}, unknown {unknown}")


def _sync(report: LoadReport, kind: str, obj, values: dict) -> bool:
    """Copy values onto obj; returns True when something changed (obj is then saved)."""
    if obj.pk is None:
        for attr, value in values.items():
            setattr(obj, attr, value)
        obj.save()
        report.count(kind, "created")
        return True
    changed = [attr for attr, value in values.items() if getattr(obj, attr) != value]
    for attr in changed:
        setattr(obj, attr, values[attr])
    if changed:
        obj.save()
        report.count(kind, "updated")
    else:
        report.count(kind, "unchanged")
    return bool(changed)


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_PATH) -> LoadReport:
    """Create or update symptoms, confounders, groups and protocols by slug, foods by name.

    Idempotent: a second run changes nothing. Rows absent from the file are left alone, since
    programs may refer to them.
    """
    data = read_catalogue(path)
    report = LoadReport()

    symptoms = {s.slug: s for s in Symptom.objects.all()}
    for pos, item in enumerate(data["symptoms"]):
        obj = symptoms.get(item["slug"]) or Symptom(slug=item["slug"])
        _sync(
            report,
            "symptoms",
            obj,
            {"name": item["name"], "help": item.get("help", ""), "position": pos},
        )

    confounders = {c.slug: c for c in Confounder.objects.all()}
    for pos, item in enumerate(data["confounders"]):
        obj = confounders.get(item["slug"]) or Confounder(slug=item["slug"])
        _sync(report, "confounders", obj, {"name": item["name"], "position": pos})

    groups = {g.slug: g for g in FoodGroup.objects.all()}
    for pos, item in enumerate(data["food_groups"]):
        obj = groups.get(item["slug"]) or FoodGroup(slug=item["slug"])
        values = {
            "name": item["name"],
            "description": item.get("description", ""),
            "challenge_foods": list(item["challenge_foods"]),
            "ladder": list(portions.ladder_texts(item["ladder"], portions.US)),
            "portions": [r for r in item["ladder"] if isinstance(r, dict)],
            "low_serve": dict(item.get("low_serve", {})),
            "kinds": list(item.get("kinds", [])),
            "overlaps": list(item.get("overlaps", [])),
            "examples": list(item.get("examples", [])),
            "swaps": list(item.get("swaps", [])),
            "position": pos,
        }
        _sync(report, "food groups", obj, values)
        groups[obj.slug] = obj

    protocols = {p.slug: p for p in Protocol.objects.prefetch_related("protocol_groups__group")}
    for pos, item in enumerate(data["protocols"]):
        obj = protocols.get(item["slug"]) or Protocol(slug=item["slug"])
        values = {
            "name": item["name"],
            "summary": item.get("summary", ""),
            "description": item.get("description", ""),
            "baseline_days": item["baseline_days"],
            "baseline_min": item["baseline_min"],
            "baseline_max": item["baseline_max"],
            "dose_days": item.get("dose_days", 3),
            "washout_days": item.get("washout_days", 3),
            "default_symptoms": list(item.get("default_symptoms", [])),
            "assessed_by_endoscopy": bool(item.get("assessed_by_endoscopy", False)),
            "position": pos,
        }
        changed = _sync(report, "protocols", obj, values)
        wanted = list(item.get("eliminated_groups", []))
        current = [pg.group.slug for pg in obj.protocol_groups.all()] if not changed else None
        if current != wanted:
            obj.protocol_groups.all().delete()
            ProtocolGroup.objects.bulk_create(
                ProtocolGroup(protocol=obj, group=groups[slug], position=i)
                for i, slug in enumerate(wanted)
            )
            if not changed and report.unchanged.get("protocols"):
                report.unchanged["protocols"] -= 1
                report.count("protocols", "updated")

    foods = {f.name: f for f in Food.objects.prefetch_related("groups")}
    for item in data.get("foods", []):
        obj = foods.get(item["name"]) or Food(name=item["name"])
        is_new = obj.pk is None
        values = {
            "synonyms": list(item.get("synonyms", [])),
            "note": item.get("note", ""),
            "fodmap_note": item.get("fodmap_note", ""),
            "portion_limit": item.get("portion_limit", ""),
            "kinds": list(item.get("kinds", [])),
        }
        changed = _sync(report, "foods", obj, values)
        wanted = sorted(item.get("groups", []))
        current = [] if is_new else sorted(g.slug for g in obj.groups.all())
        if current != wanted:
            obj.groups.set([groups[slug] for slug in wanted])
            if not changed:
                report.unchanged["foods"] -= 1
                report.count("foods", "updated")
    return report
