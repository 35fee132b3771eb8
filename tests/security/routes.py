"""The URL patterns of the whole site, found from the URL configuration itself."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern itself for an unnamed one
    pattern: str  # the full pattern, from the site root
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    """Every URL pattern in the URLconf (the admin's included), in URLconf order."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            pattern = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, pattern, inner)
            elif isinstance(p, URLPattern):
                key = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else pattern
                params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
                routes.append(Route(key, pattern, tuple(a or b for a, b in params)))

    walk(get_resolver().url_patterns, "", None)
    return routes


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def fill(route: Route, values: dict[str, str]) -> str:
    """The route's URL with each parameter replaced by its value."""
    path = _PARAM.sub(lambda m: str(values[m.group(1) or m.group(2)]), route.pattern)
    return "/" + path.replace("^", "").replace("$", "")


def admin_model(route: Route) -> str | None:
    """`app_label.model` for an admin page about one registered model, else None."""
    match = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
    return f"{match.group(1)}.{match.group(2)}" if match else None
