"""The marketer console in a real browser, next to a shopper using the real cart.

Each test runs its own seeded Arabica & Co. store (frozen clock, CSRF on) with one console user
per role, so pausing, generating and rolling back never change what other tests see.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from promo.core.domain import Cart, CartLine
from shop.console import jobs
from shop.console.models import Role
from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, checkout, code_result, enter_code, open_cart, total
from tests.support.consolekit import EMAILS, FAST_HASH, PASSWORD, create_console_users

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"


@pytest.fixture
def console_store(make_app, seed_store, make_live_server):
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True, CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH)
    seed_store(app)
    create_console_users(app)
    return app, make_live_server(app)


@pytest.fixture
def second_page(browser):
    """A second person at another computer: their own cookies and session."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, url: str, role: Role) -> None:
    page.goto(url + "/console/login")
    page.get_by_label("Email").fill(EMAILS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Campaigns")).to_be_visible()


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_paused_campaign_leaves_the_shoppers_open_cart_at_its_next_update(console_store, page, second_page):
    app, url = console_store
    shopper, marketer = page, second_page
    add_to_cart(shopper, url, "ARA-COL-HUILA", 2)          # 2 x $17.50
    open_cart(shopper, url)
    enter_code(shopper, "HAPPY10")
    expect(code_result(shopper, "HAPPY10")).to_contain_text("Applied: you save $3.50.")

    sign_in(marketer, url, Role.MARKETER)
    marketer.get_by_role("button", name="Pause Happy 10").click()
    expect(marketer.get_by_role("status")).to_contain_text("Happy 10 is paused")
    expect(marketer.locator("tr[data-campaign=happy10]")).to_contain_text("paused")
    shoot(marketer, "campaigns-after-pause")

    quantity = shopper.get_by_label("Quantity of Colombia Huila")
    quantity.fill("3")
    quantity.press("Enter")

    expect(shopper.get_by_test_id("subtotal")).to_have_text("$52.50")
    expect(code_result(shopper, "HAPPY10")).to_contain_text("This offer is paused right now.")
    expect(shopper.locator("[data-testid=applied-offer][data-campaign=happy10]")).to_have_count(0)

    marketer.get_by_role("button", name="Resume Happy 10").click()
    quantity.fill("2")
    quantity.press("Enter")
    expect(code_result(shopper, "HAPPY10")).to_contain_text("Applied: you save $3.50.")


@pytest.fixture
def job_held_after_first_batch(monkeypatch):
    """Hold a code job after it records its first batch until the test lets it go.

    A fast machine writes 10,000 codes before the page's first poll, so without the hold the
    test could only ever see 0% and 100%. The job itself is real: the hold only delays it."""
    release = threading.Event()
    record_progress = jobs._update

    def held(job_id, *, done=None, **changes):
        record_progress(job_id, done=done, **changes)
        if done and not changes and not release.is_set():
            release.wait(timeout=30)

    monkeypatch.setattr(jobs, "_update", held)
    yield release
    release.set()


def test_marketer_generates_10000_codes_and_watches_progress_reach_100(console_store, page,
                                                                       job_held_after_first_batch):
    app, url = console_store
    with app.app_context():
        # The pack's SORRY-###### keyspace allows only 594 codes (1 in 10^6 guessable); a
        # newsletter campaign with a longer pattern takes 10,000.
        promo_engine().create_campaign({"id": "newsletter", "name": "Newsletter", "kind": "bulk",
                                        "codes": {"pattern": "NEWS-#####-#####"},
                                        "effect": {"type": "amount_off_order", "amount": 500},
                                        "limits": {"per_code": 1}}, actor="test")
    sign_in(page, url, Role.MARKETER)
    page.goto(url + "/console/campaigns/newsletter")
    polls: list[str] = []
    page.on("response", lambda r: polls.append(r.url) if "/console/jobs/" in r.url else None)
    page.get_by_label("Generate codes").fill("10000")
    page.get_by_role("button", name="Generate", exact=True).click()

    job = page.locator(".job").first
    # 10,000 codes go in 20 batches of 500; the job is held after the first one, and the
    # page shows it without being reloaded because htmx polls the job fragment.
    expect(job.locator(".job__percent")).to_have_text("5%")
    expect(job).to_contain_text("500 of 10,000")
    expect(job.locator(".badge")).to_have_text("running")
    shoot(page, "campaign-codes-generating")

    job_held_after_first_batch.set()
    expect(job.locator(".job__percent")).to_have_text("100%", timeout=60_000)
    expect(job).to_contain_text("10,000 of 10,000")
    expect(job).to_contain_text("codes/s")
    assert polls, "the page never polled the job"
    expect(job.locator(".badge")).to_have_text("done")
    page.reload()                                          # the result is kept, not only on the page
    expect(page.locator(".job").first).to_contain_text("10,000 of 10,000")
    expect(page.locator("#codes")).to_contain_text("10,000 active")
    shoot(page, "campaign-codes-generated")
    with app.app_context():
        assert promo_engine().list_codes("newsletter", limit=1).total == 10_000


def test_console_rollback_makes_the_shoppers_code_usable_again(console_store, page, second_page):
    app, url = console_store
    with app.app_context():
        engine = promo_engine()
        engine.generate_codes("sorry", 1, actor="test")
        code = engine.list_codes("sorry").codes[0].code
    shopper, marketer = page, second_page

    add_to_cart(shopper, url, "ARA-COL-HUILA", 2)
    open_cart(shopper, url)
    enter_code(shopper, code)
    expect(code_result(shopper, code)).to_contain_text("Applied")
    checkout(shopper)
    # The used code is kept in the next cart with the reason it does not apply (the cart keeps
    # every code that exists, so it can apply again when things change).
    add_to_cart(shopper, url, "ARA-COL-HUILA", 2)
    open_cart(shopper, url)
    enter_code(shopper, code)
    expect(code_result(shopper, code)).to_have_attribute("data-status", "rejected")
    expect(total(shopper)).to_have_text("$40.95")

    sign_in(marketer, url, Role.MARKETER)
    marketer.get_by_role("link", name="Redemptions").click()
    marketer.locator("tr", has_text=code).get_by_role("link").first.click()
    expect(marketer.get_by_role("heading", level=1)).to_contain_text("Order")
    shoot(marketer, "redemption-detail")
    marketer.get_by_label("Reason (goes into the audit log)").fill("customer complained; goodwill")
    marketer.get_by_role("button", name="Roll back order").click()
    expect(marketer.get_by_role("status")).to_contain_text("rolled back")
    expect(marketer.get_by_role("heading", level=1)).to_contain_text("rolled back")

    open_cart(shopper, url)                                # the cart's next update
    expect(code_result(shopper, code)).to_have_attribute("data-status", "applied")
    expect(code_result(shopper, code)).to_contain_text("Applied: you save $10.00.")
    expect(total(shopper)).to_have_text("$30.95")


def test_viewer_cannot_change_anything_and_forged_posts_get_400(console_store, page, second_page):
    app, url = console_store
    sign_in(page, url, Role.VIEWER)
    expect(page.get_by_text("You have read-only access")).to_be_visible()
    expect(page.get_by_role("button", name="Pause Happy 10")).to_have_count(0)
    page.goto(url + "/console/campaigns/happy10")
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    shoot(page, "viewer-campaign")

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.content()).group(1)
    with_token = page.request.post(url + "/console/campaigns/happy10/status",
                                   form={"action": "pause", "csrf_token": token}, max_redirects=0)
    assert with_token.status == 403

    sign_in(second_page, url, Role.MARKETER)
    forged = second_page.request.post(url + "/console/campaigns/happy10/status", form={"action": "pause"},
                                      max_redirects=0)
    assert forged.status == 400
    with app.app_context():
        assert promo_engine().get_campaign("happy10").status == "active"


def test_the_codes_list_states_the_birthday_codes_own_end(console_store, page):
    app, url = console_store
    sign_in(page, url, Role.VIEWER)
    page.goto(url + "/console/codes?q=birthday")          # the birthday persona's codes, by holder

    row = page.get_by_role("row").filter(has_text="BDAY-")
    expect(row).to_have_count(1)
    # Sent when the store was seeded on Wed Nov 25: valid for the 7 days after.
    expect(row.get_by_test_id("code-expiry")).to_have_text("expires Dec 2, 2026")
    shoot(page, "codes-expiry")


def test_screenshots_of_every_console_page(console_store, page):
    app, url = console_store
    with app.app_context():
        engine = promo_engine()
        shoppers = ("new-customer", "vip", None, "dormant")
        for n, codes in enumerate((["HAPPY10"], ["BLCKFRDY"], [], ["HAPPY10"])):
            cart = Cart((CartLine("ARA-COL-HUILA", "Colombia Huila", 1750, 2 + n),
                         CartLine("GEAR-DRIPPER", "Ceramic Dripper", 2800, 1)))
            engine.redeem(shoppers[n], cart, codes, order_ref=f"SHOT-{n}")
    page.goto(url + "/console/login")
    shoot(page, "login")
    sign_in(page, url, Role.ADMIN)
    shoot(page, "campaigns")
    for path, name in [
        ("/console/campaigns/happy10", "campaign-happy10"),
        ("/console/campaigns/new?kind=public_code", "new-public-code"),
        ("/console/campaigns/new?kind=tiers", "new-tiers"),
        ("/console/campaigns/new?kind=bxgy", "new-bxgy"),
        ("/console/campaigns/happy10/edit", "editor"),
        ("/console/campaigns/spend-tiers/edit/guided", "edit-guided-tiers"),
        ("/console/campaigns/tote-with-gear/edit/guided", "edit-falls-back-to-definition"),
        ("/console/campaigns/happy10/edit/guided", "edit-guided-public-code"),
        ("/console/codes?q=HAPPY", "codes"),
        ("/console/redemptions", "redemptions"),
        ("/console/audit", "audit"),
        ("/console/users", "users"),
    ]:
        page.goto(url + path)
        expect(page.locator("h1")).to_be_visible()
        shoot(page, name)

    page.goto(url + "/console/campaigns/happy10/edit")
    page.locator("textarea[name=definition]").fill(
        "id: happy10\nname: Happy 10\nkind: coupon\ncode: HAPPY10\neffect:\n  type: percent_off_order\n  percent: 150\n")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".annotated__line--bad")).to_contain_text("percent: 150")
    # The summary names each problem as "path: message", linked to its line.
    problems = page.locator("#editor-problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("effect.percent: must be between 0 and 100")
    expect(problems.first.get_by_role("link", name="line 7")).to_have_attribute("href", "#line-7")
    expect(page.locator("textarea[name=definition]")).to_have_attribute("aria-describedby", "editor-problems")
    shoot(page, "editor-errors")

    page.goto(url + "/console/campaigns/new?kind=public_code")
    page.get_by_label("Name").fill("Spring")
    page.get_by_label("Code", exact=True).fill("HAPPY10")
    page.get_by_label("Value").fill("abc")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.locator(".field-error").first).to_be_visible()
    shoot(page, "new-campaign-errors")

    page.goto(url + "/console/try")
    page.get_by_label("Customer").select_option(label="Dormant")
    page.get_by_label("Quantity of Colombia Huila").fill("2")
    page.get_by_label("Quantity of Ceramic Dripper").fill("1")
    page.get_by_label("Codes").fill("HAPPY10 NOPE")
    page.get_by_role("button", name="Evaluate").click()
    expect(page.get_by_role("heading", name="Every offer, and why")).to_be_visible()
    expect(page.locator(".result h2")).to_have_text("Dana Dorsey")
    expect(page.locator(".result")).not_to_contain_text("(applied)")   # the badge says it already
    expect(page.locator(".result .reason-code", has_text="code_not_found")).to_be_visible()
    # With the store's $5.95 shipping, as a shopper's cart has it: $56.70 after discounts ships free.
    expect(page.get_by_test_id("try-shipping")).to_have_text("Free −$5.95")
    shoot(page, "try-it")

    page.goto(url + "/console/redemptions")
    page.locator("table a").first.click()
    shoot(page, "redemption")
