"""API keys: made by the CLI, shown once, stored hashed; missing/invalid -> 401, wrong scope -> 403."""

import hashlib

import pytest
from sqlalchemy import select

from promo.storage import ApiKeyRow
from shop.web.extensions import db, promo_engine
from tests.support.apikit import ApiClient, coupon, make_keys


def test_request_without_a_key_gets_401_with_a_challenge(api):
    response = api.get("/campaigns", key=None)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("header", [
    "Bearer not-a-key",
    "Bearer psk_rwx_00000000_" + "A" * 43,   # well-formed, never issued
    "Basic dXNlcjpwYXNz",
])
def test_invalid_keys_get_401(api, header):
    response = api.get("/campaigns", key=None, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in {"invalid_api_key", "unauthorized"}


def test_x_api_key_header_works_as_well(api, keys):
    response = api.get("/campaigns", key=None, headers={"X-API-Key": keys["read"]})

    assert response.status_code == 200


def test_a_key_without_the_scope_gets_403_naming_it(api):
    response = api.post("/campaigns", key="read", json=coupon())

    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "insufficient_scope",
        "message": "This API key does not have the 'write' scope this operation needs.",
        "details": {"required_scope": "write", "key_scopes": ["read"]},
        "request_id": response.headers["X-Request-Id"],
    }


def test_editing_the_scopes_inside_a_key_invalidates_it(api, keys):
    read_only = keys["read"]
    widened = read_only.replace("psk_r_", "psk_rwx_", 1)

    response = api.post("/campaigns", key=None, headers={"Authorization": f"Bearer {widened}"}, json=coupon())

    assert response.status_code == 401


def test_revoked_keys_stop_working(api, keys, api_app):
    runner = api_app.test_cli_runner()
    prefix = "_".join(keys["read"].split("_")[:3])   # psk_r_<id>; the secret may hold "_" too

    result = runner.invoke(args=["promo", "revoke-api-key", prefix])

    assert result.exit_code == 0, result.output
    assert api.get("/campaigns", key="read").status_code == 401
    assert api.get("/campaigns", key="all").status_code == 200


def test_cli_prints_the_key_once_and_stores_only_its_hash(api_app, api):
    runner = api_app.test_cli_runner()

    result = runner.invoke(args=["promo", "create-api-key", "--name", "checkout service", "--scope", "read,redeem"])

    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert "scopes: read, redeem" in result.output
    response = api.get("/campaigns", key=None, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    with api_app.app_context():
        row = db.session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == "checkout service"))
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in {row.prefix, row.name, row.key_hash}
    listing = runner.invoke(args=["promo", "list-api-keys"]).output
    assert row.prefix in listing and key not in listing
    assert "read,redeem" in listing


def test_cli_key_changes_are_audited_as_the_cli_without_the_key(api_app):
    runner = api_app.test_cli_runner()

    created = runner.invoke(args=["promo", "create-api-key", "--name", "checkout service", "--scope", "read,redeem"])
    key = created.output.strip().splitlines()[-1]
    prefix = created.output.split()[3]                           # "Created API key <prefix> 'name' ..."
    revoked = runner.invoke(args=["promo", "revoke-api-key", prefix])
    again = runner.invoke(args=["promo", "revoke-api-key", prefix])   # revoked already: nothing changes

    assert (created.exit_code, revoked.exit_code, again.exit_code) == (0, 0, 0), created.output + revoked.output
    entries = promo_engine(api_app).audit_log(object_type="api_key", object_id=prefix)
    assert [(e.actor, e.action) for e in entries] == [("cli", "api_key.revoke"), ("cli", "api_key.create")]
    revoke, create = entries
    assert (create.before, create.after) == (None, {"name": "checkout service", "scopes": ["read", "redeem"]})
    assert (revoke.before, revoke.after) == ({"name": "checkout service", "active": True},
                                             {"name": "checkout service", "active": False})
    with api_app.app_context():
        key_hash = db.session.scalar(select(ApiKeyRow.key_hash).where(ApiKeyRow.prefix == prefix))
    assert key not in repr(entries) and key.removeprefix(prefix) not in repr(entries) and key_hash not in repr(entries)


def test_cli_refuses_unknown_scopes(api_app):
    result = api_app.test_cli_runner().invoke(args=["promo", "create-api-key", "--name", "x", "--scope", "admin"])

    assert result.exit_code != 0
    assert "unknown scope 'admin'" in result.output


def test_api_needs_no_csrf_token_even_when_csrf_is_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = ApiClient(app, make_keys(app))

    response = client.post("/campaigns", json=coupon())

    assert response.status_code == 201, response.get_data(as_text=True)


def test_the_openapi_document_is_public(api):
    assert api.get("/openapi.json", key=None).status_code == 200
