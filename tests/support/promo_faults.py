"""Fault injection for crash tests: at promo's named checkpoints (promo.services.checkpoints) it
can pause or kill the process, and it does nothing at all unless PROMOSHOP_FAULT_INJECTION=1
is set. The crash tests' gunicorn workers install it (tests/support/gunicorn_faults.py).

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

from promo.services import checkpoints
from promo.services.checkpoints import ENABLED_VAR

ENV_VAR = "PROMOSHOP_ENV"


def install() -> None:
    """Fire at promo's checkpoints in this process from now on."""
    checkpoints.install(point)


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
