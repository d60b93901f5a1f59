"""The web tests' seeded stores: after the first, a test process copies the seeded file rather
than loading the pack again (tests/support/webkit.py). A new table with rows from the start
once turned the copy off unnoticed, and the suite paid the pack load hundreds of times."""
from __future__ import annotations

import pytest

from shop.web.extensions import promo_engine
from tests.support import webkit


def test_a_second_seeded_store_is_a_copy_with_the_same_rows(make_app, monkeypatch: pytest.MonkeyPatch):
    first = webkit.seeded(make_app(DEMO_MODE=True))
    loads: list[object] = []
    monkeypatch.setattr(webkit, "load_pack", lambda *args: loads.append(args))

    second = webkit.seeded(make_app(DEMO_MODE=True))

    assert loads == []
    assert [c.id for c in promo_engine(second).list_campaigns()] == [c.id for c in promo_engine(first).list_campaigns()]
    assert promo_engine(second).now() == webkit.STORE_NOW
