"""Reads of the catalogue shared by the lookup and later by programs."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Prefetch
from django.db.models.functions import Length

from .models import Food, FoodGroup, Protocol
from .text import fold

MAX_RESULTS = 30
# "Did you mean": at most this many names, each at least this close to the query (0-1). On
# PostgreSQL the closeness is pg_trgm's word similarity, elsewhere difflib's ratio; both
# thresholds let one or two letters be wrong, missing or extra in a word ("brocoli", "chese").
MAX_SUGGESTIONS = 5
TRIGRAM_MIN = 0.5
DIFFLIB_MIN = 0.75
SUGGESTION_SPREAD = 0.1


@dataclass(frozen=True)
class LookupResult:
    food: Food
    groups: list[FoodGroup]
    eliminated_by: list[Protocol]

    @property
    def uncovered(self) -> list[FoodGroup]:
        """Mixed groups whose tested food does not stand for this one (peanuts in `nuts`)."""
        return [g for g in self.groups if not g.covers(self.food.kinds)]


@dataclass(frozen=True)
class Lookup:
    query: str
    results: list[LookupResult]
    total: int
    # When nothing matches: the closest food names, closest first ("Did you mean ...").
    suggestions: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.results)


def food_lookup(query: str) -> Lookup:
    """Foods matching the query, best matches first (exact, then prefix, then the rest)."""
    folded = fold(query)
    if not folded:
        return Lookup(query=query, results=[], total=0)
    foods = list(
        Food.objects.matching(folded).prefetch_related(
            Prefetch(
                "groups",
                queryset=FoodGroup.objects.prefetch_related(
                    Prefetch("protocols", queryset=Protocol.objects.order_by("position"))
                ),
            )
        )
    )

    def rank(food: Food) -> tuple[int, str]:
        names = food.search_text.split(" | ")
        if folded in names:
            return (0, food.name.casefold())
        if any(n.startswith(folded) for n in names):
            return (1, food.name.casefold())
        if any(f" {folded}" in f" {n}" for n in names):
            return (2, food.name.casefold())
        return (3, food.name.casefold())

    if not foods:
        return Lookup(query=query, results=[], total=0, suggestions=closest_food_names(folded))
    foods.sort(key=rank)
    results = []
    for food in foods[:MAX_RESULTS]:
        groups = list(food.groups.all())
        protocols: dict[int, Protocol] = {}
        for group in groups:
            for protocol in group.protocols.all():
                protocols.setdefault(protocol.pk, protocol)
        ordered = sorted(protocols.values(), key=lambda p: (p.position, p.name))
        results.append(LookupResult(food=food, groups=groups, eliminated_by=ordered))
    return Lookup(query=query, results=results, total=len(foods))


def closest_food_names(folded: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The names of the foods closest to a folded query that matched nothing, closest first
    (then shortest): trigram word similarity on PostgreSQL (pg_trgm, enabled by a migration),
    difflib elsewhere. Only names nearly as close as the closest one are kept, so "brocoli"
    suggests broccoli alone rather than everything with a "b", "r" and "o"."""
    if len(folded) < 3:
        return []
    if connection.vendor == "postgresql":
        rows = (
            Food.objects.annotate(closeness=TrigramWordSimilarity(folded, "search_text"))
            .filter(closeness__gte=TRIGRAM_MIN)
            .order_by("-closeness", Length("name"), "name")
            .values_list("closeness", "name")[: limit * 4]
        )
        scored = list(rows)
    else:
        scored = [
            (closeness, name)
            for name, text in Food.objects.values_list("name", "search_text")
            if (closeness := _word_closeness(folded, text)) >= DIFFLIB_MIN
        ]
        scored.sort(key=lambda pair: (-pair[0], len(pair[1]), pair[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [name for closeness, name in scored if closeness >= best - SUGGESTION_SPREAD][:limit]


def _word_closeness(folded: str, search_text: str) -> float:
    """How close the query comes to any run of as many words in a food's names (0-1), so that
    "brocoli" is as close to "tenderstem broccoli" as to "broccoli"."""
    size = len(folded.split(" "))
    best = 0.0
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(folded)
    for name in search_text.split(" | "):
        words = name.split(" ")
        for start in range(max(1, len(words) - size + 1)):
            matcher.set_seq1(" ".join(words[start : start + size]))
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
    return best


@dataclass(frozen=True)
class GroupGuide:
    """One eliminated group explained: typical foods to leave out, ideas to eat instead."""

    group: FoodGroup
    examples: list[str]
    swaps: list[str]


def leave_out_guide(groups: list[FoodGroup]) -> list[GroupGuide]:
    """The catalogue's examples and swap ideas for each of a diet's eliminated `groups`.

    A swap that another eliminated group holds is left out (potato is no swap for bread on a
    diet without nightshades), so the ideas fit the patient's own diet. One query.
    """
    unique = list({g.slug: g for g in groups}.values())
    slugs = [g.slug for g in unique]
    wanted = {name for g in unique for name in g.swaps}
    blocked = set(
        Food.objects.filter(name__in=wanted, groups__slug__in=slugs).values_list("name", flat=True)
    )
    return [
        GroupGuide(
            group=g,
            examples=list(g.examples),
            swaps=[name for name in g.swaps if name not in blocked],
        )
        for g in unique
    ]
