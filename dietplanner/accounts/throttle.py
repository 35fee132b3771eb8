"""Who is asking and how often: the client's address behind our proxies, and one shared limiter.

Both the log-in lockout (django-axes, through `AXES_CLIENT_IP_CALLABLE`) and the throttled forms
read the address here, so they always agree on who a client is. The limiter counts in Django's
cache: Redis in production (`REDIS_URL`), so every worker and machine shares the same counts.
"""

import hashlib
import ipaddress
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    """The address the client connected from, read through `TRUSTED_PROXY_COUNT` proxies.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    with N proxies in front of us the client's own address is the N-th entry from the right.
    Entries further left were written by the client and are never believed. With no trusted
    proxy (the default) it is REMOTE_ADDR, whatever the headers say.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a key, not a bind)
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # The request did not come through all our proxies: only the connection is known.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def login_username(request, credentials=None) -> str:
    """The e-mail a log-in attempt is for, as accounts store it: `Pat@X` and `pat@x ` are one
    account, so changing case cannot dodge the lockout (and a password reset can lift it)."""
    source = credentials if credentials else request.POST
    return str(source.get(settings.AXES_USERNAME_FORM_FIELD, "") or "").strip().lower()


def throttle_hit(scope: str, *identities: str) -> int:
    """Count one attempt in `scope` for each identity; seconds to wait when one is over, else 0.

    A fixed window per identity: the counter lives in the cache until the window ends.
    Identities are hashed, so the cache never holds an e-mail address or an IP in clear.
    """
    limit, seconds = settings.THROTTLE_RATES[scope]
    now = time.time()
    window = int(now // seconds)
    wait = 0
    for identity in identities:
        digest = hashlib.sha256(f"{scope}|{identity}".encode()).hexdigest()[:32]
        key = f"throttle:{scope}:{digest}:{window}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            hits = cache.incr(key)
        except ValueError:  # evicted between add and incr: count from here
            cache.set(key, 1, timeout=seconds + 1)
            hits = 1
        if hits > limit:
            wait = max(wait, math.ceil((window + 1) * seconds - now))
    return wait


def throttled_response(request, wait_seconds: int):
    """The page a throttled client sees (429, with Retry-After)."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    response = render(request, "accounts/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def throttle(scope: str, *, methods=("POST",), fields=()):
    """Limit a view: each request by one of `methods` counts for the client's address, for the
    logged-in user, and for each of the posted `fields` (e.g. the e-mail a reset is asked for)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                identities = [f"ip:{client_address(request)}"]
                if request.user.is_authenticated:
                    identities.append(f"user:{request.user.pk}")
                for field in fields:
                    value = str(request.POST.get(field, "")).strip().lower()
                    if value:
                        identities.append(f"{field}:{value}")
                wait = throttle_hit(scope, *identities)
                if wait:
                    return throttled_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
