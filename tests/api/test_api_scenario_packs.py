"""Scenario packs: `flask promo load` is idempotent, and a bad file is named with path and problem."""

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from promo.core.domain import Cart, CartLine
from promo.core.reasons import Reason
from promo.packs.scenario import ScenarioError, parse_pack, read_pack
from shop.web.extensions import promo_engine

REPO = Path(__file__).resolve().parents[2]
README = REPO / "scenarios" / "README.md"


def readme_example() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return blocks[-1]


@pytest.fixture
def pack_file(tmp_path):
    path = tmp_path / "corner.yaml"
    path.write_text(readme_example(), encoding="utf-8")
    return path


# Relative dates ("birthday: today", "last order 9 days ago") resolve against --today; without it,
# two loads on either side of the store's midnight would differ.
TODAY = "2026-11-27"


def load(app, path, *extra):
    return app.test_cli_runner().invoke(args=["promo", "load", str(path), *extra])


def store_state(app):
    """Everything a load writes, plus the audit log (every engine write leaves an entry)."""
    engine = promo_engine(app)
    campaigns = engine.list_campaigns()
    return {
        "categories": engine.list_categories(),
        "products": engine.list_products(),
        "customers": [(engine.get_customer(c), dict(engine.get_customer(c).metadata))
                      for c in ("newbie", "regular", "birthday")],
        "campaigns": [(c.id, c.version, c.updated_at, c.definition) for c in campaigns],
        "codes": {c.id: engine.list_codes(c.id, limit=1000).codes for c in campaigns},
        "wallet": engine.customer_codes("regular"),
        "audit": len(engine.audit_log(limit=1000)),
    }


def test_the_readme_example_loads_and_a_second_load_changes_nothing(api_app, pack_file):
    first = load(api_app, pack_file, "--today", TODAY)
    with api_app.app_context():
        after_first = store_state(api_app)
    second = load(api_app, pack_file, "--today", TODAY)
    with api_app.app_context():
        after_second = store_state(api_app)

    assert first.exit_code == 0, first.output
    assert "campaigns: 2 created" in first.output
    assert "codes: 20 created" in first.output
    assert "publications: 1 created" in first.output
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert "created" not in second.output and "updated" not in second.output
    assert after_second == after_first
    assert len(after_first["codes"]["sorry"]) == 20
    assert [c.holder_id for c in after_first["wallet"]] == ["regular"]


def test_a_changed_entry_updates_only_that_entry(api_app, pack_file):
    load(api_app, pack_file, "--today", TODAY)
    data = yaml.safe_load(pack_file.read_text())
    data["products"][0]["price"] = 1500
    data["codes"][0]["count"] = 25
    pack_file.write_text(yaml.safe_dump(data))

    result = load(api_app, pack_file, "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert "products: 1 updated, 2 unchanged" in result.output
    assert "codes: 5 created, 20 unchanged" in result.output
    assert "campaigns: 2 unchanged" in result.output
    with api_app.app_context():
        assert promo_engine(api_app).get_product("BEANS-HOUSE").price == 1500


def test_the_demo_store_pack_loads_twice_without_changes(api_app):
    first = load(api_app, REPO / "scenarios" / "arabica.yaml", "--today", TODAY)
    second = load(api_app, REPO / "scenarios" / "arabica.yaml", "--today", TODAY)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0 and "nothing changed" in second.output, second.output


def test_json_packs_work_too(api_app, tmp_path):
    path = tmp_path / "corner.json"
    path.write_text(json.dumps(yaml.safe_load(readme_example())), encoding="utf-8")

    result = load(api_app, path)

    assert result.exit_code == 0, result.output
    assert "products: 3 created" in result.output


EFFECT = "effect: {type: amount_off_order, amount: 100}"
BAD_PACKS = [
    ("products:\n  - {sku: A, name: A, price: 19.5}\n",
     "products[0].price: must be a whole number of minor units (cents), e.g. 1950 for 19.50, got 19.5"),
    ("prodcts: []\n",
     "prodcts: unknown key (did you mean 'products'?)"),
    ("campaigns:\n  - {id: x, name: X, kind: coupon, code: XXX, effect: {type: percent_off_order, percent: 120}}\n",
     "campaigns[0].effect.percent: "),
    ("customers:\n  - {id: vip}\npublications:\n  - {campaign: nope, customer: vipp, source_id: s}\n",
     "publications[0].customer: 'vipp' is not one of the pack's customers (did you mean 'vip'?)"),
    ("customers:\n  - {id: quiet, accepts_marketing: nope}\n",
     "customers[0].accepts_marketing: must be true or false, got 'nope'"),
    ("store: {name: S, currency: usd, locale: en_US, timezone: Mars/Olympus}\n",
     "store.currency: must be a three-letter ISO 4217 code like USD or THB, got 'usd'"),
    ("products:\n  - {sku: A, name: A, price: 100\n",
     "line 3, column 1: did not find expected ',' or '}'"),
    (f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{from: today+five}}, {EFFECT}}}\n",
     "campaigns[0].active.from: must be a date like 2026-11-30, a date and time like \"2026-11-30 18:00\", or a day "
     "relative to today like today, today-7 or today+5; got 'today+five'"),
    (f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{until: \"-5 days\"}}, {EFFECT}}}\n",
     "campaigns[0].active.until: must be a date like 2026-11-30, a date and time like \"2026-11-30 18:00\", or a day "
     "relative to today like today, today-7 or today+5; got '-5 days'"),
    (f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{from: today+3, until: today-3}}, {EFFECT}}}\n",
     "campaigns[0].active.until: must be after from"),
    # Unquoted, these look like YAML dates but do not exist; they are reported at their field
    # like the quoted form, not as "day is out of range for month" for the whole file.
    (f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{from: 2026-11-31}}, {EFFECT}}}\n",
     "campaigns[0].active.from: must be a date like 2026-11-30, a date and time like \"2026-11-30 18:00\", or a day "
     "relative to today like today, today-7 or today+5; got '2026-11-31'"),
    ("customers:\n  - {id: leap, birthday: 1990-02-30}\n",
     "customers[0].birthday: must be a date like 1990-05-17 or \"today\", got '1990-02-30'"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_PACKS)
def test_a_bad_file_is_named_with_the_path_and_the_problem(api_app, tmp_path, text, problem):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")

    result = load(api_app, path)

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{path}: " in result.output
    assert problem in result.output
    with api_app.app_context():
        assert promo_engine(api_app).list_products() == []


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        parse_pack({
            "store": {"name": "S", "currency": "USD", "locale": "en_US", "timezone": "UTC"},
            "products": [{"sku": "A", "name": "A", "price": -1}, {"sku": "A", "name": "", "price": 1}],
            "customers": [{"id": "a", "birthday": "someday"}],
        }, source="pack.yaml")

    assert str(caught.value).splitlines() == [
        "pack.yaml: products[0].price: must be between 0 and 1000000000000, got -1",
        "pack.yaml: products[1].name: must not be empty",
        "pack.yaml: customers[0].birthday: must be a date like 1990-05-17 or \"today\", got 'someday'",
    ]


def test_a_date_that_does_not_exist_hides_no_other_problem(tmp_path):
    path = tmp_path / "dates.yaml"
    path.write_text(
        "products:\n  - {sku: A, name: A, price: -1}\n"
        "customers:\n  - {id: leap, birthday: 1990-02-30}\n  - {id: ok, birthday: 1990-02-28}\n"
        f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{until: 2026-13-01 10:00:00}}, {EFFECT}}}\n",
        encoding="utf-8")

    with pytest.raises(ScenarioError) as caught:
        read_pack(path, today=date(2026, 11, 27))

    problems = [f"{e.path}: {e.message}" for e in caught.value.errors]
    assert problems[0].startswith("products[0].price: ")
    assert "customers[0].birthday: must be a date like 1990-05-17 or \"today\", got '1990-02-30'" in problems
    assert any(p.startswith("campaigns[0].active.until: ") and p.endswith("got '2026-13-01 10:00:00'") for p in problems)
    assert len(problems) == 3


def test_missing_and_wrongly_named_files(api_app, tmp_path):
    missing = load(api_app, tmp_path / "nope.yaml")
    text_file = tmp_path / "pack.txt"
    text_file.write_text("{}")
    wrong_kind = load(api_app, text_file)

    assert missing.exit_code == 1 and "nope.yaml: no such file" in missing.output
    assert wrong_kind.exit_code == 1 and "must be a .yaml, .yml or .json file" in wrong_kind.output


def test_relative_dates_resolve_against_today_in_the_store_zone(pack_file):
    pack = read_pack(pack_file, today=date(2026, 11, 27))

    customers = {c.id: c for c in pack.customers}
    assert customers["birthday"].is_birthday(date(2026, 11, 27))
    # 9 days before 27 November, at noon in Chicago (UTC-6)
    assert customers["regular"].last_order_at == datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
    assert [p.key for p in pack.personas] == ["guest", "new", "vip"]


def test_a_pack_customer_may_decline_marketing():
    pack = parse_pack({"customers": [{"id": "quiet", "accepts_marketing": False}, {"id": "chatty"}]}, source="p.yaml")

    assert [(c.id, c.accepts_marketing) for c in pack.customers] == [("quiet", False), ("chatty", True)]


def test_relative_campaign_dates_resolve_against_today_in_the_store_zone():
    pack = parse_pack({
        "store": {"name": "S", "currency": "USD", "locale": "en_US", "timezone": "America/Chicago"},
        "campaigns": [{"id": "sale", "name": "Sale", "kind": "promotion", "active": {"from": "today-3", "until": "today+5"},
                       "effect": {"type": "percent_off_order", "percent": 10}},
                      {"id": "today-only", "name": "Today only", "kind": "promotion",
                       "active": {"from": "today", "until": "today"}, "effect": {"type": "percent_off_order", "percent": 5}}],
    }, today=date(2026, 11, 27))

    chicago = ZoneInfo("America/Chicago")
    (sale, sale_definition), (today_only, today_definition) = pack.campaigns
    # Through the end of the `until` day, as a written date is.
    assert (sale.starts_at, sale.ends_at) == (datetime(2026, 11, 24, tzinfo=chicago), datetime(2026, 12, 3, tzinfo=chicago))
    assert (today_only.starts_at, today_only.ends_at) == (datetime(2026, 11, 27, tzinfo=chicago),
                                                          datetime(2026, 11, 28, tzinfo=chicago))
    # Stored as the dates they resolved to: the engine reads no relative dates.
    assert sale_definition["active"] == {"from": "2026-11-24", "until": "2026-12-02"}
    assert today_definition["active"] == {"from": "2026-11-27", "until": "2026-11-27"}


def test_the_demo_stores_black_friday_moves_with_the_load_date(api_app):
    pack = REPO / "scenarios" / "arabica.yaml"
    load(api_app, pack, "--today", "2026-11-25")
    with api_app.app_context():
        first = promo_engine(api_app).get_campaign("blckfrdy").definition["active"]

    later = load(api_app, pack, "--today", "2026-12-05")

    assert first == {"from": "2026-11-18", "until": "2026-11-30"}
    assert later.exit_code == 0, later.output
    assert "campaigns: 3 updated" in later.output        # Black Friday, the clearance sale and kettle week
    with api_app.app_context():
        assert promo_engine(api_app).get_campaign("blckfrdy").definition["active"] == {"from": "2026-11-28", "until": "2026-12-10"}


NEW_YORK = ZoneInfo("America/New_York")
SCALE = Cart((CartLine("GEAR-SCALE", "Brewing Scale", 4500, 1, frozenset({"brewing-gear"})),))


def birthday_code(engine):
    return next(c for c in engine.customer_codes("birthday") if c.campaign_id == "birthday")


def test_reloading_days_later_renews_the_unused_birthday_code(api_app):
    pack = REPO / "scenarios" / "arabica.yaml"
    load(api_app, pack, "--today", "2026-11-25")
    with api_app.app_context():
        first = birthday_code(promo_engine(api_app))

    later = load(api_app, pack, "--today", "2026-12-05")

    assert first.expires_at == datetime(2026, 12, 3, tzinfo=NEW_YORK)           # through Dec 2
    assert later.exit_code == 0, later.output
    assert "publications: 1 updated, 4 unchanged" in later.output
    with api_app.app_context():
        engine = promo_engine(api_app)
        renewed = birthday_code(engine)
        assert (renewed.code, renewed.expires_at) == (first.code, datetime(2026, 12, 13, tzinfo=NEW_YORK))  # through Dec 12
        engine.clock = lambda: datetime(2026, 12, 12, 22, 0, tzinfo=NEW_YORK)
        assert engine.validate("birthday", SCALE, [first.code]).codes[first.code].discount == 2250   # half of $45
        engine.clock = lambda: datetime(2026, 12, 13, 9, 0, tzinfo=NEW_YORK)
        assert engine.validate("birthday", SCALE, [first.code]).codes[first.code].reason is Reason.EXPIRED


def test_a_used_birthday_code_keeps_its_end_when_the_pack_is_reloaded(api_app):
    pack = REPO / "scenarios" / "arabica.yaml"
    load(api_app, pack, "--today", "2026-11-25")
    with api_app.app_context():
        engine = promo_engine(api_app)
        code = birthday_code(engine).code
        engine.clock = lambda: datetime(2026, 11, 26, 12, 0, tzinfo=NEW_YORK)
        engine.redeem("birthday", SCALE, [code], order_ref="BDAY-1")

    later = load(api_app, pack, "--today", "2026-12-05")

    assert later.exit_code == 0, later.output
    assert "publications: 5 unchanged" in later.output
    with api_app.app_context():
        assert birthday_code(promo_engine(api_app)).expires_at == datetime(2026, 12, 3, tzinfo=NEW_YORK)


def test_the_engine_refusing_an_entry_names_it(api_app, tmp_path):
    first = tmp_path / "first.yaml"
    first.write_text("campaigns:\n  - {id: a, name: A, kind: coupon, code: SAME, effect: {type: amount_off_order, amount: 100}}\n")
    second = tmp_path / "second.yaml"
    second.write_text("campaigns:\n  - {id: b, name: B, kind: coupon, code: SAME, effect: {type: amount_off_order, amount: 100}}\n")
    load(api_app, first)

    result = load(api_app, second)

    assert result.exit_code == 1
    assert f"{second}: campaigns[0]: code 'SAME' already belongs to campaign 'a'" in result.output


def test_store_settings_that_differ_from_the_app_are_pointed_out(api_app, tmp_path):
    path = tmp_path / "thb.yaml"
    path.write_text("store: {name: Arabica & Co., currency: THB, locale: th_TH, timezone: Asia/Bangkok}\n")

    result = load(api_app, path)

    assert result.exit_code == 0
    assert "currency: pack 'THB', app 'USD' (set PROMOSHOP_STORE_CURRENCY=THB)" in result.output


# --- flask promo generate ----------------------------------------------------------------------


def test_generate_adds_codes_in_batches(api_app, pack_file):
    load(api_app, pack_file)

    result = api_app.test_cli_runner().invoke(args=["promo", "generate", "sorry", "--count", "2500", "--batch-size", "1000"])

    assert result.exit_code == 0, result.output
    assert "Generated 2,500 codes for sorry." in result.output
    with api_app.app_context():
        assert promo_engine(api_app).list_codes("sorry", limit=1).total == 2520


@pytest.mark.parametrize(("args", "message"), [
    (["nope", "--count", "5"], "no campaign 'nope'"),
    (["welcome10", "--count", "5"], "has no code pattern"),
    (["sorry", "--count", "0"], "Invalid value for '--count'"),
])
def test_generate_errors_are_one_clear_line(api_app, pack_file, args, message):
    load(api_app, pack_file)

    result = api_app.test_cli_runner().invoke(args=["promo", "generate", *args])

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
