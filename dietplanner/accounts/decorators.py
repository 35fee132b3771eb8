from functools import wraps

from django.http import Http404


def role_required(role: str):
    """Only users of this role may use the view; anyone else gets a 404 (ids leak nothing)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request.user, "role", None) != role:
                raise Http404("Page not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
