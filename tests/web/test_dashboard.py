"""The lead's dashboard in real Chromium: every figure opens exactly the conversations it
counts (the same rows as the metrics API), a row opens the conversation's timeline, and a
plain agent is refused (403) on the page's body and on every lead endpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tandem.services import demo_history
from tandem.storage.db import make_engine

if TYPE_CHECKING:
    from conftest import LiveServer

pytestmark = pytest.mark.browser
LEAD = "lisa@tandem.example"
TIMEOUT = 60  # a loaded CI machine


@pytest.fixture(scope="module")
def history(live_server: LiveServer) -> Iterator[LiveServer]:
    """Ten days of the demo history, played into the running server's database."""
    engine = make_engine(live_server.database_url)
    try:
        assert demo_history.generate(engine, dt.datetime.now(dt.UTC).date(), days=10) > 0
    finally:
        engine.dispose()
    yield live_server


def get(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=TIMEOUT)


def token(server: LiveServer, email: str) -> str:
    login = {"email": email, "password": server.agent_password}
    answer = httpx.post(f"{server.base_url}/api/v1/agent/login", json=login, timeout=TIMEOUT)
    return str(answer.json()["token"])


def signed_in(browser: Browser, server: LiveServer, email: str) -> tuple[Page, list[str]]:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.base_url}/console")
    page.evaluate("t => sessionStorage.setItem('tandem.agent.token', t)", token(server, email))
    page.goto(f"{server.base_url}/console/dashboard")
    page.wait_for_selector("body[data-drawn], body[data-state]")
    return page, problems


def listed(page: Page) -> list[str]:
    """Every row of the open list, loading further pages until none is left."""
    more = page.locator("#drill-more")
    while more.is_visible():
        loaded = page.locator("#drill").get_attribute("data-loaded")
        more.click()
        page.wait_for_function(
            "n => document.getElementById('drill').getAttribute('data-loaded') !== n", arg=loaded
        )
    return page.locator("#drill-list li").evaluate_all("rows => rows.map(r => r.dataset.id)")


def counted(server: LiveServer, query: str) -> list[str]:
    auth = {"Authorization": f"Bearer {token(server, LEAD)}"}
    url = f"{server.base_url}/api/v1/metrics/conversations?{query}&limit=500"
    page = get(url, headers=auth).json()
    assert page["total"] == len(page["conversations"])
    return [row["id"] for row in page["conversations"]]


def test_that_a_lead_opens_a_card_a_bar_and_a_row_and_sees_exactly_what_they_count(
    browser: Browser,
    history: LiveServer,
) -> None:
    page, problems = signed_in(browser, history, LEAD)
    assert page.locator("body").get_attribute("data-drawn") == "1"
    auth = {"Authorization": f"Bearer {token(history, LEAD)}"}
    figures = get(f"{history.base_url}/api/v1/metrics", headers=auth).json()

    volume = page.locator("[data-figure=volume] .kpi-value")
    assert volume.inner_text() == f"{figures['conversations']:,}"
    page.click("[data-figure=volume]")  # more than one page of rows
    expect(page.locator("#drill-sub")).to_contain_text(f"{figures['conversations']:,} conv")
    rows = listed(page)
    assert rows == counted(history, page.locator("#drill").get_attribute("data-query") or "")
    assert len(rows) == figures["conversations"]

    page.click("#drill-close")
    page.click("[data-figure=handoff]")
    page.wait_for_selector("#drill[data-loaded]")
    rows = listed(page)
    assert rows == counted(history, page.locator("#drill").get_attribute("data-query") or "")
    assert len(rows) == sum(figures["handoffs"]["reasons"].values())

    page.click("#drill-close")
    bar = page.locator(".dash-grid figure").first.locator("a.mark").first
    bar.dispatch_event("click")  # a day's band of the volume chart
    page.wait_for_selector("#drill[data-loaded]")
    query = page.locator("#drill").get_attribute("data-query") or ""
    assert "band=" in query and listed(page) == counted(history, query)

    first = page.locator("#drill-list li").first
    chosen = first.get_attribute("data-id")
    first.locator("a").click()  # the conversation, with its timeline, in the console
    expect(page.locator("#conversation")).to_be_visible()
    expect(page.locator("#timeline li").first).to_be_visible()
    assert page.evaluate("location.hash") == f"#conversation={chosen}"
    assert problems == []


def test_that_a_plain_agent_gets_403_on_the_dashboard_and_the_lead_endpoints(
    browser: Browser,
    live_server: LiveServer,
) -> None:
    page, _ = signed_in(browser, live_server, live_server.agent_email)
    assert page.locator("body").get_attribute("data-state") == "refused-403"
    expect(page.locator("#page-error")).to_have_text("Only support leads can see the dashboard.")
    auth = {"Authorization": f"Bearer {token(live_server, live_server.agent_email)}"}
    refused = ("/console/dashboard/view", "/api/v1/metrics", "/api/v1/metrics/daily",
               "/api/v1/metrics/conversations?has=csat", "/api/v1/metrics/export.csv")  # fmt: skip
    for path in refused:
        assert get(f"{live_server.base_url}{path}", headers=auth).status_code == 403
    lead = {"Authorization": f"Bearer {token(live_server, LEAD)}"}
    for path, field in (("/console/dashboard/view?from=2026-12-02&to=2026-11-01", "to"),
                        ("/api/v1/metrics/conversations?has=tea", "has"),
                        ("/console/dashboard/view?from=2026-13-01", "from")):  # fmt: skip
        answer = get(f"{live_server.base_url}{path}", headers=lead)
        assert answer.status_code == 422 and field in answer.text
