"""Codes: background generation with progress kept in the database, search, disable/enable,
streamed CSV export."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from promo.services.reports import STREAM_CHUNK
from shop.console.jobs import get_job, wait_for
from tests.support.consolekit import sample_cart


def _start(client, campaign: str, count: str):
    return client.post(f"/console/campaigns/{campaign}/jobs", data={"count": count})


def _last_job_id(client, campaign: str) -> int:
    page = client.get(f"/console/campaigns/{campaign}").get_data(as_text=True)
    return int(re.search(r'id="job-(\d+)"', page).group(1))


def test_generation_runs_in_the_background_and_its_progress_survives_a_reload(marketer, engine, console_app):
    assert _start(marketer, "sorry", "2,500").status_code == 302
    job_id = _last_job_id(marketer, "sorry")
    wait_for(job_id)

    with console_app.app_context():
        job = get_job(job_id)
    assert job.status == "done" and job.done == 2500 and job.percent == 100
    assert engine.list_codes("sorry", limit=1).total == 2500
    fragment = marketer.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "100%" in fragment and "2,500 of 2,500" in fragment
    assert "hx-trigger" not in fragment              # a finished job stops polling
    assert engine.audit_log(object_id="sorry")[0].action == "codes.generate"


def _running_job(console_app, *, done: int, started_ago: float, updated_ago: float, now) -> int:
    """A running job's row as its thread would have left it, `now` being the job's clock."""
    from sqlalchemy.orm import Session

    from shop.console.models import CodeJobRow
    from shop.web.extensions import db

    with console_app.app_context(), Session(db.engine) as session, session.begin():
        row = CodeJobRow(campaign_id="sorry", requested=10000, done=done, status="running", actor="test",
                         started_at=now - timedelta(seconds=started_ago), updated_at=now - timedelta(seconds=updated_ago))
        session.add(row)
        session.flush()
        return row.id


def _fixed_job_clock(monkeypatch):
    from datetime import UTC, datetime

    from shop.console import jobs

    now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setattr(jobs, "clock", lambda: now)
    return now


def test_a_running_job_polls_every_half_second_with_rate_and_time_left(marketer, console_app, monkeypatch):
    now = _fixed_job_clock(monkeypatch)
    job_id = _running_job(console_app, done=4000, started_ago=2, updated_ago=0, now=now)
    fragment = marketer.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert 'hx-trigger="load delay:500ms"' in fragment
    assert "40%" in fragment and "2,000 codes/s" in fragment and "about 3 s left" in fragment


def test_rate_and_time_left_run_to_now_not_to_the_last_update(marketer, console_app, monkeypatch):
    now = _fixed_job_clock(monkeypatch)
    # 4,000 codes in the 10 s since it started (the last batch 4 s ago): 400 codes/s, and the
    # other 6,000 take 15 s more. Measured to the last update it would claim 667/s and 9 s.
    job_id = _running_job(console_app, done=4000, started_ago=10, updated_ago=4, now=now)
    fragment = marketer.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "400 codes/s" in fragment and "about 15 s left" in fragment
    assert "waiting" not in fragment


def test_a_stalled_job_says_it_is_waiting_instead_of_a_stale_estimate(marketer, console_app, monkeypatch):
    now = _fixed_job_clock(monkeypatch)
    # 9,990 of 10,000 by 20 s after it started, then nothing for 40 s: measured to its last
    # update the page said "about 0 s left" for as long as it stood still.
    job_id = _running_job(console_app, done=9990, started_ago=60, updated_ago=40, now=now)
    fragment = marketer.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", fragment).split())
    assert "waiting… (no progress for 40 s)" in text
    assert "s left" not in text and "codes/s" not in text
    assert "running" in text and 'hx-trigger="load delay:500ms"' in fragment     # still polled


def test_campaigns_without_a_pattern_cannot_generate(marketer):
    response = _start(marketer, "happy10", "10")
    assert "has no code pattern" in marketer.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_counts_are_refused_with_a_message(marketer):
    for count in ("", "ten", "0", "99999999999"):
        page = marketer.get(_start(marketer, "sorry", count).headers["Location"]).get_data(as_text=True)
        assert "field-error" in page or "flash--error" in page, count


def test_search_by_prefix_exact_code_and_holder(marketer, engine):
    engine.generate_codes("sorry", 30)
    from promo.core.domain import Customer

    engine.upsert_customer(Customer(id="ana", email="ana@example.com"))
    held = engine.publish("sorry", "ana").code

    by_prefix = marketer.get("/console/codes?q=sorry-").get_data(as_text=True)
    assert len(re.findall(r'name="code" value="SORRY-[A-Z0-9]{5}-[A-Z0-9]{5}"', by_prefix)) == 30
    exact = marketer.get(f"/console/codes?q={held}").get_data(as_text=True)
    assert re.findall(r'name="code" value="([^"]+)"', exact) == [held]
    for holder in ("ana", "ana@example.com"):
        page = marketer.get(f"/console/codes?q={holder}").get_data(as_text=True)
        assert re.findall(r'name="code" value="([^"]+)"', page) == [held]


def test_search_pages_by_key(marketer, engine):
    engine.generate_codes("sorry", 60)
    first = marketer.get("/console/codes?campaign=sorry").get_data(as_text=True)
    codes_1 = re.findall(r'name="code" value="([^"]+)"', first)
    after = re.search(r'after=([A-Z0-9-]+)', first).group(1)
    second = marketer.get(f"/console/codes?campaign=sorry&after={after}").get_data(as_text=True)
    codes_2 = re.findall(r'name="code" value="([^"]+)"', second)
    assert len(codes_1) == 50 and len(codes_2) == 10 and not set(codes_1) & set(codes_2)


def test_disable_a_selection_then_enable_one(marketer, engine):
    engine.generate_codes("sorry", 3)
    codes = [c.code for c in engine.list_codes("sorry").codes]
    marketer.post("/console/codes/status", data={"action": "disable", "code": codes})
    assert [engine.get_code(c).status for c in codes] == ["disabled"] * 3

    refused = engine.validate(None, sample_cart(), [codes[0]])
    assert refused.codes[codes[0]].status.value == "not_applicable"

    marketer.post("/console/codes/status", data={"action": "enable", "code": codes[:1]})
    assert [engine.get_code(c).status for c in codes] == ["active", "disabled", "disabled"]
    assert len([e for e in engine.audit_log(object_type="code") if e.actor == "console:mia@example.com"]) == 4


def test_disabling_the_public_code_stops_it(marketer, engine):
    marketer.post("/console/codes/status", data={"action": "disable", "code": "HAPPY10"})
    assert engine.validate(None, sample_cart(), ["HAPPY10"]).codes["HAPPY10"].status.value == "not_applicable"


def test_codes_export_streams_every_code(marketer, engine):
    engine.generate_codes("sorry", STREAM_CHUNK + 5)
    response = marketer.get("/console/campaigns/sorry/codes.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="sorry-codes.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == STREAM_CHUNK + 5
    assert len({r["code"] for r in rows}) == STREAM_CHUNK + 5
    assert rows[0].keys() >= {"code", "status", "holder_id", "redeemed_count"}


def test_disable_every_code_matching_a_search_then_enable_them(marketer, engine):
    engine.generate_codes("sorry", 12)
    page = marketer.get("/console/codes?q=SORRY-").get_data(as_text=True)
    assert "Disable all 12 matching" in page

    marketer.post("/console/codes/status", data={"action": "disable_matching", "q": "SORRY-", "campaign": "", "status": ""})
    assert {c.status for c in engine.list_codes("sorry").codes} == {"disabled"}
    assert engine.get_code("HAPPY10").status == "active"          # outside the search

    marketer.post("/console/codes/status", data={"action": "enable_matching", "q": "", "campaign": "sorry",
                                                 "status": "disabled"})
    assert {c.status for c in engine.list_codes("sorry").codes} == {"active"}


def test_matching_changes_are_refused_beyond_the_limit(marketer, engine, monkeypatch):
    import shop.console.views.codes as views

    monkeypatch.setattr(views, "MAX_SELECTION", 5)
    engine.generate_codes("sorry", 6)
    assert "matching</button>" not in marketer.get("/console/codes?campaign=sorry").get_data(as_text=True)
    response = marketer.post("/console/codes/status", data={"action": "disable_matching", "campaign": "sorry"},
                             follow_redirects=True)
    assert "Change at most 5 codes at once" in response.get_data(as_text=True)
    assert {c.status for c in engine.list_codes("sorry").codes} == {"active"}


WEEK_CODES = {"id": "birthday", "name": "Happy birthday", "kind": "bulk", "codes": {"pattern": "BDAY-######", "valid_days": 7},
              "effect": {"type": "amount_off_order", "amount": 500}, "limits": {"per_code": 1}}


def _row_text(page: str, code: str) -> str:
    """The words of the list's row for `code`, tags left out."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if f'value="{code}"' in r)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_the_list_states_each_codes_own_end_and_when_it_has_passed(marketer, engine):
    from promo.core.domain import Customer
    from tests.support.consolekit import CONSOLE_NOW, SteppingClock

    engine.create_campaign(WEEK_CODES, actor="test")
    engine.generate_codes("birthday", 2)
    engine.upsert_customer(Customer(id="bea", email="bea@example.com"))
    sent = engine.publish("birthday", "bea").code          # on Nov 25: valid through Dec 2
    unsent = next(c.code for c in engine.list_codes("birthday").codes if c.code != sent)
    engine.generate_codes("sorry", 1)
    sorry = engine.list_codes("sorry").codes[0].code

    page = marketer.get("/console/codes?q=bday-").get_data(as_text=True)
    assert "Expiry" in page
    assert "expires Dec 2, 2026" in _row_text(page, sent)
    assert "Dec 2, 2026" not in _row_text(page, unsent)    # in the pool: its end is set when it is sent
    assert "—" in _row_text(marketer.get("/console/codes?q=sorry-").get_data(as_text=True), sorry)

    engine.clock = SteppingClock(CONSOLE_NOW + timedelta(days=8))
    row = _row_text(marketer.get("/console/codes?q=bday-").get_data(as_text=True), sent)
    assert "expired Dec 2, 2026" in row and "expires" not in row
    # The day the engine refuses it on.
    assert engine.validate("bea", sample_cart(), [sent]).codes[sent].message == "This code expired on Dec 2, 2026."


def test_codes_export_gives_each_sent_codes_own_end(marketer, engine):
    from promo.core.domain import Customer

    engine.create_campaign(WEEK_CODES, actor="test")
    engine.generate_codes("birthday", 2)
    engine.upsert_customer(Customer(id="bea", email="bea@example.com"))
    sent = engine.publish("birthday", "bea").code          # on Nov 25: valid through Dec 2

    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(
        marketer.get("/console/campaigns/birthday/codes.csv").get_data(as_text=True)))}
    assert rows[sent]["holder_id"] == "bea"
    assert rows[sent]["expires_at"] == engine.get_code(sent).expires_at.isoformat()
    assert rows[sent]["expires_at"].startswith("2026-12-0")
    assert [r["expires_at"] for code, r in rows.items() if code != sent] == [""]   # still in the pool
