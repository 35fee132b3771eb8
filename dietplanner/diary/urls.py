from django.urls import path

from .views import history, today

app_name = "diary"

# /  (the patient's daily pages)
urlpatterns = [
    path("today/", today.today, name="today"),
    path("today/check-in/", today.checkin, name="checkin"),
    path("today/reaction/", today.reaction, name="reaction"),
    path("today/start/", today.start_challenge, name="start-challenge"),
    path("today/start/undo/", today.undo_start, name="undo-start"),
    path("today/stop/", today.stop, name="stop"),
    path("today/start-anyway/", today.start_anyway, name="start-anyway"),
    path("diary/", history.diary, name="diary"),
]
