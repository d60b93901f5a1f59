"""Admin pages: console users (roles, deactivation) and API keys (create once-shown, revoke)."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for

from shop.api.framework.auth import create_api_key, list_api_keys, revoke_api_key
from shop.api.framework.keys import SCOPES, parse_scopes
from shop.console import bp
from shop.console.access import current_user, requires
from shop.console.models import Role
from shop.console.users import UserError, create_user, list_users, parse_role, update_user
from shop.web.extensions import promo_engine


@bp.get("/users")
@requires(Role.ADMIN)
def users():
    return render_template("console/users.html", users=list_users(), roles=list(Role), keys=list_api_keys(),
                           scopes=SCOPES, errors={}, values={}, new_key=None)


@bp.post("/users")
@requires(Role.ADMIN)
def add_user():
    values = {k: request.form.get(k, "") for k in ("email", "role")}
    try:
        user = create_user(values["email"], request.form.get("password", ""), parse_role(values["role"]),
                           actor=current_user().actor)
    except UserError as error:
        return render_template("console/users.html", users=list_users(), roles=list(Role), keys=list_api_keys(),
                               scopes=SCOPES, errors={error.field or "email": str(error)}, values=values,
                               new_key=None), 422
    flash(f"Added {user.email} as {user.role.value}.", "success")
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>")
@requires(Role.ADMIN)
def change_user(user_id: int):
    try:
        role = parse_role(request.form["role"]) if "role" in request.form else None
        active = {"activate": True, "deactivate": False}.get(request.form.get("action", ""))
        user = update_user(user_id, role=role, active=active, actor=current_user().actor)
    except UserError as error:
        flash(str(error), "error")
    else:
        flash(f"Saved {user.email}: {user.role.value}, {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("console.users"))


@bp.post("/api-keys")
@requires(Role.ADMIN)
def add_api_key():
    name = request.form.get("name", "").strip()
    try:
        scopes = parse_scopes(request.form.getlist("scope"))
        if not name or len(name) > 200:
            raise ValueError("give the key a name of 1 to 200 characters, e.g. 'checkout service'")
    except ValueError as error:
        flash(f"Could not make the key: {error}.", "error")
        return redirect(url_for("console.users"))
    info, plaintext = create_api_key(name, scopes)
    _audit_key("api_key.create", info.prefix, {"name": info.name, "scopes": list(info.scopes)})
    # Shown once on this response only; never stored or flashed into the cookie.
    return render_template("console/users.html", users=list_users(), roles=list(Role), keys=list_api_keys(),
                           scopes=SCOPES, errors={}, values={}, new_key=(info, plaintext))


@bp.post("/api-keys/<prefix>/revoke")
@requires(Role.ADMIN)
def revoke_key(prefix: str):
    info = revoke_api_key(prefix)
    if info is None:
        abort(404)
    _audit_key("api_key.revoke", info.prefix, {"name": info.name, "active": False})
    flash(f"Revoked {info.prefix}; requests with it now get 401.", "success")
    return redirect(url_for("console.users"))


def _audit_key(action: str, prefix: str, after: dict) -> None:
    # shop.api.framework.auth manages the keys; the console records who did it.
    promo_engine().audit_trail.record(at=datetime.now(UTC), actor=current_user().actor, action=action,
                                      object_type="api_key", object_id=prefix, after=after)
