"""``flask promo create-admin``: the first console admin (and the demo's admin)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from shop.console.models import Role
from shop.console.users import UserError, create_user, list_users, normalise_email, set_password

DEMO_ADMIN_EMAIL = "admin@arabica.example"
DEMO_ADMIN_PASSWORD = "arabica-console-demo"


@click.command("create-admin")
@click.option("--email", help="The admin's email; they sign in with it at /console/login.")
@click.option("--password", help="At least 10 characters. Prompted for (hidden) when left out.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value, show_default=True)
@click.option("--demo", is_flag=True, help=f"Demo stores only: make {DEMO_ADMIN_EMAIL} with a known password "
                                             "(reset if it exists) and print the credentials.")
@with_appcontext
def create_admin_command(email: str | None, password: str | None, role: str, demo: bool) -> None:
    """Create a console user (an admin unless --role says otherwise)."""
    if demo:
        if not current_app.config.get("DEMO_MODE"):
            raise click.ClickException("--demo works only with PROMOSHOP_DEMO_MODE on; give --email and --password")
        _ensure_demo_admin()
        return
    if not email:
        raise click.UsageError("give --email (or --demo)")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, Role(role), actor="cli")
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created console {user.role.value} {user.email}. Sign in at /console/login.")


def _ensure_demo_admin() -> None:
    exists = any(u.email == DEMO_ADMIN_EMAIL for u in list_users())
    if exists:
        set_password(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, actor="cli")
    else:
        create_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, Role.ADMIN, actor="cli")
    click.echo(f"Marketer console: /console/login  email {normalise_email(DEMO_ADMIN_EMAIL)}  "
               f"password {DEMO_ADMIN_PASSWORD}")
