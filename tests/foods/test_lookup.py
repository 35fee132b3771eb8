import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("foods:lookup")


def names(response) -> list[str]:
    return [r.food.name for r in response.context["lookup"].results]


def test_lookup_needs_login(client):
    assert client.get(URL).status_code == 302


def test_empty_lookup_says_what_to_do(patient_client, catalogue):
    response = patient_client.get(URL)
    assert response.status_code == 200
    assert b"Start typing a food name" in response.content


@pytest.mark.parametrize("query", ["creme fraiche", "CRÈME FRAÎCHE", "  creme   fraiche "])
def test_lookup_is_case_and_accent_insensitive(patient_client, catalogue, query):
    response = patient_client.get(URL, {"q": query})
    assert "Crème fraîche" in names(response)


def test_lookup_matches_synonyms(patient_client, catalogue):
    assert "Courgette" in names(patient_client.get(URL, {"q": "zucchini"})) or "Zucchini" in names(
        patient_client.get(URL, {"q": "courgette"})
    )


def test_result_shows_groups_and_the_protocols_that_eliminate_it(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "soy sauce"})
    result = response.context["lookup"].results[0]
    assert result.food.name.lower() == "soy sauce"
    assert {"soy", "wheat", "gluten"} <= {g.slug for g in result.groups}
    assert {"anti-inflammatory", "six-food"} <= {p.slug for p in result.eliminated_by}
    assert b"Left out by:" in response.content


def test_a_food_no_protocol_eliminates_is_allowed(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "rice"})
    rice = next(
        r for r in response.context["lookup"].results if r.food.name.lower().startswith("rice")
    )
    assert rice.eliminated_by == []
    assert b"Allowed" in response.content


def test_exact_and_prefix_matches_come_first(patient_client, catalogue):
    assert names(patient_client.get(URL, {"q": "milk"}))[0] == "Milk"


def test_no_match_says_what_to_try(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "zzqqxx"})
    assert b"No food matches" in response.content and b"Try a shorter" in response.content


def test_an_absurdly_long_query_is_answered_calmly(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "milk " * 2000})
    assert response.status_code == 200
    assert b"limited to 100 characters" in response.content


def test_htmx_request_gets_only_the_results(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "milk"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Milk" in html


def test_plain_request_gets_the_whole_page(dietitian_client, catalogue):
    html = dietitian_client.get(URL, {"q": "milk"}).content.decode()
    assert "<html" in html and 'value="milk"' in html


def test_lookup_costs_a_fixed_number_of_queries(
    patient_client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        patient_client.get(URL, {"q": "a"})


def card_of(response, name: str) -> str:
    cards = response.content.decode().split('<li class="card')
    return next(c for c in cards if f">{name}</h2>" in c)


def test_a_food_with_a_portion_limit_is_not_called_allowed_on_every_diet(patient_client, catalogue):
    card = card_of(patient_client.get(URL, {"q": "avocado"}), "Avocado")
    assert "Watch the portion" in card and "60 g" in card
    assert "Allowed</span> on every diet" not in card


def test_the_lookup_says_a_nuts_result_does_not_cover_peanuts(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "peanuts"})
    assert "covers tree nuts only" in response.content.decode()
    response = patient_client.get(URL, {"q": "walnuts"})
    assert "covers tree nuts only" not in response.content.decode()


# --- misspellings: "Did you mean" (trigram similarity on PostgreSQL, difflib elsewhere) -----------


@pytest.mark.parametrize(
    ("query", "closest"),
    [("brocoli", "Broccoli"), ("brokoli", "Broccoli"), ("peanut buter", "Peanut butter")],
)
def test_a_misspelling_suggests_the_closest_name_first(patient_client, catalogue, query, closest):
    response = patient_client.get(URL, {"q": query})

    lookup = response.context["lookup"]
    assert lookup.results == []
    assert lookup.suggestions[0] == closest
    html = response.content.decode()
    assert "Did you mean:" in html
    assert f'href="{URL}?q={closest.replace(" ", "%20")}"' in html


def test_a_plural_misspelt_suggests_the_food(patient_client, catalogue):
    suggestions = patient_client.get(URL, {"q": "tomatos"}).context["lookup"].suggestions

    assert "Tomato" in suggestions
    assert len(suggestions) <= 5


def test_a_name_with_an_extra_letter_still_finds_the_food(patient_client, catalogue):
    assert "Tomato" in names(patient_client.get(URL, {"q": "tomatoe"}))


def test_a_suggestion_found_is_a_lookup_that_finds_the_food(patient_client, catalogue):
    closest = patient_client.get(URL, {"q": "brocoli"}).context["lookup"].suggestions[0]

    assert "Broccoli" in names(patient_client.get(URL, {"q": closest}))


def test_gibberish_suggests_nothing(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "zzqqxx"})

    assert response.context["lookup"].suggestions == []
    assert b"Did you mean" not in response.content


def test_the_htmx_answer_carries_the_suggestions_too(patient_client, catalogue):
    response = patient_client.get(URL, {"q": "brocoli"}, HTTP_HX_REQUEST="true")

    assert b"Did you mean:" in response.content and b"<html" not in response.content
