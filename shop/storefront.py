"""Shopper-facing pages. For now only a placeholder home page that proves the stack runs."""

from flask import Blueprint, render_template

bp = Blueprint("storefront", __name__)


@bp.get("/")
def home() -> str:
    return render_template("home.html")
