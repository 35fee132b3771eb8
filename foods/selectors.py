"""Reads of the catalogue shared by the lookup and later by programs."""

from dataclasses import dataclass

from django.db.models import Prefetch

from .models import Food, FoodGroup, Protocol
from .text import fold

MAX_RESULTS = 30


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
