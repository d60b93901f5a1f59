"""Shopper text names products by their catalogue names, never by SKU.

The engine's wording (promo.describe) only knows an item selection's SKUs unless the definition
labels it, so "$10 off each product from GEAR-KETTLE" would reach the shopper. The storefront
knows the catalogue (showcase.catalogue_names): it swaps every whole SKU in such text for
the product's name.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from promo.core.records import Product


def names_by_sku(products: Iterable[Product]) -> dict[str, str]:
    return {p.sku: p.name for p in products if p.name}


def name_products(text: str, names: Mapping[str, str]) -> str:
    """`text` with each SKU that stands as a word of its own ("GEAR-KETTLE only") replaced by
    the product's name; parts of longer tokens are left alone."""
    if not text or not names:
        return text
    # Only the SKUs the text holds at all: a 2,000-product catalogue makes no 2,000-way pattern.
    present = [sku for sku in names if sku in text]
    if not present:
        return text
    # Longest first, so DRIP-V60-PAPER is not read as DRIP-V60 followed by "-PAPER".
    alternatives = "|".join(re.escape(sku) for sku in sorted(present, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")
    return pattern.sub(lambda match: names[match.group(1)], text)
