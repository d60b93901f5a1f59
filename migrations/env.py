"""Alembic environment for Flask-Migrate: `flask --app app db upgrade`.

The target metadata is promo.storage.metadata (via Flask-SQLAlchemy's `db`), so
`flask db migrate` autogenerates from the engine's models. SQLite migrations render in batch
mode (shop/web/extensions.py passes render_as_batch=True), because SQLite cannot ALTER most things.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import TypeDecorator, text

config = context.config
# alembic.ini's logging setup suits `flask db ...` on a terminal. When the app upgrades itself
# at start-up inside a process that already configured logging (gunicorn, pytest), fileConfig
# would replace the root logger's handlers, so leave them alone.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# Several app workers may upgrade at start-up at once; on PostgreSQL they queue on this lock
# (SQLite's BEGIN IMMEDIATE serialises them already), and the later ones find nothing to do.
MIGRATION_LOCK_ID = 7_200_311


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))


def render_item(type_, obj, autogen_context):
    """Write promo's column types (e.g. UTCDateTime) as the plain types they store, so
    revisions never import application code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        literal_binds=True,
        **current_app.extensions["migrate"].configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # Don't write an empty revision when autogenerate finds no changes.
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)

    with get_engine().connect() as connection:
        if connection.dialect.name == "sqlite":
            # promo.storage.configure_engine makes SQLAlchemy emit BEGIN (IMMEDIATE) itself, so
            # SQLite DDL is transactional here and concurrent upgrades queue on the write lock.
            conf_args.setdefault("transactional_ddl", True)
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
