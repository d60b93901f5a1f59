"""Helpers for the Voucherify dialect's tests: a seeded store, keys as X-App-Id/X-App-Token,
the official SDK's API objects, and a recorder of every /v1 response for the contract check.

Every app made with `dialect_app` records each /v1 response it sends; `check_contract(app)`
parses every one with the SDK's own pydantic model for that operation (errors with its
`Error` model), so a shape the SDK would reject fails the test that produced it.

The SDK is imported where it is used, not at the top: importing it builds some 1,500 pydantic
models (about 5 s of CPU), which every pytest-xdist worker would pay while collecting the suite,
though only the one running tests/voucherify needs it.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

from shop.api.framework.auth import create_api_key
from tests.support.webkit import seeded

RECORDER = "tests.voucherify.responses"

if TYPE_CHECKING:
    import voucherify

# The SDK's model for each dialect operation's 2xx answer (voucherify/api/*.py, '2XX').
MODELS = {
    "voucherify.create_customer": "CustomersCreateResponseBody",
    "voucherify.get_customer": "CustomersGetResponseBody",
    "voucherify.update_customer": "CustomersUpdateResponseBody",
    "voucherify.validate": "ValidationsValidateResponseBody",
    "voucherify.redeem": "RedemptionsRedeemResponseBody",
    "voucherify.get_redemption": "RedemptionsGetResponseBody",
    "voucherify.rollback_redemption": "RedemptionsRollbackCreateResponseBody",
    "voucherify.rollback_stacked_redemptions": "RedemptionsRollbacksCreateResponseBody",
    "voucherify.check_eligibility": "QualificationsCheckEligibilityResponseBody",
    "voucherify.create_campaign": "CampaignsCreateResponseBody",
    "voucherify.get_campaign": "CampaignsGetResponseBody",
    "voucherify.list_campaigns": "CampaignsListResponseBody",
    "voucherify.add_vouchers": "CampaignsVouchersCreateCombinedResponseBody",
    "voucherify.create_publication": "PublicationsCreateResponseBody",
    "voucherify.get_voucher": "VouchersGetResponseBody",
    "voucherify.list_vouchers": "VouchersListResponseBody",
    "voucherify.create_voucher": "VouchersCreateResponseBody",
    "voucherify.enable_voucher": "VouchersEnableResponseBody",
    "voucherify.disable_voucher": "VouchersDisableResponseBody",
    "voucherify.update_voucher_balance": "VouchersBalanceUpdateResponseBody",
    "voucherify.get_member": "LoyaltiesMembersGetResponseBody",
}


@dataclass(frozen=True)
class Recorded:
    endpoint: str | None
    method: str
    path: str
    status: int
    body: Any


@dataclass
class Recorder:
    responses: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, response: Response) -> Response:
        if request.path.startswith("/v1"):
            body = json.loads(response.get_data()) if response.is_json else response.get_data(as_text=True)
            with self.lock:
                self.responses.append(Recorded(request.endpoint, request.method, request.path,
                                               response.status_code, body))
        return response


def dialect_app(make_app, **overrides: Any) -> Flask:
    """A store seeded with scenarios/arabica.yaml on a frozen clock, recording /v1 answers."""
    app = seeded(make_app(**overrides))   # on webkit.STORE_NOW, a Wednesday morning
    recorder = Recorder()
    app.extensions[RECORDER] = recorder
    app.after_request(recorder)
    return app


def recorded(app: Flask) -> list[Recorded]:
    return list(app.extensions[RECORDER].responses)


def app_key(app: Flask, *scopes: str) -> tuple[str, str]:
    """(X-App-Id, X-App-Token) of a new key with these scopes."""
    with app.app_context():
        info, plaintext = create_api_key("voucherify test", scopes or ("read", "write", "redeem"))
    return info.prefix, plaintext


def headers(app_id: str, token: str) -> dict[str, str]:
    return {"X-App-Id": app_id, "X-App-Token": token}


@dataclass
class Sdk:
    """The official SDK's API objects, configured as an integrator would."""

    client: voucherify.ApiClient

    def __getattr__(self, name: str) -> Any:
        import voucherify

        # sdk.vouchers -> voucherify.VouchersApi(client), sdk.customers -> CustomersApi ...
        api_class = getattr(voucherify, "".join(part.capitalize() for part in name.split("_")) + "Api")
        return api_class(self.client)


def sdk(base_url: str, app_id: str, token: str) -> Sdk:
    import voucherify

    configuration = voucherify.Configuration(host=base_url, api_key={"X-App-Id": app_id, "X-App-Token": token})
    return Sdk(voucherify.ApiClient(configuration))


def check_contract(app: Flask) -> int:
    """Parse every recorded /v1 answer with the SDK's model; returns how many were checked."""
    import voucherify.models as models

    problems = []
    checked = 0
    for one in recorded(app):
        if not isinstance(one.body, dict):
            problems.append(f"{one.method} {one.path}: {one.status} is not a JSON object")
            continue
        if 200 <= one.status < 300:
            model = getattr(models, MODELS[one.endpoint])
        else:
            model = models.Error
            if not (isinstance(one.body.get("code"), int) and isinstance(one.body.get("key"), str)
                    and isinstance(one.body.get("details"), str)):
                problems.append(f"{one.method} {one.path}: {one.status} error lacks code/key/details: {one.body}")
        try:
            model.from_dict(one.body)
            checked += 1
        except Exception as error:   # pydantic.ValidationError, or a model's own ValueError
            problems.append(f"{one.method} {one.path} -> {one.status} breaks {model.__name__}: {error}")
    assert not problems, "\n".join(problems)
    return checked
