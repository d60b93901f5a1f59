"""Four gunicorn workers on PostgreSQL under concurrent checkouts through the JSON API; then a
worker SIGKILLed in the middle of redeem transactions. Afterwards no single-use code is redeemed
twice, no budget is exceeded, and `flask promo check` finds every counter equal to the rows."""
from __future__ import annotations

import random
import threading
from collections import Counter

import httpx
import pytest

from tests.support.gunicorn_rig import BUDGET, BUDGET_CODE, deployment

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CLIENTS = 16
# 192 orders for 30 single-use codes and a budget that fits 12: every code and the budget are
# fought over and used up within the first few dozen; the rest are refused. (There were 25 each,
# 400 orders, of which over 360 only met codes long gone, at about 25 ms of worker CPU each.)
REQUESTS_PER_CLIENT = 12


def drive(url: str, key: str, codes: list[str], clients: int, per_client: int) -> Counter:
    """`clients` threads, each with its own httpx client, checking out `per_client` orders, each
    with a random pool code, the budget code, or both. Returns a count of HTTP statuses (or
    the transport error's name, for requests cut off by a killed worker)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(number: int) -> None:
        rng = random.Random(number)
        barrier.wait()
        with httpx.Client(base_url=f"{url}/api/v1", timeout=30,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            for attempt in range(per_client):
                entered = rng.choice([[rng.choice(codes)], [BUDGET_CODE], [rng.choice(codes), BUDGET_CODE]])
                body = {"order": {"id": f"C{number}-{attempt}", "items": [{"sku": "BEANS", "unit_price": 2000,
                                                                          "quantity": 2}]},
                        "codes": entered}
                try:
                    status = http.post("/redemptions", json=body,
                                       headers={"Idempotency-Key": f"c{number}-{attempt}"}).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                with lock:
                    statuses[status] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return statuses


def redeemed_counts(deployed) -> dict[str, int]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from promo.storage.models import CampaignRow, CodeRow
    from shop.web.extensions import db

    with deployed.app.app_context(), Session(db.engine) as session:
        per_code = dict(session.execute(select(CodeRow.code, CodeRow.redeemed_count)).all())
        budget_used = session.scalar(select(CampaignRow.budget_used).where(CampaignRow.id == "budget"))
    return {**per_code, "__budget_used": budget_used}


def test_four_workers_never_redeem_a_code_twice_or_overspend_a_budget(tmp_path):
    with deployment(tmp_path) as deployed:
        statuses = drive(deployed.url, deployed.key, deployed.codes, CLIENTS, REQUESTS_PER_CLIENT)
        counts = redeemed_counts(deployed)
        problems = deployed.problems()

    print(f"requests={sum(statuses.values())} statuses={dict(statuses)}")
    assert sum(statuses.values()) == CLIENTS * REQUESTS_PER_CLIENT
    assert not [s for s in statuses if not isinstance(s, int) or s >= 500], statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    assert max(counts[code] for code in deployed.codes) == 1       # contention was real and nobody won twice
    assert counts["__budget_used"] <= BUDGET
    assert counts["__budget_used"] > BUDGET - 400                  # and the budget was actually spent
    assert problems == []


@pytest.mark.parametrize("point", ["redeem.counters_taken", "redeem.before_commit"])
def test_workers_killed_mid_checkout_leave_nothing_inconsistent(tmp_path, point):
    faults = {"PROMOSHOP_FAULT_INJECTION": "1", "PROMOSHOP_FAULT_POINT": point, "PROMOSHOP_FAULT_ACTION": "kill",
              "PROMOSHOP_FAULT_RATE": "0.2"}
    with deployment(tmp_path, fault_env=faults) as deployed:
        statuses = drive(deployed.url, deployed.key, deployed.codes, 8, 10)
        counts = redeemed_counts(deployed)
        problems = deployed.problems()
        check = deployed.flask_check()

    killed = sum(n for s, n in statuses.items() if not isinstance(s, int))
    print(f"point={point} requests={sum(statuses.values())} killed={killed} statuses={dict(statuses)}")
    assert killed >= 1, statuses                                   # workers really died mid-transaction
    assert not [s for s in statuses if isinstance(s, int) and s >= 500], statuses
    assert max(counts[code] for code in deployed.codes) <= 1
    assert counts["__budget_used"] <= BUDGET
    assert problems == []
    assert check.returncode == 0 and check.stdout.startswith("OK"), check.stdout + check.stderr
