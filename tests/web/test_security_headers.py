"""Browser-facing rules: a strict CSP on Tandem's pages, nosniff and no referrer everywhere, and
CORS only for the widget's API, only for the configured origins (none by default)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tandem.services.runtime import Runtime
from tandem.web.app import create_app
from tandem.web.headers import PAGE_POLICY

PAGES = ["/", "/console", "/console/policy", "/help/en/returns", "/help/nl/retourneren"]
SHOP = "https://shop.example"
PREFLIGHT = {
    "Origin": SHOP,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


def _client(runtime: Runtime, cors_origins: str) -> TestClient:
    settings = runtime.settings.model_copy(update={"cors_origins": cors_origins})
    return TestClient(create_app(settings, runtime))


@pytest.mark.parametrize("page", PAGES)
def test_that_every_page_has_a_strict_content_security_policy(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("page", PAGES)
def test_that_no_page_needs_inline_script_or_style(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    for asset in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        url = asset.replace("http://testserver", "")
        target = url if url.startswith("/") else f"{page.rsplit('/', 1)[0]}/{url}"
        assert client.get(target).status_code == 200, target


def test_that_the_widget_assets_carry_no_framing_or_page_policy(client: TestClient) -> None:
    """Shops embed the widget: its script and stylesheet must not carry page rules."""
    for path, kind in (("/widget.js", "text/javascript"), ("/static/widget.css", "text/css")):
        response = client.get(path)
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in response.headers
        assert "x-frame-options" not in response.headers


def test_that_api_answers_are_not_sniffed_and_leak_no_referrer(client: TestClient) -> None:
    response = client.post("/api/v1/conversations", json={"language": "en"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_that_the_api_documentation_runs_under_the_strict_page_policy(client: TestClient) -> None:
    assert client.get("/docs").headers["content-security-policy"] == PAGE_POLICY
    redoc = client.get("/redoc").headers["content-security-policy"]
    assert "frame-ancestors 'none'" in redoc and "script-src 'self';" in redoc


def test_that_by_default_no_other_origin_may_call_the_api(client: TestClient) -> None:
    preflight = client.options("/api/v1/conversations", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers
    started = client.post("/api/v1/conversations", json={}, headers={"Origin": SHOP})
    assert started.status_code == 201
    assert "access-control-allow-origin" not in started.headers


def test_that_a_configured_shop_origin_may_call_the_customer_api(runtime: Runtime) -> None:
    client = _client(runtime, f"{SHOP}/, https://other-shop.example")
    preflight = client.options("/api/v1/conversations/some-id/messages", headers=PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SHOP
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    started = client.post("/api/v1/conversations", json={}, headers={"Origin": SHOP})
    assert started.headers["access-control-allow-origin"] == SHOP
    assert "access-control-allow-credentials" not in started.headers


def test_that_an_origin_not_configured_gets_no_cors_answer(runtime: Runtime) -> None:
    client = _client(runtime, SHOP)
    elsewhere = {**PREFLIGHT, "Origin": "https://evil.example"}
    preflight = client.options("/api/v1/conversations", headers=elsewhere)
    assert "access-control-allow-origin" not in preflight.headers


def test_that_the_agent_and_lead_apis_never_answer_another_origin(runtime: Runtime) -> None:
    client = _client(runtime, "*")
    for path in ("/api/v1/agent/login", "/api/v1/agent/queue", "/api/v1/policies"):
        preflight = client.options(path, headers=PREFLIGHT)
        assert "access-control-allow-origin" not in preflight.headers, path
    any_shop = client.options("/api/v1/conversations", headers=PREFLIGHT)
    assert any_shop.headers["access-control-allow-origin"] == "*"
