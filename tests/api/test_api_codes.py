"""Codes over HTTP: generate, list with paging and filters, look up, disable, enable."""

from tests.support.apikit import BEANS_40, bulk, coupon


def generated(api, count, campaign="sorry"):
    return api.ok("POST", f"/campaigns/{campaign}/codes", 201, json={"count": count})


def test_generate_makes_codes_from_the_pattern(api):
    api.ok("POST", "/campaigns", 201, json=bulk())

    assert generated(api, 25) == {"campaign_id": "sorry", "generated": 25}
    page = api.ok("GET", "/campaigns/sorry/codes?limit=100", key="read")
    assert page["total"] == 25
    assert all(c["code"].startswith("SORRY-") and len(c["code"]) == 12 for c in page["codes"])
    assert len({c["code"] for c in page["codes"]}) == 25


def test_generation_that_would_make_codes_guessable_is_refused(api):
    api.ok("POST", "/campaigns", 201, json=bulk(campaign_id="tiny", pattern="T-######"))

    response = api.post("/campaigns/tiny/codes", json={"count": 600})   # 29^6 / 10^6 = 594 allowed

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "keyspace_too_small"
    assert error["details"]["allowed"] == 594


def test_generate_needs_a_campaign_with_a_pattern(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    assert api.post("/campaigns/happy10/codes", json={"count": 5}).get_json()["error"]["code"] == "no_code_pattern"
    assert api.post("/campaigns/nope/codes", json={"count": 5}).status_code == 404


def test_generate_count_is_bounded_per_request(api):
    api.ok("POST", "/campaigns", 201, json=bulk())

    response = api.post("/campaigns/sorry/codes", json={"count": 100_001})

    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"] == [{"path": "count", "message": "must be at most 100000"}]


def walk(api, limit, between=lambda after: None):
    """Every code over GET /campaigns/sorry/codes, page by page; `between(after)` runs before each
    page after the first."""
    seen, after = [], None
    while True:
        page = api.ok("GET", f"/campaigns/sorry/codes?limit={limit}" + (f"&after={after}" if after else ""))
        seen += [c["code"] for c in page["codes"]]
        after = page["next_after"]
        if after is None:
            return seen
        between(after)


def every_code(api):
    return {c["code"] for c in api.ok("GET", "/campaigns/sorry/codes?limit=1000")["codes"]}


def test_paging_walks_every_code_once(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 23)

    seen = walk(api, 10)

    assert len(seen) == 23 and seen == sorted(set(seen))


def test_prefix_and_holder_filters(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 40)
    api.ok("PUT", "/customers/ana", json={"name": "Ana"})
    held = api.ok("POST", "/publications", 201, json={"campaign": "sorry", "customer": "ana", "source_id": "t-1"})["code"]
    prefix = held[:7]   # "SORRY-" and the first random character

    by_prefix = api.ok("GET", f"/campaigns/sorry/codes?prefix={prefix.lower()}")
    by_holder = api.ok("GET", "/campaigns/sorry/codes?holder=ana")

    assert held in [c["code"] for c in by_prefix["codes"]]
    assert all(c["code"].startswith(prefix) for c in by_prefix["codes"])
    assert by_prefix["total"] == len(by_prefix["codes"]) < 40
    assert [c["code"] for c in by_holder["codes"]] == [held]
    assert by_holder["codes"][0]["holder_id"] == "ana"


def test_prefix_filter_pages_too(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 30)

    first = api.ok("GET", "/campaigns/sorry/codes?prefix=SORRY-&limit=20")
    rest = api.ok("GET", f"/campaigns/sorry/codes?prefix=SORRY-&limit=20&after={first['next_after']}")

    assert first["total"] == 30 and len(first["codes"]) == 20 and len(rest["codes"]) == 10
    assert rest["next_after"] is None


def test_prefix_is_matched_literally(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 5)

    assert api.ok("GET", "/campaigns/sorry/codes?prefix=SORRY_")["total"] == 0
    assert api.ok("GET", "/campaigns/sorry/codes?prefix=%25")["total"] == 0


def test_code_lookup_ignores_case_and_spaces(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    body = api.ok("GET", "/codes/%20happy10%20", key="read")

    assert body["code"] == "HAPPY10"
    assert body["campaign_id"] == "happy10"
    assert body["status"] == "active"
    assert api.get("/codes/NOPE").get_json()["error"]["code"] == "code_not_found"


def test_disable_and_enable(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    disabled = api.ok("POST", "/codes/happy10/disable", key="write")
    refused = api.ok("POST", "/validations", json={"order": BEANS_40, "codes": ["HAPPY10"]})
    enabled = api.ok("POST", "/codes/HAPPY10/enable", key="write")

    assert disabled["status"] == "disabled" and enabled["status"] == "active"
    assert refused["codes"]["HAPPY10"]["reason"] == "code_disabled"
    assert api.post("/codes/NOPE/disable").status_code == 404


def test_list_filters_are_validated(api):
    api.ok("POST", "/campaigns", 201, json=bulk())

    response = api.get("/campaigns/sorry/codes?limit=0&status=used")

    assert response.status_code == 400
    assert {e["path"] for e in response.get_json()["error"]["details"]["errors"]} == {"limit", "status"}


def test_total_comes_with_the_first_page_and_later_ones_when_asked(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 25)

    first = api.ok("GET", "/campaigns/sorry/codes?limit=10")
    later = api.ok("GET", f"/campaigns/sorry/codes?limit=10&after={first['next_after']}")
    asked = api.ok("GET", f"/campaigns/sorry/codes?limit=10&after={first['next_after']}&include_total=true")

    assert (first["total"], later["total"], asked["total"]) == (25, None, 25)
    assert later["codes"] == asked["codes"]
    assert api.ok("GET", "/campaigns/sorry/codes?include_total=false")["total"] is None
    response = api.get("/campaigns/sorry/codes?include_total=maybe")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"][0]["path"] == "include_total"


def test_codes_generated_while_paging_are_read_once_if_still_ahead(api):
    api.ok("POST", "/campaigns", 201, json=bulk())
    generated(api, 30)
    at_start, ahead = every_code(api), set()

    def generate_more(after):
        known = every_code(api)
        generated(api, 4)
        ahead.update(code for code in every_code(api) - known if code > after)

    seen = walk(api, 8, generate_more)

    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    assert set(seen) == at_start | ahead
