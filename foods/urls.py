from django.urls import path

from . import views

app_name = "foods"

# /foods/
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]
