"""Pages for a logged-in user hold their data (or a patient's): no cache may keep a copy."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every answer to a logged-in user.

    A shared computer's browser cache, a proxy or the back button must not show a diary after
    log-out. Answers that already forbid storing keep their own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
