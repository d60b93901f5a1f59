"""The crash tests' fault injection hook (tests/support/promo_faults.py) is for tests only: a production app
refuses to start while its variable is set, and a fault point never fires in a production
process. (The crash trials themselves: test_harden_workers.py.)"""
from __future__ import annotations

import pytest

from app import create_app
from shop.web.security import InsecureConfiguration
from tests.support import promo_faults as faults

STRONG_SECRET = "s" * 40


def production_app(tmp_path, **config):
    return create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": STRONG_SECRET,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", **config})


@pytest.mark.parametrize("value", ["1", "0", "yes"])
def test_production_refuses_to_start_with_the_fault_hook_set(tmp_path, monkeypatch, value):
    monkeypatch.setenv("PROMOSHOP_FAULT_INJECTION", value)
    with pytest.raises(InsecureConfiguration, match="PROMOSHOP_FAULT_INJECTION is set.*crash tests only.*Unset"):
        production_app(tmp_path, ENV_NAME="production")


def test_production_from_the_environment_refuses_it_too(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_ENV", "production")
    monkeypatch.setenv("PROMOSHOP_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("PROMOSHOP_FAULT_INJECTION", "1")
    with pytest.raises(InsecureConfiguration, match="PROMOSHOP_FAULT_INJECTION"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_production_starts_without_it_and_tests_may_use_it(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMOSHOP_FAULT_INJECTION", raising=False)
    assert production_app(tmp_path / "prod", ENV_NAME="production").config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("PROMOSHOP_FAULT_INJECTION", "1")
    assert production_app(tmp_path / "dev", ENV_NAME="development") is not None


def test_a_fault_point_never_fires_in_a_production_process(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    for name, value in {"PROMOSHOP_FAULT_INJECTION": "1", "PROMOSHOP_FAULT_POINT": "redeem.before_commit",
                        "PROMOSHOP_FAULT_ACTION": "sleep:3", "PROMOSHOP_FAULT_RATE": "1"}.items():
        monkeypatch.setenv(name, value)

    monkeypatch.setenv("PROMOSHOP_ENV", "development")
    faults.point("redeem.before_commit")
    assert slept == [3.0]                      # the hook works where tests run it

    monkeypatch.setenv("PROMOSHOP_ENV", "production")
    faults.point("redeem.before_commit")
    assert slept == [3.0]                      # and is inert in production
