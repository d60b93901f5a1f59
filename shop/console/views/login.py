"""Sign in and out of the console."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from shop.console import bp
from shop.console.access import safe_console_path, sign_in, sign_out
from shop.console.users import authenticate
from shop.web.rate_limits import note_failed_sign_in, note_signed_in, sign_in_blocked


def _safe_next(target: str | None) -> str:
    return safe_console_path(target, url_for("console.campaigns"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET" and g.console_user is not None:
        return redirect(_safe_next(request.args.get("next")))
    error = None
    email = request.form.get("email", "")
    if request.method == "POST":
        blocked = sign_in_blocked(email)
        if blocked is not None:
            return _form(blocked.message, email, 429, blocked.headers)
        user = authenticate(email, request.form.get("password", ""))
        if user is None:
            note_failed_sign_in(email)
            error = "That email and password don't match an active console account."
        else:
            note_signed_in(email)
            sign_in(user)
            return redirect(_safe_next(request.form.get("next")))
    return _form(error, email, 401 if error else 200)


def _form(error: str | None, email: str, status: int, headers: dict[str, str] | None = None):
    return render_template("console/login.html", error=error, email=email,
                           next=request.values.get("next", "")), status, headers or {}


@bp.post("/logout")
def logout():
    sign_out(everywhere=True)
    flash("You are signed out.", "info")
    return redirect(url_for("console.login"))
