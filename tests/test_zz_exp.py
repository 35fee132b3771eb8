import copy, time, statistics
import pytest
from django.db.models import Prefetch
from dietplanner.programs.models import Dose, Challenge
from dietplanner.programs.record import shown_program
from dietplanner.programs import record as R
from foods.models import FoodGroup
from tests.benchmarks.page_data import patient_with_program, pinned_time

pytestmark = pytest.mark.django_db

def med(f, n=200):
    ts=[]
    for _ in range(n):
        s=time.perf_counter(); f(); ts.append(time.perf_counter()-s)
    return statistics.median(ts)*1000

@pytest.mark.usefixtures("catalogue")
def test_exp():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 365)
        program = shown_program(patient)
        def load():
            ch = program.challenges.select_related("food_group", "endoscopy").prefetch_related(Prefetch("doses", queryset=Dose.objects.order_by("date")))
            return list(ch.order_by("position"))
        cs = load()
        def fg():
            return FoodGroup.objects.in_bulk([c.food_group_id for c in cs])
        def cp():
            out=[]
            for c in cs:
                n = copy.copy(c)
                out.append(n)
                for d in c.doses.all(): copy.copy(d)
            return out
        print("\nload", med(load), "fg", med(fg), "copy", med(cp), "shown", med(lambda: shown_program(patient)), "ndoses", sum(len(c.doses.all()) for c in cs))
