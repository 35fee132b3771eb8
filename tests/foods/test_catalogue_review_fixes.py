"""The catalogue fixes of the clinical review (section 2): each change has its own test."""

import json
import re

import pytest

from foods.models import Food, FoodGroup
from foods.portions import METRIC, US, rung_text
from foods.services import CATALOGUE_PATH, CatalogueError, read_catalogue

pytestmark = pytest.mark.django_db

METRIC_AMOUNT = re.compile(r"\d+(\.\d+)? (g|ml)\b")


def groups_of(name: str) -> set[str]:
    return set(Food.objects.get(name=name).groups.values_list("slug", flat=True))


def test_every_ladder_portion_gives_grams_or_millilitres_in_both_measures(catalogue):
    for group in FoodGroup.objects.all():
        assert len(group.portions) == 3, group.slug
        for measures in (US, METRIC):
            for text in group.ladder_in(measures):
                assert METRIC_AMOUNT.search(text), (group.slug, text)


def test_metric_users_read_the_millilitres_first_and_us_users_the_cup():
    rung = {"measure": "1/4 cup", "of": "milk", "amount": 60, "unit": "ml"}
    assert rung_text(rung, US) == "1/4 cup of milk (60 ml)"
    assert rung_text(rung, METRIC) == "60 ml of milk (1/4 cup)"
    assert rung_text({"count": "5 almonds", "amount": 6, "unit": "g"}, METRIC) == (
        "5 almonds (about 6 g)"
    )


def test_the_engine_ladder_keeps_us_measures_first_with_the_metric_amount(catalogue):
    assert FoodGroup.objects.get(slug="dairy").ladder[0] == "1/4 cup of milk (60 ml)"


def test_avocado_is_no_longer_a_sorbitol_food_nor_its_test_food(catalogue):
    sorbitol = FoodGroup.objects.get(slug="sorbitol")
    assert "sorbitol" not in groups_of("Avocado")
    assert not any("avocado" in f.lower() for f in sorbitol.challenge_foods)
    assert not any("avocado" in step.lower() for step in sorbitol.ladder)
    assert "perseitol" in Food.objects.get(name="Avocado").fodmap_note
    assert "60 g" in Food.objects.get(name="Avocado").portion_limit


def test_guacamole_keeps_its_other_groups_but_not_sorbitol(catalogue):
    assert groups_of("Guacamole") == {"citrus", "fructans_onion", "nightshades"}


@pytest.mark.parametrize("slug", ["fructose", "fructans_wheat"])
def test_the_first_dose_is_above_the_low_fodmap_serve(catalogue, slug):
    group = FoodGroup.objects.get(slug=slug)
    assert group.low_serve["unit"] == group.portions[0]["unit"]
    assert group.portions[0]["amount"] > group.low_serve["amount"]


def test_honey_doses_are_the_published_test_amounts(catalogue):
    assert [r["amount"] for r in FoodGroup.objects.get(slug="fructose").portions] == [10, 14, 28]


def test_gluten_is_tested_with_a_low_fructan_source_not_bread(catalogue):
    gluten = FoodGroup.objects.get(slug="gluten")
    assert all("bread" not in step for step in gluten.ladder)
    assert all("vital wheat gluten" in step for step in gluten.ladder)
    # The test food itself carries gluten but no wheat fructans.
    assert groups_of("Seitan") == {"gluten", "wheat"}


def test_sourdough_counts_as_wheat_fructans_as_its_note_says(catalogue):
    assert "fructans_wheat" in groups_of("Sourdough bread")


def test_goats_milk_no_longer_answers_for_sheeps_milk(catalogue):
    assert "sheep's milk" not in Food.objects.get(name="Goat's milk").synonyms
    assert groups_of("Sheep's milk") == {"dairy", "lactose"}


def test_worcestershire_sauce_and_crab_sticks_carry_their_hidden_sugar_and_polyol(catalogue):
    assert "added_sugar" in groups_of("Worcestershire sauce")
    assert {"added_sugar", "sorbitol"} <= groups_of("Crab sticks")


@pytest.mark.parametrize(
    "query, name",
    [
        ("artichoke", "Globe artichoke"),
        ("jerusalem artichoke", "Jerusalem artichoke"),
        ("inulin", "Chicory root and inulin"),
        ("chicory", "Chicory root and inulin"),
        ("medjool dates", "Dates"),
        ("sultanas", "Raisins"),
        ("sugar snap peas", "Sugar snap peas"),
        ("brussels sprouts", "Brussels sprouts"),
    ],
)
def test_common_high_fodmap_foods_are_found(catalogue, query, name):
    assert name in [f.name for f in Food.objects.matching(query)]


def test_the_new_high_fodmap_foods_are_never_free_on_every_diet(catalogue):
    for name in ["Globe artichoke", "Jerusalem artichoke", "Chicory root and inulin", "Dates"]:
        food = Food.objects.get(name=name)
        assert food.groups.exists() or food.portion_limit, name
    assert {"fructose", "mannitol"} <= groups_of("Sugar snap peas")


def test_foods_with_a_portion_limit_in_their_note_carry_the_limit(catalogue):
    for name in ["Banana", "Courgette", "Pineapple", "Porridge oats", "Amaranth", "Avocado"]:
        assert Food.objects.get(name=name).portion_limit, name


def test_peanuts_are_apart_from_tree_nuts_and_shellfish_apart_from_fish(catalogue):
    nuts = FoodGroup.objects.get(slug="nuts")
    fish = FoodGroup.objects.get(slug="fish_shellfish")
    shellfish = FoodGroup.objects.get(slug="shellfish")
    assert nuts.covers(Food.objects.get(name="Walnuts").kinds)
    assert not nuts.covers(Food.objects.get(name="Peanuts").kinds)
    assert not nuts.covers(Food.objects.get(name="Mixed nuts").kinds)
    assert fish.covers(Food.objects.get(name="Salmon").kinds)
    assert not fish.covers(Food.objects.get(name="Prawns").kinds)
    assert not fish.covers(Food.objects.get(name="Mussels").kinds)
    assert shellfish.covers(Food.objects.get(name="Crab").kinds)
    assert not shellfish.covers(Food.objects.get(name="Oysters").kinds)
    # The tested food of each mixed group is of its tested kind.
    assert not any("peanut" in f.lower() for f in nuts.challenge_foods)


def test_every_food_of_a_mixed_group_says_its_kind(catalogue):
    for group in FoodGroup.objects.exclude(kinds=[]):
        for food in group.foods.all():
            assert set(food.kinds) & {k["slug"] for k in group.kinds}, (group.slug, food.name)


def test_a_ladder_portion_without_an_amount_is_refused(tmp_path):
    data = json.loads(CATALOGUE_PATH.read_text())
    data["food_groups"][0]["ladder"][0] = {"measure": "1 cup", "of": "milk", "unit": "ml"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CatalogueError, match=r"ladder\[0\]: 'amount'"):
        read_catalogue(path)


def test_a_food_kind_its_groups_do_not_have_is_refused(tmp_path):
    data = json.loads(CATALOGUE_PATH.read_text())
    milk = next(f for f in data["foods"] if f["name"] == "Milk")
    milk["kinds"] = ["peanuts"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CatalogueError, match="not a kind of its groups"):
        read_catalogue(path)
