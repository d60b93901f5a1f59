"""schemathesis against /api/v1/openapi.json: thousands of generated requests (valid and
not), every operation, an API key with every scope, on SQLite and on PostgreSQL (whose driver
refuses what SQLite lets through, such as NUL characters); the server never answers 5xx.

Needs `schemathesis` (test extra). SCHEMATHESIS_EXAMPLES cases per operation (CI: 30 on SQLite,
half on PostgreSQL); the operations are dealt into SHARDS tests so parallel workers share them."""
from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.support.apikit import ApiClient, bulk, coupon, make_keys  # noqa: E402
from tests.support.webkit import DATABASES, app_on  # noqa: E402

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))
SHARDS = 4


def _store_the_utf8_codec_table() -> None:
    """schemathesis draws its strings with Hypothesis's codec="utf-8", and Hypothesis works out
    which characters UTF-8 encodes by trying all 1,114,112 code points, about 3 s of CPU, once per
    process unless it finds the answer in its storage directory (.hypothesis/, absent from a fresh
    clone). The answer is known: every code point but the surrogates, all of which round-trip.
    Written in the file format of hypothesis.internal.charmap; if a later Hypothesis names or
    reads the file differently it ignores this one and works the table out itself as before."""
    try:
        from hypothesis.internal.charmap import charmap_file
    except ImportError:
        return
    path = charmap_file("codec-v2-utf-8")
    if path.exists():
        return
    table = [[[0, 0xD7FF], [0xE000, sys.maxunicode]], []]      # encodable, not round-tripping
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=1) as packed:
        packed.write(json.dumps(table).encode())
    os.replace(temporary, path)


@pytest.fixture(scope="module", params=DATABASES)
def api_under_test(request, make_app, tmp_path_factory):
    _store_the_utf8_codec_table()
    with app_on(request.param, make_app, tmp_path_factory.mktemp("api-fuzz"), RATELIMIT_ENABLED=False) as app:
        keys = make_keys(app)
        api = ApiClient(app, keys)
        api.ok("POST", "/campaigns", 201, json=coupon())
        api.ok("POST", "/campaigns", 201, json=bulk())
        api.ok("POST", "/campaigns/sorry/codes", 201, json={"count": 5})
        yield app, keys["all"]


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_generated_request_gets_a_server_error(api_under_test, request, shard):
    app, key = api_under_test
    # PostgreSQL gets half as many cases per operation: enough for what its driver refuses and
    # SQLite lets through (NUL characters, 32-bit ids), at half the time of a second full run.
    examples = EXAMPLES if request.node.callspec.params["api_under_test"] == "sqlite" else max(1, EXAMPLES // 2)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()][shard::SHARDS]
    served, failures = 0, []
    for operation in operations:

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            nonlocal served
            response = case.call(headers={"Authorization": f"Bearer {key}"})
            served += 1
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.body, response.text[:300]))

        call()
    print(f"schemathesis shard {shard}: {len(operations)} operations, {served} requests, {len(failures)} server errors")
    assert len(operations) >= 10                    # every shard really fuzzes its share of the API
    assert served >= len(operations) * min(examples, 5)
    assert failures == []
