"""Deliveries follow Standard Webhooks (standardwebhooks.com): a receiver verifies them with
the `standardwebhooks` library and the secret exactly as it was shown. The Promoshop-* headers
still come along for one release, and endpoints made before keep verifying both ways."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import update
from standardwebhooks import Webhook, WebhookVerificationError

from promo.delivery.webhook_signing import is_standard_secret, new_secret, verify_standard
from promo.delivery.webhooks import WebhookSettings, verify
from promo.delivery.worker import tick
from promo.storage.event_models import WebhookEndpointRow
from tests.support.eventkit import CART_40, add_customer, reward_campaign
from tests.support.receiver import Receiver

FAST = WebhookSettings(timeout=2, max_attempts=5, backoff_base=0.01, backoff_max=0.05)
# A secret as endpoints made before this release have them: whsec_ and 43 URL-safe characters.
LEGACY_SECRET = "whsec_Zm9vYmFyLWJheg-not_base64_Qx7Lk2mVn9Tr4Wp8Ys1Hc6Jd0"


def _one_delivery(engine, receiver_url: str, secret: str | None = None):
    reward_campaign(engine, codes=1)
    add_customer(engine, "ana")
    endpoint, shown = engine.webhooks.create(receiver_url, ["redemption.*"])
    if secret is not None:
        with engine.work.sessions() as session, session.begin():      # as an older release stored it
            session.execute(update(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint.id).values(secret=secret))
        shown = secret
    engine.redeem("ana", CART_40, order_ref="A-1")
    assert tick(engine, FAST, scheduled=False).deliveries.delivered == 1
    return shown


def test_new_secrets_are_whsec_and_a_base64_key():
    secret = new_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert is_standard_secret(secret) and secret != new_secret()
    assert not is_standard_secret(LEGACY_SECRET)


def test_a_standard_webhooks_library_verifies_a_delivery_with_the_secret_as_shown(engine):
    with Receiver() as receiver:
        secret = _one_delivery(engine, receiver.url)
    [request] = receiver.received

    payload = Webhook(secret).verify(request.body, request.headers)

    assert payload == json.loads(request.body)
    assert request.headers["webhook-id"] == payload["id"] == request.headers["Promoshop-Event-Id"]
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["webhook-timestamp"] == request.headers["Promoshop-Timestamp"]
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body + b" ", request.headers)


def test_the_promoshop_headers_still_verify_for_one_more_release(engine):
    with Receiver() as receiver:
        secret = _one_delivery(engine, receiver.url)
    [request] = receiver.received

    assert verify(secret, request.body, request.headers["Promoshop-Timestamp"], request.headers["Promoshop-Signature"])
    assert request.headers["Promoshop-Event-Type"] == "redemption.succeeded"


def test_an_endpoint_made_before_keeps_its_secret_and_both_signatures(engine):
    with Receiver() as receiver:
        _one_delivery(engine, receiver.url, secret=LEGACY_SECRET)
    [request] = receiver.received

    assert verify(LEGACY_SECRET, request.body, request.headers["Promoshop-Timestamp"],
                  request.headers["Promoshop-Signature"])
    # Its key for the standard signature is the secret's own bytes (docs/events.md).
    assert Webhook(LEGACY_SECRET.encode()).verify(request.body, request.headers) == json.loads(request.body)
    assert verify_standard(LEGACY_SECRET, request.body, request.headers)


def test_verify_standard_refuses_old_timestamps_and_other_bodies(engine):
    with Receiver() as receiver:
        secret = _one_delivery(engine, receiver.url)
    [request] = receiver.received
    sent = int(request.headers["webhook-timestamp"])

    assert verify_standard(secret, request.body, request.headers, now=sent + 60)
    assert not verify_standard(secret, request.body, request.headers, now=sent + 301)
    assert not verify_standard(secret, request.body + b"x", request.headers, now=sent)
    assert not verify_standard(new_secret(), request.body, request.headers, now=sent)


def test_the_verification_example_of_docs_events_runs():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Verifying deliveries"):]
    [example] = re.findall(r"```python\n(.*?)```", section[:section.index("\n## ")], re.S)

    exec(compile(example, "docs/events.md", "exec"), {})         # its asserts are the test
