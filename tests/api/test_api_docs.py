"""docs/api.md cannot rot: every curl and every httpx example runs, in order, against a fresh
store, and together they cover every operation of the OpenAPI document."""

import re
import shlex
from pathlib import Path

import httpx
import pytest

from tests.support.apikit import API

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def operation_patterns(api):
    """[(method, template, regex)] of every documented operation."""
    document = api.ok("GET", "/openapi.json", key=None)
    patterns = []
    for template, item in document["paths"].items():
        regex = re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$")
        patterns += [(method.upper(), template, regex) for method in item]
    return patterns


def operation_of(patterns, method, path):
    path = path.split("?", 1)[0]
    matches = [template for m, template, regex in patterns if m == method and regex.match(path)]
    assert matches, f"{method} {path} is not an operation of the API"
    return method, matches[0]


def curl_requests():
    """(method, path, headers, body) of each curl command, in document order."""
    for block in blocks("bash"):
        # A command may continue over lines with "\\" or inside a quoted JSON body.
        for line in re.split(r"\n(?=curl )", block.replace("\\\n", " ")):
            if not line.strip().startswith("curl "):
                continue
            words = shlex.split(line)[1:]
            method, url, headers, body = "GET", None, {}, None
            while words:
                word = words.pop(0)
                if word == "-X":
                    method = words.pop(0)
                elif word == "-H":
                    name, _, value = words.pop(0).partition(":")
                    headers[name.strip()] = value.strip()
                elif word == "-d":
                    body = words.pop(0)
                elif word == "-o":
                    words.pop(0)
                elif not word.startswith("-"):
                    url = word
            assert url and url.startswith("$API/"), line
            yield method, url.replace("$API", API), headers, body


def test_every_curl_example_works_and_every_operation_has_one(api):
    patterns = operation_patterns(api)
    covered = set()

    for method, path, headers, body in curl_requests():
        headers = {k: v.replace("$PROMOSHOP_API_KEY", api.keys["all"]) for k, v in headers.items()}
        response = api.client.open(path, method=method, headers=headers, data=body)
        assert response.status_code < 400, f"{method} {path}: {response.get_data(as_text=True)}"
        covered.add(operation_of(patterns, method, path))

    assert covered == {(m, t) for m, t, _ in patterns}


def test_every_httpx_example_works_and_every_operation_has_one(api, monkeypatch):
    patterns = operation_patterns(api)
    covered = set()
    transport = httpx.WSGITransport(app=api.app)
    real_client = httpx.Client

    def record(request):
        covered.add(operation_of(patterns, request.method, request.url.path))

    def client_on_the_app(**options):
        return real_client(transport=transport, event_hooks={"request": [record]}, **options)

    monkeypatch.setenv("PROMOSHOP_API_KEY", api.keys["all"])
    monkeypatch.setattr(httpx, "Client", client_on_the_app)
    monkeypatch.setattr(httpx, "get", lambda url, **kw: client_on_the_app().get(url, **kw))
    namespace: dict = {}

    for number, code in enumerate(blocks("python")):
        try:
            exec(compile(code, f"docs/api.md python block {number}", "exec"), namespace)  # noqa: S102 - our own docs
        except Exception as error:  # pragma: no cover - the message is the point
            pytest.fail(f"python block {number} failed: {error!r}\n{code}")

    assert "refused:" not in str(namespace.get("error", ""))
    assert namespace["redemption"]["status"] == "succeeded"
    assert covered == {(m, t) for m, t, _ in patterns}
