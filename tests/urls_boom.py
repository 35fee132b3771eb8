from django.db import OperationalError
from django.urls import path

from dietplanner.urls import urlpatterns as real_urlpatterns


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


class SessionLost:
    """A middleware that loses the database before any view runs (as loading a session does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/session-lost/":
            raise OperationalError("server closed the connection unexpectedly")
        return self.get_response(request)


handler500 = "dietplanner.views.server_error"
urlpatterns = [
    path("boom/", boom),
    path("database-gone/", database_gone),
    path("session-lost/", boom),
    *real_urlpatterns,
]
