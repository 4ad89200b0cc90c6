"""One small API client for the widget, the console and the policy page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tandem.web.pages import STATIC


def test_that_the_widget_is_one_script_with_the_shared_api_client_first(
    client: TestClient,
) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    client_code = (STATIC / "api.js").read_text("utf-8")
    assert script.text.startswith(client_code) and "TandemApi.client(API" in script.text


def test_that_the_console_and_policy_page_load_the_shared_client_before_their_own(
    client: TestClient,
) -> None:
    console, policy = client.get("/console").text, client.get("/console/policy").text
    assert console.index("static/api.js") < console.index("static/console.js")
    assert policy.index("static/api.js") < policy.index("static/policy.js")
    assert client.get("/static/api.js").status_code == 200


def test_that_no_page_keeps_its_own_copy_of_the_fetch_wrapper() -> None:
    for name in ("widget.js", "console.js", "policy.js"):
        code = (STATIC / name).read_text("utf-8")
        assert "fetch(" not in code and "TandemApi.client(" in code, name
