"""The OpenAPI document stays in step with the routes, and responses match what it promises."""

import re

import pytest

from tests.support.apikit import BEANS_40, bulk, coupon


@pytest.fixture
def document(api):
    return api.ok("GET", "/openapi.json", key=None)


def api_rules(app):
    """{(path in OpenAPI form, method)} of every URL rule under /api/v1."""
    pairs = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        pairs |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return pairs


def documented(document):
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item}


def test_every_route_is_documented_and_every_documented_operation_is_routed(api_app, document):
    assert api_rules(api_app) == documented(document)
    assert len(documented(document)) >= 20


def test_document_basics(document):
    assert document["openapi"] == "3.1.0"
    operation_ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path, item in document["paths"].items():
        for method, op in item.items():
            assert op["summary"] and op["responses"], (path, method)
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)
            if op["security"]:
                assert {"401", "403"} <= set(op["responses"]), (path, method)
                assert op["x-required-scope"] in {"read", "write", "redeem"}


def test_every_reference_resolves(document):
    text = repr(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"], name


def test_request_schemas_refuse_unknown_fields(document):
    schemas = document["components"]["schemas"]
    for name in ("Order", "OrderItem", "RedemptionRequest", "ValidationRequest", "CustomerProfile", "RollbackRequest"):
        assert schemas[name]["additionalProperties"] is False, name


def test_redemptions_document_the_idempotency_header(document):
    op = document["paths"]["/api/v1/redemptions"]["post"]

    header = next(p for p in op["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and header["required"] is True
    assert {"409", "422"} <= set(op["responses"])


# --- responses conform to the documented schemas -----------------------------------------------------

def conforms(value, schema, components, path="$"):
    """A small JSON Schema check: types, required, properties, items, enum, $ref, anyOf."""
    if "$ref" in schema:
        return conforms(value, components[schema["$ref"].rsplit("/", 1)[1]], components, path)
    if "allOf" in schema:
        return all(conforms(value, s, components, path) for s in schema["allOf"])
    if "anyOf" in schema:
        assert any(_quietly(conforms, value, s, components, path) for s in schema["anyOf"]), path
        return True
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        assert any(_is(value, t) for t in types), f"{path}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        for key, item in value.items():
            if key in schema.get("properties", {}):
                conforms(item, schema["properties"][key], components, f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                conforms(item, schema["additionalProperties"], components, f"{path}.{key}")
        if "properties" in schema and schema.get("required"):
            assert set(value) == set(schema["properties"]), f"{path}: undocumented {set(value) - set(schema['properties'])}"
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            conforms(item, schema["items"], components, f"{path}[{index}]")
    return True


def _quietly(check, *args):
    try:
        return check(*args)
    except AssertionError:
        return False


def _is(value, json_type):
    return {
        "object": isinstance(value, dict), "array": isinstance(value, list), "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool), "boolean": isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool), "null": value is None,
    }[json_type]


def test_responses_match_their_documented_schemas(api, document):
    components = document["components"]["schemas"]

    def check(method, path, status, template, **kwargs):
        response = api.request(method, path, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        op = document["paths"]["/api/v1" + template][method.lower()]
        schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
        conforms(response.get_json(), schema, components)
        return response.get_json()

    check("POST", "/campaigns", 201, "/campaigns", json=coupon())
    check("POST", "/campaigns", 201, "/campaigns", json=bulk())
    check("GET", "/campaigns", 200, "/campaigns")
    check("PATCH", "/campaigns/happy10", 200, "/campaigns/{campaign_id}", json={"priority": 2})
    check("POST", "/campaigns/sorry/codes", 201, "/campaigns/{campaign_id}/codes", json={"count": 3})
    check("GET", "/campaigns/sorry/codes?limit=2", 200, "/campaigns/{campaign_id}/codes")
    check("GET", "/codes/HAPPY10", 200, "/codes/{code}")
    check("PUT", "/customers/ana", 200, "/customers/{customer_id}", json={"name": "Ana", "birthday": "1990-01-02"})
    check("POST", "/publications", 201, "/publications", json={"campaign": "sorry", "customer": "ana", "source_id": "1"})
    check("POST", "/qualifications", 200, "/qualifications", json={"customer": "ana", "order": BEANS_40})
    check("POST", "/validations", 200, "/validations", json={"order": BEANS_40, "codes": ["HAPPY10", "NOPE"]})
    redemption = check("POST", "/redemptions", 201, "/redemptions", headers={"Idempotency-Key": "o"},
                       json={"customer": "ana", "order": BEANS_40, "codes": ["HAPPY10"]})
    check("POST", f"/redemptions/{redemption['id']}/rollback", 200, "/redemptions/{redemption_id}/rollback",
          json={"reason": "test"})
    check("GET", "/codes/NOPE", 404, "/codes/{code}")
    check("POST", "/validations", 400, "/validations", json={"order": {}})
