"""Store-wide operations on a demo or test store, shared by the CLI, the console and test mode:
reset to a scenario pack, and export the store as one.

The work itself is in promo.packs.store_reset and promo.packs.scenario_export (no Flask); this module holds
what is about the running app: whether a reset is allowed, which pack is the default, and the
per-process state to forget afterwards (rate-limit counts in memory, cached personas).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from promo.packs.scenario import StoreSettings
from promo.packs.scenario_export import dump_pack, export_pack
from promo.packs.store_reset import ResetReport, reset_store
from shop.storefront.model import personas
from shop.web.extensions import promo_engine
from shop.web.rate_limits import LIMITER_KEY
from shop.web.security import PRODUCTION_ENV_VAR, is_production

# The console's users are how people reach the console to reset it: they stay.
KEPT_BY_SHOP = ("console_users",)


class ResetRefused(RuntimeError):
    """A reset this app may not do; ``str()`` says why and what to change."""


def reset_refusal(app: Flask) -> str | None:
    """Why this app may not reset its store, or None when it may (demo or test mode, never production)."""
    if is_production(app.config):
        return (f"resetting is refused with {PRODUCTION_ENV_VAR}=production: it deletes every order, code and "
                "customer. It is for demo and test stores only.")
    if not (app.config.get("DEMO_MODE") or app.config.get("TEST_MODE")):
        return "resetting works in demo or test mode only (PROMOSHOP_DEMO_MODE=true or PROMOSHOP_TEST_MODE=true)."
    return None


def default_scenario(app: Flask) -> Path:
    """The configured pack (PROMOSHOP_SCENARIO), relative to the repository like the personas'."""
    return personas.configured_scenario_path(app)


def shown_path(path: str | Path) -> str:
    """A pack's path relative to the repository when it is inside it (scenarios/arabica.yaml)."""
    try:
        return str(Path(path).resolve().relative_to(personas.REPO_ROOT))
    except ValueError:
        return str(path)


def reset(path: str | Path | None = None, *, actor: str, release_clock: bool = True) -> ResetReport:
    """Wipe the store and load ``path`` (the configured pack by default). Raises ResetRefused,
    or promo.scenario.ScenarioError for a pack that does not read or load."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    refusal = reset_refusal(app)
    if refusal is not None:
        raise ResetRefused(refusal)
    report = reset_store(promo_engine(), path or default_scenario(app), actor=actor, keep=KEPT_BY_SHOP,
                         release_clock=release_clock)
    _forget_process_state(app)
    return report


def _forget_process_state(app: Flask) -> None:
    """What this process keeps beside the database. Other processes of a multi-process server
    learn of the reset from its generation (shop/web/test_mode.py); Redis-held rate limits stay."""
    limiter = app.extensions.get(LIMITER_KEY)
    if limiter is not None and limiter.enabled and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        # Wrong codes typed before the reset must not block the next test from this address.
        limiter.reset()
    personas.forget(app)
    for name in ("customer", "shopper", "categories", "priced_cart_catalogue", "store_state"):
        g.pop(name, None)


def export_text(app: Flask) -> str:
    """The store as a scenario pack in YAML (promo.packs.scenario_export), with its personas."""
    engine = promo_engine(app)
    store = StoreSettings(name=app.config["STORE_NAME"], currency=app.config["STORE_CURRENCY"],
                          locale=app.config["STORE_LOCALE"], timezone=app.config["STORE_TIMEZONE"])
    pack = export_pack(engine, store=store, personas=personas.personas())
    return dump_pack(pack, generated_at=engine.now().isoformat(timespec="minutes"))
