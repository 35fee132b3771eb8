"""The page benchmark's WSGI application: the site with `page_urls` (the one-line view added),
and a request header `X-Bench-Fresh: 1` that empties the cache and deletes the PDFs drawn
before, so a PDF is drawn instead of served as drawn. Only `tests/benchmarks/page_server.py`
serves it."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dietplanner.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "tests.benchmarks.page_urls"

from django.core.cache import cache  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

site = get_wsgi_application()


def application(environ, start_response):
    if environ.get("HTTP_X_BENCH_FRESH") == "1":
        from dietplanner.clinic.models import ReportPdf

        cache.clear()
        ReportPdf.objects.all().delete()
    return site(environ, start_response)
