"""What to leave out and what to eat instead: the catalogue's examples and swap ideas."""

import json

import pytest

from foods.models import Food, FoodGroup, Protocol
from foods.selectors import leave_out_guide
from foods.services import CATALOGUE_PATH, CatalogueError, read_catalogue

pytestmark = pytest.mark.django_db


def test_every_group_has_examples_of_its_own_foods_and_swaps_outside_it(catalogue):
    for group in FoodGroup.objects.all():
        assert 3 <= len(group.examples) <= 5, group.slug
        assert len(group.swaps) >= 4, group.slug
        for name in group.examples:
            assert group in Food.objects.get(name=name).groups.all(), (group.slug, name)
        for name in group.swaps:
            assert group not in Food.objects.get(name=name).groups.all(), (group.slug, name)


def test_swaps_held_by_another_eliminated_group_are_left_out(catalogue):
    # Potato replaces bread on a low-FODMAP diet, not on one that also leaves out nightshades.
    anti = Protocol.objects.get(slug="anti-inflammatory").groups_in_order()
    fodmap = Protocol.objects.get(slug="low-fodmap").groups_in_order()
    gluten = next(g for g in leave_out_guide(anti) if g.group.slug == "gluten")
    assert "Potato" not in gluten.swaps and "Tamari" not in gluten.swaps
    assert "White rice" in gluten.swaps and "Bagel" not in gluten.swaps
    assert gluten.examples[:2] == ["White bread", "Pasta"]
    wheat_fructans = next(g for g in leave_out_guide(fodmap) if g.group.slug == "fructans_wheat")
    assert "Gluten-free bread" in wheat_fructans.swaps
    for guide in leave_out_guide(anti):
        eliminated = {g.slug for g in anti}
        for name in guide.swaps:
            groups = set(Food.objects.get(name=name).groups.values_list("slug", flat=True))
            assert not groups & eliminated, (guide.group.slug, name)


def test_the_guide_costs_one_query(catalogue, django_assert_num_queries):
    groups = Protocol.objects.get(slug="anti-inflammatory").groups_in_order()
    with django_assert_num_queries(1):
        leave_out_guide(groups)


@pytest.mark.parametrize(
    "key, name, message",
    [
        ("examples", "Rice cakes", "'Rice cakes' is not in the group"),
        ("swaps", "Pasta", "'Pasta' is in the group"),
        ("swaps", "Moon cheese", "'Moon cheese' is not a food"),
    ],
)
def test_a_catalogue_with_a_wrong_example_or_swap_is_refused(tmp_path, key, name, message):
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    gluten = next(g for g in data["food_groups"] if g["slug"] == "gluten")
    gluten[key] = [*gluten[key], name]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        read_catalogue(path)
