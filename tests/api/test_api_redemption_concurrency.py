"""The redemption path over real HTTP on both databases: concurrent clients cannot redeem a
single-use code twice, and replaying one Idempotency-Key redeems once."""

import threading

import httpx
import pytest

from tests.support.apikit import API, BEANS_40, bulk

CLIENTS = 20


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, make_live_server):
    """(base URL, ApiClient) of a live server on the database under test."""
    client = request.getfixturevalue("api" if request.param == "sqlite" else "pg_api")
    return make_live_server(client.app) + API, client


def together(count, task):
    """Run task(i) on `count` threads released at once; results in index order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = task(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def post_redemption(base, key, idempotency_key, body):
    with httpx.Client(timeout=60) as http:
        response = http.post(f"{base}/redemptions", json=body,
                             headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key})
    return response.status_code, response.json()


def test_a_single_use_code_is_redeemed_once_by_concurrent_clients(server):
    base, api = server
    api.ok("POST", "/campaigns", 201, json=bulk())
    api.ok("POST", "/campaigns/sorry/codes", 201, json={"count": 1})
    code = api.ok("GET", "/campaigns/sorry/codes")["codes"][0]["code"]

    results = together(CLIENTS, lambda i: post_redemption(
        base, api.keys["redeem"], f"attempt-{i}", {"order": {**BEANS_40, "id": f"A-{i}"}, "codes": [code]}))

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (CLIENTS - 1), results
    assert {body["error"]["code"] for status, body in results if status == 409} == {"quantity_exceeded"}
    assert api.ok("GET", f"/codes/{code}")["redeemed_count"] == 1


def test_one_idempotency_key_replayed_concurrently_redeems_once(server):
    base, api = server
    api.ok("POST", "/campaigns", 201, json=bulk())
    api.ok("POST", "/campaigns/sorry/codes", 201, json={"count": 3})
    code = api.ok("GET", "/campaigns/sorry/codes")["codes"][0]["code"]
    body = {"customer": {"id": "ana"}, "order": {**BEANS_40, "id": "A-1"}, "codes": [code]}

    results = together(CLIENTS, lambda i: post_redemption(base, api.keys["redeem"], "checkout-A-1", body))

    assert {status for status, _ in results} == {201}, results
    assert len({answer["id"] for _, answer in results}) == 1
    assert all(answer == results[0][1] for _, answer in results)
    assert api.ok("GET", "/campaigns/sorry")["redemptions_count"] == 1
    assert api.ok("GET", "/customers/ana")["orders_count"] == 1
