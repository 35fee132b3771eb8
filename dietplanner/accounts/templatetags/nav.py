"""The parts of the base template drawn once per process.

`{% head_assets %}`: every page's style sheets, icon and scripts (`_head_assets.html`): their
addresses are the static files' (`{% static %}`), fixed for the life of the process.

`{% nav_links %}`: the navigation links (`_nav_links.html`), drawn once per process for each
kind of reader and page.

The base template shows the same links twice, in the phone menu and in the wide-screen bar;
both places, on every page, show the same drawing for the same reader (signed in or not, as a
patient or a dietitian, with the second login step done or pending), the same page and the
same name on the log-out button. So the links are drawn once per process for those values,
with a placeholder where the log-out form's CSRF token goes, and each page puts its own token
in (escaped, as `{% csrf_token %}` would).
"""

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()
TEMPLATE = "_nav_links.html"
_CSRF_SLOT = "\x00nav-csrf\x00"  # never in a page: replaced before the drawing is shown
_drawings: dict[tuple, str] = {}  # key -> drawing, a few dozen at most (emptied past 64)


ASSETS = "_head_assets.html"
_assets: list[str] = []  # the drawing, once drawn


@register.simple_tag(takes_context=True)
def head_assets(context) -> str:
    if not _assets:
        _assets.append(context.template.engine.get_template(ASSETS).render(context))
    return mark_safe(_assets[0])  # noqa: S308 - a template's drawing, of constant addresses


@register.simple_tag(takes_context=True)
def nav_links(context) -> str:
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    key = (
        signed_in,
        user.role if signed_in else None,
        user.full_name if signed_in else None,
        bool(getattr(request, "second_step_pending", False)),
        getattr(getattr(request, "resolver_match", None), "view_name", None),
        get_script_prefix(),
        get_urlconf(),
    )

    drawing = _drawings.get(key)
    if drawing is None:
        with context.push(csrf_token=_CSRF_SLOT):
            drawing = context.template.engine.get_template(TEMPLATE).render(context)
        if len(_drawings) >= 64:
            _drawings.clear()
        _drawings[key] = drawing
    # the page's own token (the same the page's other forms show)
    token = escape(str(context.get("csrf_token", ""))) if _CSRF_SLOT in drawing else ""
    # the drawing is a template's, escaped where it needed to be; the token escaped above
    return mark_safe(drawing.replace(_CSRF_SLOT, token))  # noqa: S308
