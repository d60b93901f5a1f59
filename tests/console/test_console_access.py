"""Console access: sign-in with hashed passwords, roles, CSRF, idle expiry and create-admin."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.console.access import SEEN_KEY
from shop.console.models import ConsoleUserRow, Role
from shop.web.extensions import db, promo_engine
from tests.support.consolekit import EMAILS, FAST_HASH, PASSWORD, seed, sign_in


def test_pages_need_a_signed_in_user(console_app):
    response = console_app.test_client().get("/console/campaigns")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_wrong_password_is_refused_with_one_message_for_any_mistake(console_app):
    client = console_app.test_client()
    wrong_password = client.post("/console/login", data={"email": EMAILS[Role.ADMIN], "password": "nope"})
    unknown_email = client.post("/console/login", data={"email": "who@example.com", "password": PASSWORD})

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert "don&#39;t match an active console account" in wrong_password.get_data(as_text=True)
    assert client.get("/console/campaigns").status_code == 302


def test_passwords_are_stored_hashed(console_app):
    with console_app.app_context():
        stored = db.session.scalar(select(ConsoleUserRow.password_hash).where(ConsoleUserRow.email == EMAILS[Role.ADMIN]))
    assert PASSWORD not in stored
    assert stored.startswith("pbkdf2:sha256:1000$")  # werkzeug format: method$salt$hash


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(console_app):
    client = console_app.test_client()
    inside = client.post("/console/login", data={"email": EMAILS[Role.VIEWER], "password": PASSWORD,
                                                 "next": "/console/audit"})
    client.post("/console/logout")
    outside = client.post("/console/login", data={"email": EMAILS[Role.VIEWER], "password": PASSWORD,
                                                  "next": "https://evil.example/console"})
    assert inside.headers["Location"] == "/console/audit"
    assert outside.headers["Location"] == "/console/campaigns"


def test_viewer_reads_everything_but_changes_nothing(as_role, engine):
    viewer = as_role(Role.VIEWER)
    for page in ("/console/campaigns", "/console/campaigns/happy10", "/console/codes", "/console/redemptions",
                 "/console/try", "/console/audit"):
        assert viewer.get(page).status_code == 200, page

    attempts = [
        ("/console/campaigns/happy10/status", {"action": "pause"}),
        ("/console/campaigns/happy10/duplicate", {}),
        ("/console/campaigns/happy10/edit", {"definition": "id: happy10\nname: X\nkind: coupon\ncode: X\n"}),
        ("/console/campaigns/new", {"kind": "auto", "name": "Sneaky", "discount_value": "50"}),
        ("/console/campaigns/sorry/jobs", {"count": "10"}),
        ("/console/codes/status", {"action": "disable", "code": "HAPPY10"}),
        ("/console/redemptions/1/rollback", {"reason": "x"}),
        ("/console/users", {"email": "x@example.com", "role": "admin", "password": "0123456789"}),
    ]
    for url, data in attempts:
        assert viewer.post(url, data=data).status_code == 403, url
    assert engine.get_campaign("happy10").status == "active"
    assert engine.get_code("HAPPY10").status == "active"
    assert [c.id for c in engine.list_campaigns()] == ["happy10", "auto5", "sorry"]


def test_viewer_sees_no_change_buttons(as_role):
    page = as_role(Role.VIEWER).get("/console/campaigns").get_data(as_text=True)
    assert "read-only access" in page
    assert 'value="pause"' not in page and "New campaign" not in page


def test_marketer_cannot_manage_users_or_keys(as_role):
    marketer = as_role(Role.MARKETER)
    assert marketer.get("/console/users").status_code == 403
    assert marketer.post("/console/api-keys", data={"name": "x", "scope": "read"}).status_code == 403
    assert "Users &amp; API keys" not in marketer.get("/console/campaigns").get_data(as_text=True)


def test_admin_adds_a_user_who_can_then_sign_in(as_role, console_app):
    admin = as_role(Role.ADMIN)
    response = admin.post("/console/users", data={"email": "New@Example.com", "role": "marketer",
                                                  "password": "long enough pw"})
    assert response.status_code == 302
    sign_in_page = console_app.test_client().post("/console/login", data={"email": "new@example.com",
                                                                          "password": "long enough pw"})
    assert sign_in_page.status_code == 302


def test_short_passwords_are_refused_at_the_field(as_role):
    response = as_role(Role.ADMIN).post("/console/users", data={"email": "a@example.com", "role": "viewer",
                                                                "password": "short"})
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_the_last_admin_cannot_be_demoted(as_role, console_app):
    admin = as_role(Role.ADMIN)
    with console_app.app_context():
        admin_id = db.session.scalar(select(ConsoleUserRow.id).where(ConsoleUserRow.email == EMAILS[Role.ADMIN]))
    admin.post(f"/console/users/{admin_id}", data={"role": "viewer"})
    assert admin.get("/console/users").status_code == 200


def test_deactivated_user_is_signed_out_at_the_next_request(as_role, console_app):
    viewer = as_role(Role.VIEWER)
    admin = as_role(Role.ADMIN)
    with console_app.app_context():
        viewer_id = db.session.scalar(select(ConsoleUserRow.id).where(ConsoleUserRow.email == EMAILS[Role.VIEWER]))
    admin.post(f"/console/users/{viewer_id}", data={"action": "deactivate"})
    assert viewer.get("/console/campaigns").status_code == 302


def test_admin_makes_an_api_key_shown_once_and_audited(as_role, engine):
    admin = as_role(Role.ADMIN)
    page = admin.post("/console/api-keys", data={"name": "checkout service", "scope": ["read", "redeem"]})
    text = page.get_data(as_text=True)
    key = re.search(r"psk_rx_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", text)
    assert key is not None
    assert key.group(0) not in admin.get("/console/users").get_data(as_text=True)
    assert engine.audit_log(object_type="api_key")[0].actor == f"console:{EMAILS[Role.ADMIN]}"


def test_idle_session_expires(make_app):
    app = make_app(CONSOLE_IDLE_TIMEOUT=timedelta(minutes=30), CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH)
    seed(app)
    client = sign_in(app.test_client(), Role.MARKETER)
    assert client.get("/console/campaigns").status_code == 200
    with client.session_transaction() as session:
        session[SEEN_KEY] = int(time.time()) - 31 * 60
    expired = client.get("/console/campaigns")
    assert expired.status_code == 302 and "/console/login" in expired.headers["Location"]
    assert "session expired" in client.get(expired.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH)
    seed(app)
    return app


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_forged_requests_without_a_csrf_token_get_400(csrf_app):
    client = csrf_app.test_client()
    login_page = client.get("/console/login").get_data(as_text=True)
    forged_login = client.post("/console/login", data={"email": EMAILS[Role.MARKETER], "password": PASSWORD})
    assert forged_login.status_code == 400
    signed_in = client.post("/console/login", data={"email": EMAILS[Role.MARKETER], "password": PASSWORD,
                                                   "csrf_token": _token(login_page)})
    assert signed_in.status_code == 302

    forged = client.post("/console/campaigns/happy10/status", data={"action": "pause"})
    assert forged.status_code == 400
    with csrf_app.app_context():
        assert promo_engine().get_campaign("happy10").status == "active"

    token = _token(client.get("/console/campaigns").get_data(as_text=True))
    real = client.post("/console/campaigns/happy10/status", data={"action": "pause", "csrf_token": token})
    assert real.status_code == 302
    with csrf_app.app_context():
        assert promo_engine().get_campaign("happy10").status == "paused"


def test_create_admin_command(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["promo", "create-admin", "--email", "Boss@Example.com", "--password", "a long password"])
    again = runner.invoke(args=["promo", "create-admin", "--email", "boss@example.com", "--password", "a long password"])
    weak = runner.invoke(args=["promo", "create-admin", "--email", "x@example.com", "--password", "short"])

    assert made.exit_code == 0 and "Created console admin boss@example.com" in made.output
    assert again.exit_code != 0 and "already has a console account" in again.output
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    assert "Traceback" not in again.output + weak.output
    assert app.test_client().post("/console/login", data={"email": "boss@example.com",
                                                          "password": "a long password"}).status_code == 302


def test_demo_admin_prints_working_credentials_and_can_run_twice(make_app):
    app = make_app(DEMO_MODE=True)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["promo", "create-admin", "--demo"])
    second = runner.invoke(args=["promo", "create-admin", "--demo"])
    assert first.exit_code == second.exit_code == 0
    email, password = re.search(r"email (\S+)\s+password (\S+)", second.output).groups()
    assert app.test_client().post("/console/login", data={"email": email, "password": password}).status_code == 302

    refused = make_app(DEMO_MODE=False).test_cli_runner().invoke(args=["promo", "create-admin", "--demo"])
    assert refused.exit_code != 0 and "DEMO_MODE" in refused.output


def test_signing_out_of_the_console_keeps_the_shoppers_session(as_role):
    client = as_role(Role.MARKETER)
    with client.session_transaction() as session:
        session["cart"] = {"BEAN": 2}
    client.post("/console/logout")
    with client.session_transaction() as session:
        assert session["cart"] == {"BEAN": 2}
    assert client.get("/console/campaigns").status_code == 302


def test_htmx_requests_after_expiry_are_sent_to_the_login_page(as_role):
    client = as_role(Role.MARKETER)
    client.post("/console/logout")
    response = client.get("/console/jobs/1", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/console/login")
