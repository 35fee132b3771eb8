from django.urls import path

from .views import ending, longterm, mydata, plan, results, screening, wizard

app_name = "programs"

# /program/
urlpatterns = [
    # the health questions: the wizard's first step, and changed later from the plan
    path("health/", screening.screening, name="screening"),
    # the start wizard: choose a diet, settings, summary and confirm
    path("start/", wizard.start, name="start"),
    path("start/settings/", wizard.start_settings, name="start-settings"),
    path("start/review/", wizard.start_review, name="start-review"),
    path("start/confirm/", wizard.start_confirm, name="start-confirm"),
    # the plan and its edits
    path("plan/", plan.plan, name="plan"),
    path("plan.ics", plan.ical, name="ical"),
    path("plan/reorder/", plan.reorder, name="reorder"),
    path("plan/extend-baseline/", plan.extend_baseline, name="extend-baseline"),
    path("plan/extend-baseline/undo/", plan.extend_baseline_undo, name="extend-baseline-undo"),
    path("plan/challenges/<uuid:challenge_id>/skip/", plan.skip, name="skip"),
    path("plan/challenges/<uuid:challenge_id>/put-back/", plan.unskip, name="unskip"),
    path("results/", results.results, name="results"),
    path("results/<uuid:challenge_id>/", results.result_card, name="result-card"),
    # ending early: back to usual eating (the history stays)
    path("end/", ending.end, name="end"),
    # after the tests: the long-term plan per food group and a printable summary
    path("long-term-plan/", longterm.long_term, name="long-term"),
    path("summary/", longterm.summary, name="summary"),
    # my data: download and upload the dietplanner-diary file
    path("my-data/", mydata.my_data, name="my-data"),
    path("my-data/diary.json", mydata.my_data_download, name="my-data-download"),
]
