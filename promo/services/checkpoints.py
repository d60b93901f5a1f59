"""Named points in the redeem transaction where a crash test may stop the process.

Production installs nothing, so `reached` does nothing. The crash tests' injector (it kills or
pauses a worker at a chosen point) lives with the tests, in tests/support/promo_faults.py, and installs
itself in the workers they start. Production refuses to start while the injector's variable is
set (shop/security.py asks `requested`), so a stray setting can never arm it there.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping

ENABLED_VAR = "PROMOSHOP_FAULT_INJECTION"

_hook: Callable[[str], None] | None = None


def install(hook: Callable[[str], None] | None) -> None:
    """Call `hook(name)` at every checkpoint from now on (None: do nothing again)."""
    global _hook
    _hook = hook


def reached(name: str) -> None:
    if _hook is not None:
        _hook(name)


def requested(env: Mapping[str, str] = os.environ) -> bool:
    """Is the crash tests' variable set (to anything)? Production refuses to start then."""
    return bool((env.get(ENABLED_VAR) or "").strip())
