"""The report as PDF: WeasyPrint, allowed to read nothing but the app's own static files.

The report holds text patients and dietitians typed; were any of it ever to reach the HTML as
markup, an image or stylesheet URL must not make the server fetch from the network or read a
local file. So the fetcher answers only for STATIC_URL paths on our own base URL (and inline
`data:` URLs, which fetch nothing), and refuses everything else.

Drawing is the slow part (about a second), so a PDF is cached under a digest of its HTML and
CSS: any change to what the report shows (a check-in, a verdict, a note, the date) changes the
markup and so the key, and a cached PDF is never stale. Only someone who could render the same
markup (who may see the report) can ask for its key.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than one of our static files."""


def static_file_path(url: str, base_url: str) -> Path:
    """The file on disk an own-static URL names; RefusedURL for any other URL."""
    parts, base = urlsplit(url), urlsplit(base_url)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise RefusedURL(f"not one of our static files: {url}")
    path = unquote(parts.path)
    if not path.startswith(static_prefix) or ".." in path.split("/"):
        raise RefusedURL(f"not one of our static files: {url}")
    name = path[len(static_prefix) :]
    collected = Path(staticfiles_storage.path(name)) if settings.STATIC_ROOT else None
    found = collected if collected and collected.is_file() else finders.find(name)
    candidate = Path(found) if found else Path("/nonexistent")
    if not candidate.is_file():
        raise RefusedURL(f"no such static file: {url}")
    return candidate


def url_fetcher_for(base_url: str):
    """A WeasyPrint url_fetcher that serves our static files and refuses everything else."""
    from weasyprint import default_url_fetcher

    def fetch(url: str, *args, **kwargs):
        if url.startswith("data:"):
            return default_url_fetcher(url, *args, **kwargs)
        path = static_file_path(url, base_url)
        return {"string": path.read_bytes(), "filename": path.name}

    return fetch


PDF_CACHE_SECONDS = 60 * 60


def render_pdf(html: str, css: str, base_url: str) -> bytes:
    """The PDF of `html` styled by `css`, from the cache when the same markup was drawn lately."""
    digest = hashlib.sha256("\0".join((html, css, base_url)).encode()).hexdigest()
    key = f"report-pdf:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = draw_pdf(html, css, base_url)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def draw_pdf(html: str, css: str, base_url: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    fetcher = url_fetcher_for(base_url)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher)]
    )
