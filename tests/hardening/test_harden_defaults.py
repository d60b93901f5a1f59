"""Start-up defaults an attacker could lean on: the session key when none is set, and demo mode
(the persona switcher) in production."""
from __future__ import annotations

import logging
import stat

import pytest
from flask import Flask

from app import DEV_SECRET_KEY, create_app
from shop.console.access import SEEN_KEY, USER_KEY
from shop.console.models import Role
from shop.console.users import get_user
from shop.web.security import InsecureConfiguration
from tests.support.consolekit import EMAILS, FAST_HASH, create_console_users

SETTINGS = ("PROMOSHOP_SECRET_KEY", "PROMOSHOP_ENV", "PROMOSHOP_DEMO_MODE", "PROMOSHOP_INSTANCE_PATH", "DATABASE_URL")
STRONG_SECRET = "s" * 48


@pytest.fixture
def bare_env(monkeypatch):
    """The environment of an operator who set nothing."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def start(instance, **config) -> Flask:
    return create_app({"INSTANCE_PATH": str(instance), "CONSOLE_PASSWORD_HASH_METHOD": FAST_HASH,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'promoshop.db'}", **config})


def forged_admin_cookie(tmp_path, secret_key: str) -> str:
    """A session cookie saying "console admin, just seen", signed with `secret_key`."""
    forger = start(tmp_path / "forger", SECRET_KEY=secret_key)
    client = forger.test_client()
    with client.session_transaction() as session:
        session[USER_KEY] = 1
        session[SEEN_KEY] = 4102444800          # far in the future: never idle
    return client.get_cookie("session").value


def test_a_cookie_signed_with_the_published_key_does_not_open_the_console(bare_env, tmp_path):
    store = start(tmp_path / "store")
    create_console_users(store)
    client = store.test_client()
    client.set_cookie("session", forged_admin_cookie(tmp_path, DEV_SECRET_KEY))

    response = client.get("/console/campaigns")

    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_without_a_key_a_random_one_is_kept_private_in_the_instance_folder_and_reused(bare_env, tmp_path, caplog):
    instance = tmp_path / "store"
    with caplog.at_level(logging.WARNING):
        first = start(instance)

    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip() != DEV_SECRET_KEY
    assert len(first.config["SECRET_KEY"]) >= 64
    assert f"generated a random secret key and saved it in {key_file}" in caplog.text

    # A session made before a restart still holds after it: the same key is read back.
    create_console_users(first)
    with first.app_context():
        assert get_user(1).email == EMAILS[Role.ADMIN]      # the user the forged cookie names
    cookie = forged_admin_cookie(tmp_path, first.config["SECRET_KEY"])
    caplog.clear()
    again = start(instance)
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert "generated" not in caplog.text
    client = again.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/console/campaigns").status_code == 200


def test_production_still_refuses_to_start_without_a_key(bare_env, tmp_path):
    bare_env.setenv("PROMOSHOP_ENV", "production")

    with pytest.raises(InsecureConfiguration, match="PROMOSHOP_SECRET_KEY"):
        start(tmp_path / "store")
    assert not (tmp_path / "store" / "secret_key").exists()


def test_production_switches_demo_mode_off_and_says_so(bare_env, tmp_path, caplog):
    bare_env.setenv("PROMOSHOP_ENV", "production")
    bare_env.setenv("PROMOSHOP_SECRET_KEY", STRONG_SECRET)
    with caplog.at_level(logging.WARNING):
        store = start(tmp_path / "store", WTF_CSRF_ENABLED=False)

    client = store.test_client()
    assert client.post("/demo/persona", data={"persona": "vip"}).status_code == 404
    assert "persona-switcher" not in client.get("/").get_data(as_text=True)
    assert "demo mode (the persona switcher) is off" in caplog.text


def test_production_keeps_demo_mode_when_it_is_asked_for(bare_env, tmp_path, caplog):
    bare_env.setenv("PROMOSHOP_ENV", "production")
    bare_env.setenv("PROMOSHOP_SECRET_KEY", STRONG_SECRET)
    bare_env.setenv("PROMOSHOP_DEMO_MODE", "true")
    with caplog.at_level(logging.WARNING):
        store = start(tmp_path / "store", WTF_CSRF_ENABLED=False)

    assert store.config["DEMO_MODE"] is True
    assert "anyone can act as the demo personas" in caplog.text


def test_demo_mode_stays_the_default_outside_production(bare_env, tmp_path):
    assert start(tmp_path / "store").config["DEMO_MODE"] is True
