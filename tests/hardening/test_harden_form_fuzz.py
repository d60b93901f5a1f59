"""Property-based fuzzing of every storefront and console form through the Flask test client,
on SQLite and on PostgreSQL (whose driver refuses what SQLite lets through, such as NUL
characters): whatever a browser (or a bot) posts, the answer is a page or a clear 4xx, never a 500.

Values mix ordinary words with what breaks naive code: control characters, RTL and emoji,
huge strings, numbers at the edges, lone surrogates' UTF-8 neighbours. Each form gets
FUZZ_EXAMPLES generated bodies (HYPOTHESIS_PROFILE-independent, and no example database, so the
figure in docs/reliability.md is reproducible): run with -s, the module prints
"form fuzz: <forms> forms, <bodies> bodies posted, <n> server errors" at its end.
FORM_FUZZ_EXAMPLES=300 runs a longer campaign than CI's."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.console.models import Role
from tests.support.consolekit import FAST_HASH, create_console_users, sign_in
from tests.support.webkit import DATABASES, app_on, as_persona, seeded

FUZZ_EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "30"))
# PostgreSQL gets half as many bodies per form: enough for the NUL characters and other values its
# driver refuses (they are among NASTY, drawn often), at half the time of a second full run.
EXAMPLES_ON = {"sqlite": FUZZ_EXAMPLES, "postgresql": max(1, FUZZ_EXAMPLES // 2)}
FIELDS = ["action", "back", "campaign", "checkout_token", "code", "codes", "count", "definition", "email", "format",
          "item_id", "name", "next", "password", "persona", "q", "quantity", "reason", "role", "scope", "sku",
          "spend_key", "status", "step", "customer", "kind", "percent", "amount", "min_subtotal", "starts", "ends",
          "accepts_marketing"]
NASTY = ["", " ", "0", "-1", "1e309", "99999999999999999999", "NaN", "\x00", "\u202eRTL\u202c", "مرحبا", "שלום",
         "🎉🎉", "ＦＵＬＬＷＩＤＴＨ", "ﬁ", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%n",
         "a" * 5000, "HAPPY10", "ARA-ETH-YIRG", "vip", "admin", "yaml: [unclosed", "{\"json\": true}", "\r\n\t"]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=80), st.integers(-10**12, 10**12).map(str))
BODIES = st.dictionaries(st.sampled_from(FIELDS), st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=8)

STORE_FORMS = ["/cart/add", "/cart/update", "/cart/remove", "/cart/codes", "/cart/codes/remove", "/checkout/codes",
               "/checkout/codes/remove", "/checkout", "/signin", "/register", "/signout", "/demo/persona",
               "/wallet/referral-code", "/wallet/points/loyalty/1", "/wallet/emails", "/orders/1/cancel"]
CONSOLE_FORMS = ["/console/login", "/console/campaigns/new/raw", "/console/campaigns/new", "/console/try",
                 "/console/codes/status", "/console/users", "/console/users/1", "/console/api-keys",
                 "/console/api-keys/psk_xx/revoke", "/console/redemptions/1/rollback", "/console/campaigns/happy10/jobs",
                 "/console/campaigns/happy10/status", "/console/campaigns/happy10/duplicate",
                 "/console/campaigns/happy10/edit", "/console/campaigns/happy10/edit/guided"]
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# What the module did, printed at its end: the figure docs/reliability.md quotes.
TALLY = {"forms": set(), "bodies": 0, "server_errors": 0}


@pytest.fixture(scope="module", autouse=True)
def report_the_case_count():
    yield
    if TALLY["bodies"]:
        print(f"\nform fuzz: {len(TALLY['forms'])} forms, {TALLY['bodies']} bodies posted, "
              f"{TALLY['server_errors']} server errors")


@pytest.fixture(scope="module", params=DATABASES)
def store(request, make_app, tmp_path_factory):
    with app_on(request.param, make_app, tmp_path_factory.mktemp("form-fuzz"), DEMO_MODE=True, RATELIMIT_ENABLED=False,
                CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH) as app:
        yield seeded(app)


@pytest.fixture
def examples(request) -> int:
    return EXAMPLES_ON[request.node.callspec.params["store"]]


@pytest.fixture(scope="module")
def shopper(store):
    client = store.test_client()
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    return client


@pytest.fixture(scope="module")
def admin(store):
    create_console_users(store)
    return sign_in(store.test_client(), Role.ADMIN)


def post_survives(client, path, body, **headers):
    response = client.post(path, data=body, headers=headers)
    TALLY["forms"].add(path)
    TALLY["bodies"] += 1
    TALLY["server_errors"] += response.status_code >= 500
    assert response.status_code < 500, (path, body, response.get_data(as_text=True)[:500])


@pytest.mark.slow
@pytest.mark.parametrize("path", STORE_FORMS)
def test_storefront_forms_never_answer_500(shopper, path, examples):
    @settings(FUZZ, max_examples=examples)
    @given(body=BODIES, as_htmx=st.booleans())
    def run(body, as_htmx):
        post_survives(shopper, path, body, **({"HX-Request": "true", "HX-Target": "cart-items"} if as_htmx else {}))
        as_persona(shopper, "vip")   # a fuzzed sign-out or sign-in must not change who the next body comes from

    run()


@pytest.mark.slow
@pytest.mark.parametrize("path", CONSOLE_FORMS)
def test_console_forms_never_answer_500(admin, path, examples):
    @settings(FUZZ, max_examples=examples)
    @given(body=BODIES)
    def run(body):
        post_survives(admin, path, body)
        if path == "/console/login":
            sign_in(admin, Role.ADMIN)

    run()
