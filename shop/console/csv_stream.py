"""Streamed CSV downloads: rows are written as they are read, so a million never sit in memory."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from flask import Response, stream_with_context


def _cell(value: object) -> object:
    """A blank for a missing value, ISO 8601 for a moment or a day, the value otherwise."""
    if value is None:
        return ""
    if isinstance(value, date):        # datetime is a date too
        return value.isoformat()
    return value


def _lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    response = Response(stream_with_context(_lines(header, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
