"""The site's URLs plus the one-line view the page benchmark measures every page against.

Only the benchmark's server (`page_wsgi`) loads this module: the one-line view is never part
of the site itself."""

from django.http import HttpResponse
from django.urls import include, path

from dietplanner import urls as site

handler404 = site.handler404
handler500 = site.handler500


def one_line(request):
    return HttpResponse("ok")


urlpatterns = [
    # Behind every middleware (session, log-in, two-step, CSP...), as the pages are.
    path("bench/one-line/", one_line, name="bench-one-line"),
    path("", include(site)),
]
