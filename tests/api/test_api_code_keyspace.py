"""The keyspace rule (a campaign holds at most 1 in 10^6 of its pattern's possible codes) holds
however codes are drawn: generated in bulk, gift cards issued one at a time, referral codes
made on demand, and mixes of them, on SQLite and PostgreSQL, also when clients race."""
from __future__ import annotations

import httpx
import pytest

from tests.support.apikit import API
from tests.support.threadkit import run_together

PATTERN = {"pattern": "G-#######", "charset": "ABCDEFGHJK"}    # 10^7 possible codes: 10 allowed
ALLOWED = 10
GIFT = {"id": "gift", "name": "Gift card", "kind": "gift_card", "codes": PATTERN,
        "gift_card": {"balance": 5000}}
FRIENDS = {"id": "friends", "name": "Friends", "kind": "referral", "codes": PATTERN,
           "effect": {"type": "amount_off_order", "amount": 1000},
           "referral": {"reward": {"type": "amount_off_order", "amount": 1000}}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_api(request):
    return request.getfixturevalue("api" if request.param == "sqlite" else "pg_api")


def refused_for_keyspace(response) -> bool:
    return response.status_code == 400 and response.get_json()["error"]["code"] == "keyspace_too_small"


def test_gift_cards_issued_one_at_a_time_stop_where_bulk_generation_does(any_api):
    any_api.ok("POST", "/campaigns", 201, json=GIFT)
    assert refused_for_keyspace(any_api.post("/campaigns/gift/codes", json={"count": ALLOWED + 1}))

    issued = [any_api.post("/gift-cards", json={"campaign": "gift"}).status_code for _ in range(ALLOWED)]
    one_more = any_api.post("/gift-cards", json={"campaign": "gift"})

    assert issued == [201] * ALLOWED
    assert refused_for_keyspace(one_more)
    assert one_more.get_json()["error"]["details"]["allowed"] == ALLOWED
    # A card printed elsewhere is given whole, not drawn from the pattern: still accepted.
    assert any_api.post("/gift-cards", json={"campaign": "gift", "code": "PAPER-0001"}).status_code == 201


def test_single_cards_count_the_codes_generated_in_bulk_and_bulk_counts_single_cards(any_api):
    any_api.ok("POST", "/campaigns", 201, json=GIFT)
    any_api.ok("POST", "/campaigns/gift/codes", 201, json={"count": ALLOWED - 3})

    singles = [any_api.post("/gift-cards", json={"campaign": "gift"}).status_code for _ in range(3)]

    assert singles == [201] * 3
    assert refused_for_keyspace(any_api.post("/gift-cards", json={"campaign": "gift"}))
    assert refused_for_keyspace(any_api.post("/campaigns/gift/codes", json={"count": 1}))


def test_referral_codes_made_on_demand_stop_at_the_limit(any_api):
    any_api.ok("POST", "/campaigns", 201, json=FRIENDS)
    for number in range(ALLOWED + 1):
        any_api.ok("PUT", f"/customers/c{number}", json={"email": f"c{number}@example.com"})

    made = [any_api.post(f"/customers/c{number}/referral-code").status_code for number in range(ALLOWED)]
    one_more = any_api.post(f"/customers/c{ALLOWED}/referral-code")

    assert set(made) == {200}
    assert refused_for_keyspace(one_more)


@pytest.mark.postgres
def test_racing_clients_issue_no_more_cards_than_the_limit(pg_api, make_live_server):
    base = make_live_server(pg_api.app) + API
    pg_api.ok("POST", "/campaigns", 201, json=GIFT)
    pg_api.ok("POST", "/campaigns/gift/codes", 201, json={"count": ALLOWED - 4})
    clients = 16

    def issue(_index):
        with httpx.Client(timeout=60) as http:
            return http.post(f"{base}/gift-cards", json={"campaign": "gift"},
                             headers={"Authorization": f"Bearer {pg_api.keys['write']}"}).status_code

    statuses = run_together(clients, issue)

    assert sorted(statuses) == [201] * 4 + [400] * (clients - 4)
    assert pg_api.ok("GET", "/campaigns/gift/codes?limit=100")["total"] == ALLOWED
