"""Fixtures for banner tests: typical personal-code fields and the artifact folder."""
from datetime import date
from pathlib import Path

import pytest

from promo.banners import BannerFields, discount_label

BANNER_ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "banners"


@pytest.fixture
def fields() -> BannerFields:
    return BannerFields(
        headline="Autumn roast week: fresh beans, bold savings",
        discount=discount_label("en_US", percent=20),
        code="AUTUMN20",
        expires_on=date(2025, 12, 31),
        share_url="https://shop.example/share/AUTUMN20",
        first_name="Anna",
    )


@pytest.fixture
def banner_artifacts() -> Path:
    BANNER_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return BANNER_ARTIFACTS
