"""`{% nav_links %}`: the navigation links (`_nav_links.html`), drawn once per page.

The base template shows the same links twice, in the phone menu and in the wide-screen bar;
the second place reuses the first drawing of the same request (the same user, page and CSRF
token), instead of drawing the links and reversing their addresses again.
"""

from django import template

register = template.Library()
TEMPLATE = "_nav_links.html"


@register.simple_tag(takes_context=True)
def nav_links(context) -> str:
    request = context.get("request")
    drawn = getattr(request, "_nav_links_drawn", None)
    if drawn is None:
        # a template's drawing is already safe HTML, escaped where it needed to be
        drawn = context.template.engine.get_template(TEMPLATE).render(context)
        if request is not None:
            request._nav_links_drawn = drawn
    return drawn
