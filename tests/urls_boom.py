from django.urls import path

from dietplanner.urls import urlpatterns as real_urlpatterns


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


handler500 = "dietplanner.views.server_error"
urlpatterns = [path("boom/", boom), *real_urlpatterns]
