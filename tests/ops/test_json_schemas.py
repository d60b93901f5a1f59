"""The published JSON Schemas: schemas/*.json are what the code generates and what the API
serves; every campaign and pack shipped validates; the refused examples of docs/campaigns.md
are refused by the schema and by the loader alike."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from promo.format.campaign_schema import campaign_schema
from promo.format.definition import DefinitionError, load_yaml, parse_campaign
from promo.packs import json_schemas
from promo.packs.json_schemas import scenario_schema
from promo.packs.scenario import read_pack

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted((ROOT / "scenarios").glob("*.yaml"))
CAMPAIGNS_DOC = ROOT / "docs" / "campaigns.md"
REFUSED = re.compile(r"^```yaml refused\n(?P<body>.*?)^```\n→ `(?P<message>[^`]+)`", re.MULTILINE | re.DOTALL)
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/scenario.json"


def as_json(value: Any) -> Any:
    """YAML as a JSON client would send it: dates and times as the text written."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, (date, datetime)) else str(v)))


def problems(schema: dict, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in Draft202012Validator(schema).iter_errors(instance)]


def refused_examples() -> list[tuple[Any, str]]:
    examples = [(load_yaml(m["body"]), m["message"]) for m in REFUSED.finditer(CAMPAIGNS_DOC.read_text(encoding="utf-8"))]
    assert len(examples) >= 8
    return examples


@pytest.mark.parametrize("name", sorted(json_schemas.SCHEMAS))
def test_the_files_under_schemas_are_what_the_code_generates(name):
    assert (json_schemas.SCHEMAS_DIR / name).read_text(encoding="utf-8") == json_schemas.rendered(name), \
        "run `python -m promo.packs.json_schemas` and commit schemas/"
    assert json_schemas.main(["--check"]) == 0


@pytest.mark.parametrize("name", sorted(json_schemas.SCHEMAS))
def test_the_schemas_are_valid_draft_2020_12(name):
    Draft202012Validator.check_schema(json.loads((json_schemas.SCHEMAS_DIR / name).read_text(encoding="utf-8")))


def test_the_api_serves_the_same_schemas_without_a_key(client):
    for name in json_schemas.SCHEMAS:
        response = client.get(f"/api/v1/schemas/{name}")
        assert response.status_code == 200
        assert response.get_json() == json.loads((json_schemas.SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def test_the_openapi_document_describes_the_campaign_body_with_the_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()

    body = document["paths"]["/api/v1/campaigns"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CampaignDefinition"}
    components = document["components"]["schemas"]
    definition = components["CampaignDefinition"]
    assert {"id", "name", "kind", "effect", "eligibility"} <= definition["properties"].keys()
    assert definition["additionalProperties"] is False
    # Its definitions are components of their own, and every reference resolves in the document.
    published = campaign_schema()["$defs"]
    assert {f"CampaignDefinition_{name}" for name in published} <= components.keys()
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(components))
    assert refs and set(refs) <= components.keys()


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_every_shipped_pack_and_its_campaigns_validate(pack):
    data = as_json(load_yaml(pack.read_text(encoding="utf-8")))

    assert problems(scenario_schema(), data) == []
    assert data["campaigns"]
    for campaign in data["campaigns"]:
        if "active" in campaign and "today" in json.dumps(campaign["active"]):
            continue                              # relative days are for packs only
        assert problems(campaign_schema(), campaign) == [], campaign["id"]


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_packs_point_editors_at_the_schema_and_still_load(pack):
    assert pack.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    assert (pack.parent / "../schemas/scenario.json").resolve() == json_schemas.SCHEMAS_DIR / "scenario.json"
    assert read_pack(pack, today=date(2026, 11, 25)).campaigns


@pytest.mark.parametrize("definition, message", refused_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_documented_mistakes_are_refused_by_schema_and_loader(definition, message):
    with pytest.raises(DefinitionError) as refused:
        parse_campaign(definition)
    assert message in str(refused.value)
    assert problems(campaign_schema(), as_json(definition)), "the schema let it through"


def test_the_documented_examples_that_load_also_validate():
    fence = re.compile(r"^```yaml campaign\n(.*?)^```", re.MULTILINE | re.DOTALL)
    examples = [load_yaml(body) for body in fence.findall(CAMPAIGNS_DOC.read_text(encoding="utf-8"))]

    assert len(examples) > 20
    for example in examples:
        assert problems(campaign_schema(), as_json(example)) == [], example["id"]


def test_the_schema_accepts_what_a_pack_may_write_as_relative_days():
    campaign = {"id": "sale", "name": "Sale", "kind": "promotion", "active": {"from": "today-7", "until": "today+5"},
                "effect": {"type": "percent_off_order", "percent": 10}}
    pack = {"campaigns": [campaign]}

    assert problems(scenario_schema(), pack) == []
    assert problems(campaign_schema(), campaign)             # the API takes real dates only
