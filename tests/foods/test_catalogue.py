import json

import pytest
from django.core.management import CommandError, call_command

from dietplanner.analysis import vocabulary
from foods.models import Confounder, Food, FoodGroup, Protocol, Symptom
from foods.services import CATALOGUE_PATH, catalogue_load

pytestmark = pytest.mark.django_db


def test_every_slug_of_the_domain_is_in_the_catalogue(catalogue):
    assert set(Symptom.objects.values_list("slug", flat=True)) == set(vocabulary.SYMPTOMS)
    assert set(Confounder.objects.values_list("slug", flat=True)) == set(vocabulary.CONFOUNDERS)
    assert set(FoodGroup.objects.values_list("slug", flat=True)) == set(vocabulary.FOOD_GROUPS)
    assert set(Protocol.objects.values_list("slug", flat=True)) == set(vocabulary.PROTOCOLS)


@pytest.mark.parametrize(
    "slug, days, low, high, groups",
    [
        (
            "anti-inflammatory",
            21,
            14,
            42,
            {
                "gluten",
                "dairy",
                "eggs",
                "soy",
                "corn",
                "nightshades",
                "citrus",
                "nuts",
                "shellfish",
                "added_sugar",
                "alcohol",
                "caffeine",
                "additives",
            },
        ),
        (
            "low-fodmap",
            28,
            14,
            42,
            {
                "lactose",
                "fructose",
                "sorbitol",
                "mannitol",
                "fructans_wheat",
                "fructans_garlic",
                "fructans_onion",
                "gos",
            },
        ),
        ("six-food", 42, 42, 56, {"dairy", "wheat", "eggs", "soy", "nuts", "fish_shellfish"}),
    ],
)
def test_protocols_match_the_clinic_table(catalogue, slug, days, low, high, groups):
    protocol = Protocol.objects.get(slug=slug)
    assert (protocol.baseline_days, protocol.baseline_min, protocol.baseline_max) == (
        days,
        low,
        high,
    )
    assert {g.slug for g in protocol.groups_in_order()} == groups
    assert (protocol.dose_days, protocol.washout_days) == (3, 3)
    assert protocol.default_symptoms


def test_anti_inflammatory_and_low_fodmap_default_symptoms(catalogue):
    assert Protocol.objects.get(slug="anti-inflammatory").default_symptoms == [
        "pain",
        "fatigue",
        "sleep",
        "brain_fog",
        "stiffness",
    ]
    assert set(Protocol.objects.get(slug="low-fodmap").default_symptoms) == {
        "bloating",
        "abdominal_pain",
        "bowel",
        "fatigue",
        "pain",
    }


def test_each_group_has_challenge_foods_and_a_three_step_ladder(catalogue):
    for group in FoodGroup.objects.all():
        assert 2 <= len(group.challenge_foods) <= 4, group.slug
        assert len(group.ladder) == 3, group.slug
        assert group.foods.count() >= 2, group.slug


def test_at_least_250_foods_and_plenty_that_no_protocol_eliminates(catalogue):
    assert Food.objects.count() >= 250
    eliminated = FoodGroup.objects.filter(protocols__isnull=False)
    allowed = Food.objects.exclude(groups__in=eliminated).distinct().count()
    assert allowed >= 60


def test_foods_belong_to_every_group_they_contain(catalogue):
    def groups(name):
        return set(Food.objects.get(name__iexact=name).groups.values_list("slug", flat=True))

    assert {"soy", "wheat", "gluten"} <= groups("soy sauce")
    assert {"dairy", "lactose"} <= groups("milk")
    assert "nightshades" in groups("tomato")


def test_loading_twice_changes_nothing():
    before = (Food.objects.count(), FoodGroup.objects.count(), Protocol.objects.count())
    report = catalogue_load()
    assert report.created == {} and report.updated == {}
    assert (Food.objects.count(), FoodGroup.objects.count(), Protocol.objects.count()) == before


def test_loading_updates_by_slug(tmp_path):
    data = json.loads(CATALOGUE_PATH.read_text())
    dairy = next(g for g in data["food_groups"] if g["slug"] == "dairy")
    dairy["name"] = "Milk products"
    data["protocols"][0]["eliminated_groups"].reverse()
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data))
    report = catalogue_load(path=path)
    assert report.updated == {"food groups": 1, "protocols": 1}
    assert FoodGroup.objects.get(slug="dairy").name == "Milk products"
    first = Protocol.objects.get(slug=data["protocols"][0]["slug"]).groups_in_order()[0]
    assert first.slug == data["protocols"][0]["eliminated_groups"][0]


def test_a_catalogue_with_an_unknown_slug_is_refused_and_nothing_changes(tmp_path):
    data = json.loads(CATALOGUE_PATH.read_text())
    data["foods"][0]["groups"] = ["diary"]
    data["foods"][1]["note"] = "changed"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="unknown group 'diary'"):
        call_command("load_catalogue", path=str(path))
    assert Food.objects.get(name=data["foods"][1]["name"]).note != "changed"


def test_load_catalogue_command_reports(capsys):
    call_command("load_catalogue")
    assert "Catalogue loaded" in capsys.readouterr().out
