"""The lead's capacity page in real Chromium: the week's plan drawn from the API's figures,
a schedule and a what-if applied, a day opened, a mistake said in words, screenshots at desktop
and phone widths; a plain agent is refused and sees no link."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from web.test_dashboard import LEAD, TIMEOUT, get, history, token  # noqa: F401 (history: a fixture)

if TYPE_CHECKING:
    from conftest import LiveServer

pytestmark = pytest.mark.browser
#: Where the screenshots go (TANDEM_TEST_SCREENSHOTS to keep them); else the test's tmp_path.
SHOTS = os.environ.get("TANDEM_TEST_SCREENSHOTS", "")
SCHEDULE = "mon-fri 09:00-17:00 2; sat 10:00-14:00 1"


def open_console(chromium: Browser, server: LiveServer, email: str, width: int) -> Page:
    page = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{server.base_url}/console")
    page.evaluate("t => sessionStorage.setItem('tandem.agent.token', t)", token(server, email))
    page.goto(f"{server.base_url}/console")
    return page


def planned(server: LiveServer, **params: str) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {token(server, LEAD)}"}
    url = f"{server.base_url}/api/v1/capacity/plan"
    answer = httpx.get(url, params=params, headers=auth, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def cells(page: Page, selector: str) -> list[list[str]]:
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def test_that_a_lead_plans_the_week_against_a_schedule_and_a_step_back(
    browser: Browser,
    history: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page = open_console(browser, history, LEAD, 1280)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.click("#capacity-link")
    page.wait_for_selector("body[data-drawn]")
    first = planned(history)
    names = [row[0] for row in cells(page, ".scenarios")]
    assert names == [s["name"] for s in first["scenarios"]] == ["as measured", "AI off"]
    assert page.locator("#chart svg rect.hit").count() == 336
    expect(page.locator("#notes")).to_contain_text("of the 8 weeks asked")

    topic = page.locator("#whatif-topic option").first.get_attribute("value")
    assert topic
    page.fill("#schedule", SCHEDULE)
    page.fill("#whatif-share", "100")
    page.click("#whatif-add")
    expect(page.locator("#whatifs li")).to_have_count(1)
    page.click("#plan")
    expect(page.locator(".scenarios tbody tr")).to_have_count(3)
    page.wait_for_selector("body[data-drawn]")
    expected = planned(history, schedule=SCHEDULE, what_if=f"{topic}=1.0")
    rows = cells(page, ".scenarios")
    for row, scenario in zip(rows, expected["scenarios"], strict=True):
        assert row[0] == scenario["name"].replace("_", " ")
        assert row[2] == str(scenario["peak_agents"])
        assert row[5] == str(scenario["short_intervals"])
    assert page.locator("#chart svg path.duty").count() == 1
    page.screenshot(path=str(shots / "capacity-week-1280.png"), full_page=True)

    page.locator("#days").get_by_role("button", name="Mon", exact=True).click()
    assert page.locator("#chart svg rect.hit").count() == 48
    monday = cells(page, "#intervals")
    assert len(monday) == 48
    by_time = {row[0]: row for row in monday}
    assert by_time["08:30"][4] == "0" and by_time["09:00"][4] == "2" and by_time["17:00"][4] == "0"
    needed = [i["agents"] for i in expected["scenarios"][0]["intervals"][:48]]
    assert [int(row[3]) for row in monday] == needed
    page.get_by_role("button", name="AI off").click()
    assert page.locator("#chart svg path.baseline").count() == 1
    expect(page.locator("#chart-title")).to_have_text("Agents needed — AI off")
    off = expected["scenarios"][-1]["intervals"][:48]
    extra = [row[4] for row in cells(page, "#intervals")]
    assert extra == [("+" if i["extra_agents"] > 0 else "") + str(i["extra_agents"]) for i in off]
    page.screenshot(path=str(shots / "capacity-monday-ai-off-1280.png"), full_page=True)

    page.fill("#schedule", "mon-fry 09:00-17:00 4")
    page.click("#plan")
    expect(page.locator("#form-error")).to_contain_text("'fry' is not a day")
    assert problems == [] or all("422" in p for p in problems)

    phone = open_console(browser, history, LEAD, 390)
    phone.goto(f"{history.base_url}/console/capacity")
    phone.wait_for_selector("body[data-drawn]")
    phone.fill("#schedule", SCHEDULE)
    phone.click("#plan")
    phone.wait_for_selector("body[data-drawn]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    phone.screenshot(path=str(shots / "capacity-week-390.png"), full_page=True)
    phone.locator("#days").get_by_role("button", name="Sat", exact=True).click()
    phone.screenshot(path=str(shots / "capacity-saturday-390.png"), full_page=True)


def test_that_a_plain_agent_sees_no_capacity_link_and_is_refused_the_plan(
    browser: Browser,
    live_server: LiveServer,
) -> None:
    page = open_console(browser, live_server, live_server.agent_email, 1280)
    expect(page.locator("#logout")).to_be_visible()
    assert page.locator("#capacity-link").is_hidden()
    page.goto(f"{live_server.base_url}/console/capacity")
    page.wait_for_selector("body[data-state]")
    refusal = "Only support leads can see the capacity plan."
    expect(page.locator("#page-error")).to_have_text(refusal)
    assert page.locator("#capacity-view").is_hidden()
    auth = {"Authorization": f"Bearer {token(live_server, live_server.agent_email)}"}
    assert get(f"{live_server.base_url}/api/v1/capacity/plan", headers=auth).status_code == 403
