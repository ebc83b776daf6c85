"""Per-address rate limits for public forms and lookups (cache-backed: Redis in production, a file cache in the
embedded default)."""
from django.core.cache import cache

from .middleware import client_ip


def hit(key, *, limit, window):
    """Count one attempt under ``key``; True when the attempt is allowed, False when over ``limit`` in ``window`` s."""
    cache_key = f"rl:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window)
        return True
    return count <= limit


def peek(key, *, limit):
    return (cache.get(f"rl:{key}") or 0) >= limit


def allow_request(request, scope, *, limit, window):
    return hit(f"{scope}:{client_ip(request)}", limit=limit, window=window)


def is_blocked(request, scope, *, limit):
    return peek(f"{scope}:{client_ip(request)}", limit=limit)


MESSAGE = "操作过于频繁，请稍后再试。"
