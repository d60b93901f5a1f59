"""Flask extension singletons, created unbound and attached to each app by ``init_extensions``.

Blueprints import extensions from here, never from ``app.py``, so nothing imports the factory
and every test can build a fresh app with its own config.
"""

import os
from pathlib import Path

from flask import Flask, current_app
from flask_compress import Compress
from flask_migrate import Migrate, upgrade
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

import promo.storage
from promo.delivery.webhook_targets import TargetPolicy
from promo.engine import Engine
from promo.format.readers import parse_margin_floor
from shop.web.rate_limits import init_rate_limits

csrf = CSRFProtect()
compress = Compress()

# --- Storage -------------------------------------------------------------------------------
# `db` is bound to the engine's own MetaData (promo/storage/models.py), so Flask-Migrate sees
# every table; the models stay Flask-free. Views call `promo_engine()`, never the tables.
db = SQLAlchemy(metadata=promo.storage.metadata)
migrate = Migrate(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
ENGINE_KEY = "promo.engine"
# -------------------------------------------------------------------------------------------


def init_extensions(app: Flask) -> None:
    """Bind every extension to ``app``. Called once per app by ``create_app``."""
    csrf.init_app(app)
    init_compression(app)
    init_rate_limits(app)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    with app.app_context():
        # WAL, busy timeout and BEGIN IMMEDIATE on SQLite (before the first connection).
        promo.storage.configure_engine(db.engine)
        if _auto_upgrade(app):
            upgrade()
        app.extensions[ENGINE_KEY] = Engine(
            promo.storage.make_session_factory(db.engine),
            timezone=app.config["STORE_TIMEZONE"],
            currency=app.config["STORE_CURRENCY"],
            locale=app.config["STORE_LOCALE"],
            margin_floor=parse_margin_floor(app.config["MARGIN_FLOOR"]),
        )
        app.extensions[ENGINE_KEY].webhook_targets = TargetPolicy.from_setting(webhook_allowed_hosts(app))


def init_compression(app: Flask) -> None:
    """HTML, CSS, JavaScript and JSON go out brotli- or gzip-compressed to clients that accept it:
    a 20-line cart fragment is about 50 kB of repetitive markup and a few kB compressed, which is
    what a shopper on a slow phone link waits for. Streamed responses (CSV exports) stay streamed."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)


def webhook_allowed_hosts(app: Flask) -> str:
    """Hosts webhooks may reach although they are internal (promo.delivery.webhook_targets): the app
    config's WEBHOOK_ALLOWED_HOSTS, else PROMOSHOP_WEBHOOK_ALLOWED_HOSTS, comma separated.
    For local receivers in demos and tests; empty by default."""
    raw = app.config.get("WEBHOOK_ALLOWED_HOSTS", os.environ.get("PROMOSHOP_WEBHOOK_ALLOWED_HOSTS", ""))
    return raw if isinstance(raw, str) else ",".join(raw)


def _auto_upgrade(app: Flask) -> bool:
    """Upgrade the schema at start-up? DATABASE_AUTO_UPGRADE decides; unset, only the embedded
    SQLite is upgraded (zero configuration). A PostgreSQL deployment runs `flask db upgrade`
    once, before starting its workers, like any other release step."""
    setting = app.config.get("DATABASE_AUTO_UPGRADE")
    if setting is None:
        return db.engine.dialect.name == "sqlite"
    return bool(setting)


def promo_engine(app: Flask | None = None) -> Engine:
    """The app's promotion engine (one per app): ``promo_engine().validate(...)``."""
    return (app or current_app).extensions[ENGINE_KEY]
