"""Fault injection for crash tests: named points in critical code that can pause or kill the
process, and do nothing at all unless PROMOSHOP_FAULT_INJECTION=1 is set (tests only).

    PROMOSHOP_FAULT_INJECTION=1
    PROMOSHOP_FAULT_POINT=redeem.counters_taken   which point fires
    PROMOSHOP_FAULT_ACTION=kill | sleep:<seconds> what it does (kill = SIGKILL this process)
    PROMOSHOP_FAULT_RATE=0.25                     the share of passes that fire (default 1)

Never in production: the app refuses to start when PROMOSHOP_ENV=production and
PROMOSHOP_FAULT_INJECTION is set at all (shop/web/security.py), and a point never fires in a
process whose PROMOSHOP_ENV is production, whatever else the environment says.
"""
from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Mapping

ENABLED_VAR = "PROMOSHOP_FAULT_INJECTION"
ENV_VAR = "PROMOSHOP_ENV"


def requested(env: Mapping[str, str] = os.environ) -> bool:
    """Is the fault hook's variable set (to anything)? Production refuses to start then."""
    return bool((env.get(ENABLED_VAR) or "").strip())


def _production(env: Mapping[str, str]) -> bool:
    return (env.get(ENV_VAR) or "").strip().lower() == "production"


def point(name: str) -> None:
    if os.environ.get(ENABLED_VAR) != "1" or os.environ.get("PROMOSHOP_FAULT_POINT") != name:
        return
    if _production(os.environ):
        return
    if random.random() >= float(os.environ.get("PROMOSHOP_FAULT_RATE") or "1"):
        return
    action = os.environ.get("PROMOSHOP_FAULT_ACTION") or "kill"
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action.startswith("sleep:"):
        time.sleep(float(action.split(":", 1)[1]))
