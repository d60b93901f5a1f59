"""Flask extension singletons, created unbound and attached to each app by ``init_extensions``.

Blueprints import extensions from here, never from ``app.py``, so nothing imports the factory
and every test can build a fresh app with its own config.
"""

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# --- Storage -------------------------------------------------------------------------------
# The storage layer adds its singletons here, e.g.
#     db = SQLAlchemy(model_class=Base)
#     migrate = Migrate()
# and binds them in init_extensions() below. Models live in their own modules, not here.
# -------------------------------------------------------------------------------------------


def init_extensions(app: Flask) -> None:
    """Bind every extension to ``app``. Called once per app by ``create_app``."""
    csrf.init_app(app)
    # Storage: db.init_app(app); migrate.init_app(app, db)
