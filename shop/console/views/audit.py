"""The audit log: every change from the console, the API and the CLI. Read only: there is no
route that changes or deletes an entry."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request

from promo.core.records import AuditEntry
from promo.services.reports import AuditFilter
from shop.console import bp
from shop.console.paging import next_page_url
from shop.web.extensions import promo_engine

WRONG_CODE_DAYS = 14


# Whole definitions are too long for the summary; the before/after details show them.
_SUMMARY_SKIP = frozenset({"definition"})


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(key, before, after) for every top-level value the change touched."""
    before, after = dict(entry.before or {}), dict(entry.after or {})
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys if k not in _SUMMARY_SKIP and before.get(k) != after.get(k)]


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.get("/audit")
def audit_log():
    where = AuditFilter(
        actor=request.args.get("actor", "").strip() or None,
        action=request.args.get("action", "").strip() or None,
        object_type=request.args.get("type") or None,
        object_id=request.args.get("object", "").strip() or None,
        start=_date("from"),
        end=_date("to"),
    )
    entries, next_before = promo_engine().reports.audit_entries(where, before_id=request.args.get("before", type=int))
    return render_template("console/audit.html", entries=entries, where=where,
                           older_url=next_page_url("console.audit_log", "before", next_before),
                           types=promo_engine().reports.audit_object_types(), changes=changes,
                           wrong_codes=promo_engine().wrong_code_tallies(days=WRONG_CODE_DAYS),
                           wrong_code_days=WRONG_CODE_DAYS)
