"""API calls that validate codes are limited per API key (per IP without a key), after the key
is authenticated, so nobody can spend another client's budget by sending a made-up key."""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from shop.api.framework.auth import ApiKeyInfo
from shop.api.framework.problems import ApiError
from shop.web.rate_limits import API_VALIDATION_ENDPOINTS, api_call_blocked

Authenticate = Callable[[str], ApiKeyInfo | None]


def rate_limited(authenticate: Authenticate) -> Authenticate:
    def authenticate_then_count(scope: str) -> ApiKeyInfo | None:
        info = authenticate(scope)
        if request.endpoint in API_VALIDATION_ENDPOINTS:
            blocked = api_call_blocked(info.prefix if info is not None else None)
            if blocked is not None:
                raise ApiError(429, "rate_limited", blocked.message, {"retry_after": blocked.retry_after},
                               headers=blocked.headers)
        return info

    return authenticate_then_count
