"""Test mode is refused where it would be dangerous: in production, and without a token."""
from __future__ import annotations

import pytest

from app import create_app
from shop.web.security import InsecureConfiguration
from tests.support.testmodekit import TOKEN

STRONG_SECRET = "s" * 40


def build(tmp_path, **config):
    return create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": STRONG_SECRET,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", **config})


def test_production_refuses_test_mode(tmp_path):
    with pytest.raises(InsecureConfiguration, match="PROMOSHOP_TEST_MODE=true and PROMOSHOP_ENV=production"):
        build(tmp_path, ENV_NAME="production", TEST_MODE=True, TEST_TOKEN=TOKEN)


def test_production_from_the_environment_refuses_it_too(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_ENV", "production")
    monkeypatch.setenv("PROMOSHOP_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("PROMOSHOP_TEST_MODE", "true")
    monkeypatch.setenv("PROMOSHOP_TEST_TOKEN", TOKEN)
    with pytest.raises(InsecureConfiguration, match="Unset PROMOSHOP_TEST_MODE in production"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


@pytest.mark.parametrize("token", [None, "", "   ", "short-secret"])
def test_test_mode_needs_a_real_token(tmp_path, token):
    with pytest.raises(InsecureConfiguration, match="needs PROMOSHOP_TEST_TOKEN, a secret of at least 16 characters"):
        build(tmp_path, TEST_MODE=True, TEST_TOKEN=token)


def test_test_mode_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_TEST_MODE", "yes")
    monkeypatch.setenv("PROMOSHOP_TEST_TOKEN", TOKEN)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["TEST_MODE"] is True and app.config["TEST_TOKEN"] == TOKEN


def test_an_unreadable_test_mode_value_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_TEST_MODE", "maybe")
    with pytest.raises(ValueError, match="PROMOSHOP_TEST_MODE must be one of true/false"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_production_still_starts_without_test_mode(tmp_path):
    assert build(tmp_path, ENV_NAME="production").config["TEST_MODE"] is False
