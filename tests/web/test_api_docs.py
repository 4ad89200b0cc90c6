"""/docs and /redoc work without internet: every asset comes from Tandem itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_that_the_api_documentation_loads_only_same_origin_assets_that_are_served(
    client: TestClient,
) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        assets = _assets(response.text)
        assert assets, page
        for url in assets:
            assert url.startswith("/") and not url.startswith("//"), url
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 0


def test_that_swagger_ui_is_started_by_a_file_and_not_an_inline_script(
    client: TestClient,
) -> None:
    html = client.get("/docs").text
    assert "<script>" not in html and "<style" not in html
    assert 'src="/static/docs.js"' in html
    assert 'data-openapi-url="/openapi.json"' in html
