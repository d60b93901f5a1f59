"""The django-oscar half of bench/oscar_offers.py; runs inside bench/.venv-oscar.

Headless Oscar on an in-memory SQLite database: 40 products, a 20-line basket and OFFERS site
offers, each "5% off product X when the basket has at least one X" (a one-product range, a count
condition of 1 and a percentage benefit on the range), combinable (exclusive=False).

Set up once, then timed in rounds so bench/oscar_offers.py can interleave them with its own: each
line read from stdin asks for one round of REPEATS applications and is answered with one line
of JSON (the round's timings in milliseconds and what was applied); end of input ends it.
"""
from __future__ import annotations

import json
import sys
import time
from decimal import Decimal

import django
import oscar.defaults
from django.conf import settings

OFFERS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
LINES = 20

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    USE_TZ=True,
    SITE_ID=1,
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    HAYSTACK_CONNECTIONS={"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}},
    INSTALLED_APPS=[
        "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.messages",
        "django.contrib.sites", "django.contrib.flatpages",
        "oscar.config.Shop",
        "oscar.apps.analytics.apps.AnalyticsConfig", "oscar.apps.checkout.apps.CheckoutConfig",
        "oscar.apps.address.apps.AddressConfig", "oscar.apps.shipping.apps.ShippingConfig",
        "oscar.apps.catalogue.apps.CatalogueConfig", "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
        "oscar.apps.communication.apps.CommunicationConfig", "oscar.apps.partner.apps.PartnerConfig",
        "oscar.apps.basket.apps.BasketConfig", "oscar.apps.payment.apps.PaymentConfig",
        "oscar.apps.offer.apps.OfferConfig", "oscar.apps.order.apps.OrderConfig",
        "oscar.apps.customer.apps.CustomerConfig", "oscar.apps.search.apps.SearchConfig",
        "oscar.apps.voucher.apps.VoucherConfig", "oscar.apps.wishlists.apps.WishlistsConfig",
        "oscar.apps.dashboard.apps.DashboardConfig",
        *(f"oscar.apps.dashboard.{name}.apps.{config}DashboardConfig" for name, config in (
            ("reports", "Reports"), ("users", "Users"), ("orders", "Orders"), ("catalogue", "Catalogue"),
            ("offers", "Offers"), ("partners", "Partners"), ("pages", "Pages"), ("ranges", "Ranges"),
            ("reviews", "Reviews"), ("vouchers", "Vouchers"), ("communications", "Communications"),
            ("shipping", "Shipping"))),
        "widget_tweaks", "haystack", "treebeard", "django_tables2",
    ],
    **{name: value for name, value in vars(oscar.defaults).items() if name.isupper()},
)
django.setup()

from django.core.management import call_command  # noqa: E402
from oscar.core.loading import get_class, get_model  # noqa: E402

call_command("migrate", verbosity=0)

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Applicator = get_class("offer.applicator", "Applicator")
Selector = get_class("partner.strategy", "Selector")

product_class = ProductClass.objects.create(name="Coffee", track_stock=False)
partner = Partner.objects.create(name="Bench")
products = []
for number in range(2 * LINES):
    product = Product.objects.create(product_class=product_class, title=f"Product {number}", structure="standalone")
    StockRecord.objects.create(product=product, partner=partner, partner_sku=f"SKU-{number:05d}",
                               price=Decimal(500 + (number * 37) % 5000) / 100, num_in_stock=1000)
    products.append(product)

basket = Basket.objects.create()
basket.strategy = Selector().strategy()
for number, product in enumerate(products[:LINES]):
    basket.add_product(product, 1 + number % 3)

for number in range(OFFERS):
    product_range = Range.objects.create(name=f"Range {number}")
    product_range.add_product(products[number % (2 * LINES)])
    condition = Condition.objects.create(range=product_range, type=Condition.COUNT, value=1)
    benefit = Benefit.objects.create(range=product_range, type=Benefit.PERCENTAGE, value=5)
    ConditionalOffer.objects.create(name=f"Offer {number}", offer_type=ConditionalOffer.SITE, condition=condition,
                                    benefit=benefit, exclusive=False)



def one_round() -> dict:
    timings = []
    for _ in range(REPEATS):
        loaded = Basket.objects.get(pk=basket.pk)   # as a request would load it
        loaded.strategy = Selector().strategy()
        started = time.perf_counter()
        Applicator().apply(loaded)
        timings.append((time.perf_counter() - started) * 1e3)
    discount = sum(Decimal(str(o["discount"])) for o in loaded.offer_applications)
    return {"timings_ms": timings, "applied": len(list(loaded.offer_applications)), "discount": str(discount),
            "offers": OFFERS, "lines": loaded.num_lines}


print(json.dumps({"ready": True}), flush=True)
for _request in sys.stdin:
    print(json.dumps(one_round()), flush=True)
