from django.urls import path

from .views import ending, longterm, plan, rechallenge

# /clinic/clients/<patient_id>/plan/  (a client's plan and the dietitian's edits)
PREFIX = "clients/<uuid:patient_id>/plan/"
ONE = PREFIX + "challenges/<uuid:challenge_id>/"

urlpatterns = [
    path(PREFIX, plan.plan, name="plan"),
    path(PREFIX + "extend-baseline/", plan.extend, name="plan-extend"),
    path(PREFIX + "add/", plan.add, name="plan-add"),
    path(PREFIX + "end/", ending.end, name="plan-end"),
    path(ONE + "move/", plan.move, name="plan-move"),
    path(ONE + "skip/", plan.skip, name="plan-skip"),
    path(ONE + "put-back/", plan.unskip, name="plan-unskip"),
    path(ONE + "days/", plan.days, name="plan-days"),
    path(ONE + "rechallenge/", rechallenge.rechallenge, name="plan-rechallenge"),
    path(ONE + "blinded-rechallenge/", rechallenge.blinded, name="plan-blinded"),
    # /clinic/clients/<patient_id>/long-term-plan/  (after the tests: free, limit, avoid, retest)
    path("clients/<uuid:patient_id>/long-term-plan/", longterm.long_term, name="long-term"),
    path(
        "clients/<uuid:patient_id>/long-term-plan/<slug:group_slug>/",
        longterm.long_term_change,
        name="long-term-change",
    ),
]
