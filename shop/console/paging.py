"""Links to the next page of a keyset-paged list that keep every filter of the current one."""
from __future__ import annotations

from flask import request, url_for


def next_page_url(endpoint: str, cursor_name: str, cursor: object | None) -> str | None:
    if cursor is None:
        return None
    kept = {k: v for k, v in request.args.items() if k != cursor_name and v}
    return url_for(endpoint, **kept, **{cursor_name: cursor})
