"""Application factory for promoshop.

``flask --app app run`` finds ``create_app`` on its own; tests call it with their own config.
Settings come from the environment (see README, "Configuration"); the ``config`` argument wins.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from promo.format.readers import parse_margin_floor
from shop.cli import register as register_cli
from shop.web.errors import register_error_handlers
from shop.web.extensions import init_extensions
from shop.web.favicon import register_favicon
from shop.web.health import register_health
from shop.web.htmx import init_htmx
from shop.web.input_guard import register_input_guard
from shop.web.logs import configure_logging
from shop.web.passwords import PASSWORD_HASH_METHOD_KEYS, check_hash_method
from shop.web.request_ids import init_request_ids
from shop.web.secret_key import instance_secret_key
from shop.web.security import init_security, is_production
from shop.web.templating import register_template_helpers
from shop.web.test_mode import check_test_mode_config, init_test_mode

# The key older versions signed sessions with when none was set. It is public, so no app uses it
# any more (see shop/web/secret_key.py), and production refuses it by name.
DEV_SECRET_KEY = "promoshop-dev-secret-not-for-production"
_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"0", "false", "no", "off", ""}


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver, the one promoshop installs.

    Hosting platforms hand out ``postgres://`` or ``postgresql://``; SQLAlchemy would pick
    psycopg2 for those (not installed) or reject ``postgres://`` outright.
    """
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def parse_bool(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be one of true/false, yes/no, on/off or 1/0, got {raw!r}")


def settings_from_environment(env: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    default_db = f"sqlite:///{Path(instance_path) / 'promoshop.db'}"
    return {
        # Unset: production refuses to start; elsewhere a random key is kept in the instance folder.
        "SECRET_KEY": env.get("PROMOSHOP_SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or default_db,
        "REDIS_URL": env.get("REDIS_URL") or None,
        # "production" turns on Secure cookies and refuses the development secret key.
        "ENV_NAME": env.get("PROMOSHOP_ENV") or "development",
        # Reverse proxies in front (load balancer, CDN): client IPs for rate limits come through them.
        "PROXY_HOPS": env.get("PROMOSHOP_PROXY_HOPS") or "0",
        "STORE_NAME": env.get("PROMOSHOP_STORE_NAME") or "Arabica & Co.",
        "STORE_TIMEZONE": env.get("PROMOSHOP_STORE_TIMEZONE") or "America/New_York",
        "STORE_CURRENCY": env.get("PROMOSHOP_STORE_CURRENCY") or "USD",
        "STORE_LOCALE": env.get("PROMOSHOP_STORE_LOCALE") or "en_US",
        # Unset: on, except in production (see _settle_demo_mode).
        "DEMO_MODE": (parse_bool("PROMOSHOP_DEMO_MODE", env["PROMOSHOP_DEMO_MODE"])
                      if "PROMOSHOP_DEMO_MODE" in env else None),
        # Flat shipping fee in minor units of STORE_CURRENCY; free-shipping promotions discount it.
        "SHIPPING_FEE": env.get("PROMOSHOP_SHIPPING_FEE") or "595",
        # The least a line with a cost must still earn under any discount, until the console's
        # store settings save one: "10%" above cost, minor units per unit, or off (docs/discount-policy.md).
        "MARGIN_FLOOR": env.get("PROMOSHOP_MARGIN_FLOOR") or "0%",
        # The scenario pack the demo store is seeded from; its personas fill the header switcher.
        "DEMO_SCENARIO": env.get("PROMOSHOP_SCENARIO") or "scenarios/arabica.yaml",
        # Test mode: /_test endpoints (reset, clock, persona) behind this token; docs/testing.md.
        "TEST_MODE": parse_bool("PROMOSHOP_TEST_MODE", env.get("PROMOSHOP_TEST_MODE", "false")),
        "TEST_TOKEN": env.get("PROMOSHOP_TEST_TOKEN") or None,
        # Unset: only the embedded SQLite upgrades its schema at start-up.
        "DATABASE_AUTO_UPGRADE": (
            parse_bool("PROMOSHOP_DATABASE_AUTO_UPGRADE", env["PROMOSHOP_DATABASE_AUTO_UPGRADE"])
            if env.get("PROMOSHOP_DATABASE_AUTO_UPGRADE") else None
        ),
        "BANNER_CACHE_DIR": env.get("PROMOSHOP_BANNER_CACHE_DIR") or None,
        # Connections each process keeps to PostgreSQL, and its cap (docs/deploy.md, "Sizing").
        "DATABASE_POOL_SIZE": env.get("PROMOSHOP_DATABASE_POOL_SIZE") or None,
        # "json": one JSON object per log line, for log collectors (shop/web/logs.py).
        "LOG_FORMAT": (env.get("PROMOSHOP_LOG_FORMAT") or "text").strip().lower(),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # The CSRF token sits in <body hx-headers> for the page's lifetime; Flask-WTF's default
        # one-hour expiry would make a tab left open over lunch reject every click. The token
        # stays bound to the signed session cookie.
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _validate(config: Mapping[str, Any]) -> None:
    try:
        ZoneInfo(config["STORE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"STORE_TIMEZONE {config['STORE_TIMEZONE']!r} is not an IANA time zone "
            "(e.g. 'America/New_York', 'Europe/Warsaw')"
        ) from None
    currency = config["STORE_CURRENCY"]
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise ValueError(f"STORE_CURRENCY must be a three-letter ISO 4217 code like 'USD', got {currency!r}")
    fee = str(config["SHIPPING_FEE"]).strip()
    if not (fee.isascii() and fee.isdigit() and len(fee) <= 9):
        raise ValueError(f"SHIPPING_FEE must be a whole number of minor units (595 is $5.95), got {config['SHIPPING_FEE']!r}")
    try:
        parse_margin_floor(config["MARGIN_FLOOR"])
    except ValueError as error:
        raise ValueError(f"MARGIN_FLOOR: {error}") from None
    for key in PASSWORD_HASH_METHOD_KEYS:
        if config.get(key):
            check_hash_method(key, config[key])


def _settle_demo_mode(app: Flask) -> None:
    """Demo mode (the persona switcher: anyone becomes any demo customer) is on by default, but
    not in production unless PROMOSHOP_DEMO_MODE asks for it; the log says which, at start-up."""
    production = is_production(app.config)
    if app.config.get("DEMO_MODE") is None:
        app.config["DEMO_MODE"] = not production
        if production:
            app.logger.warning("PROMOSHOP_ENV=production: demo mode (the persona switcher) is off. "
                               "Set PROMOSHOP_DEMO_MODE=true to run a public demo store.")
    elif production and app.config["DEMO_MODE"]:
        app.logger.warning("PROMOSHOP_ENV=production with PROMOSHOP_DEMO_MODE on: anyone can act as the demo "
                           "personas through the persona switcher.")


def _settle_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY") and not is_production(app.config):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path, app.logger)


def _size_connection_pool(config: dict[str, Any]) -> None:
    """DATABASE_POOL_SIZE connections per process at most (no overflow beyond it), so
    processes x size is a hard bound to compare with PostgreSQL's max_connections. Unset,
    SQLAlchemy's default applies (5, plus 10 more while busy). SQLite has no pool to size.
    At least 2: a request may hold a second connection for a short bookkeeping transaction
    (the wrong-code tally) while its own is open."""
    raw = config.get("DATABASE_POOL_SIZE")
    if raw in (None, "") or str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        return
    size = str(raw).strip()
    if not (size.isdigit() and 2 <= int(size) <= 100):
        raise ValueError(f"DATABASE_POOL_SIZE must be a whole number from 2 to 100, got {raw!r}")
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.update(pool_size=int(size), max_overflow=0)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options



def register_blueprints(app: Flask) -> None:
    from shop.api import bp as api_bp
    from shop.api.docs import bp as api_docs_bp
    from shop.console import bp as console_bp
    from shop.storefront.account import bp as account_bp
    from shop.storefront.cart import bp as cart_bp
    from shop.storefront.catalog import bp as catalog_bp
    from shop.storefront.checkout import bp as checkout_bp
    from shop.storefront.home import bp as storefront_bp
    from shop.storefront.incentives import bp as incentives_bp
    from shop.storefront.orders import bp as orders_bp
    from shop.storefront.share import bp as banners_bp
    from shop.storefront.wallet import bp as wallet_bp
    from shop.voucherify import register_voucherify

    app.register_blueprint(storefront_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(banners_bp)
    app.register_blueprint(api_bp)
    register_voucherify(app)   # the Voucherify-compatible dialect at /v1 (docs/voucherify.md)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(console_bp)
    for shopper_bp in (cart_bp, checkout_bp, orders_bp, wallet_bp, account_bp, incentives_bp):
        app.register_blueprint(shopper_bp)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a promoshop app.

    ``config`` overrides environment settings. The extra key ``INSTANCE_PATH`` (also
    ``PROMOSHOP_INSTANCE_PATH`` in the environment) moves the instance folder, which holds the
    default SQLite database.
    """
    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("PROMOSHOP_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(settings_from_environment(os.environ, app.instance_path))
    app.config.from_mapping(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _validate(app.config)
    app.config["SHIPPING_FEE"] = int(str(app.config["SHIPPING_FEE"]).strip())
    _settle_demo_mode(app)
    _settle_secret_key(app)
    _size_connection_pool(app.config)

    configure_logging(app)
    init_request_ids(app)
    init_security(app, DEV_SECRET_KEY)
    check_test_mode_config(app.config)   # before anything touches the database
    init_extensions(app)
    register_health(app)
    register_favicon(app)
    register_blueprints(app)
    init_test_mode(app)
    register_template_helpers(app)
    register_cli(app)
    register_error_handlers(app)
    init_htmx(app)
    register_input_guard(app)
    return app
