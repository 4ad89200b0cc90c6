"""The roll-out page in a real browser, on a server whose database holds a generated history:
a lead reads each topic's card (mode, sample sizes, every metric against people with its
interval, the staffing impact of a step back), sees why the guardrail stepped a topic back,
takes a suggested step with one click, turns a topic off, and nothing runs off a phone's
screen. TANDEM_SCREENSHOTS=<folder> also saves the page at 1280 and 390 px wide."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from rollout_history import GOOD, WORSE, history
from tandem.domain.rollout import Mode, Setting
from tandem.services import rollout
from tandem.services.rollout_evaluation import evaluate
from tandem.storage.db import make_engine

if TYPE_CHECKING:
    from conftest import LiveServer


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def generated(live_server: LiveServer) -> LiveServer:
    """The demo's modes (exchanges in a 50% pilot, cancellations in shadow) and a history: a
    pilot as good as people, a topic clearly worse than people (stepped back by the guardrail
    here), one as good as people, and people's own queue."""
    engine = make_engine(live_server.database_url)
    try:
        history(engine, "exchanges", None, GOOD, back=0.08)
        history(engine, "exchanges", "rollout_pilot_control", GOOD, back=0.12)
        history(engine, "refunds", None, WORSE, back=0.35, complaints=0.1)
        history(engine, "refunds", "rollout_off", GOOD, back=0.10)
        history(engine, "returns", None, GOOD[:60], back=0.10, thumbs_down=0.05)
        history(engine, "returns", "rollout_shadow", GOOD[:45], back=0.12)
        history(engine, "general", "customer_request", GOOD, back=0.0)
        evaluate(engine)  # the guardrail's run: refunds steps back to a 50% pilot
        assert rollout.modes(engine).of("refunds") == Setting(Mode.PILOT, 50)
    finally:
        engine.dispose()
    return live_server


def signed_in(browser: Browser, server: LiveServer, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{server.base_url}/console")
    page.get_by_label("E-mail").fill("lisa@tandem.example")
    page.get_by_label("Password").fill(server.agent_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Roll-out").click()
    expect(page.locator("#topic-exchanges")).to_be_visible()
    return page


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("TANDEM_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_that_a_lead_reads_each_topic_against_people_and_why_one_stepped_back(
    browser: Browser, generated: LiveServer
) -> None:
    page = signed_in(browser, generated, 1280)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.reload()  # from the start, listening: no script error, no CSP violation (the bars)
    expect(page.locator("#topic-exchanges .bar-span").first).to_be_visible()
    exchanges = page.locator("#topic-exchanges")
    expect(exchanges.locator(".mode")).to_have_text("pilot 50%")
    expect(exchanges.locator(".sample")).to_contain_text("AI 90 conversations · people 90")
    expect(exchanges.locator(".metrics tbody tr")).to_have_count(5)
    csat = exchanges.locator(".metrics tbody tr", has_text="CSAT")
    expect(csat).to_contain_text("n=90")
    interval = re.compile(r"^\[\u2212?\d\.\d\d, \+?\d\.\d\d\]$")  # AI minus people
    expect(csat.locator(".interval")).to_have_text(interval)
    expect(exchanges.locator(".impact")).to_contain_text("to shadow")
    expect(exchanges.locator(".impact")).to_contain_text("conversations an hour for people")
    refunds = page.locator("#topic-refunds")
    expect(refunds.locator(".mode")).to_have_text("pilot 50%")
    expect(refunds.locator(".last")).to_contain_text("the guardrail (automatic)")
    stepped = page.locator("#history li.automatic").first
    expect(stepped).to_contain_text("refunds: on → pilot 50%")
    expect(stepped.locator(".evidence li.drop").first).to_contain_text("mSPRT")
    expect(page.locator("#topic-order_status .sample")).to_contain_text("AI 0 conversations")
    shoot(page, "rollout-1280.png")
    # Promotion is a lead's click: the pilot is as good as people, so "on" is suggested.
    expect(exchanges.locator(".suggest")).to_contain_text("Suggested: on")
    exchanges.get_by_role("button", name="Take the suggested step for exchange").click()
    expect(exchanges.locator(".mode")).to_have_text("on")
    expect(page.locator("#history li").first).to_contain_text("Lisa")
    expect(page.locator("#history li").first).to_contain_text("pilot 50% → on")
    assert errors == []


def test_that_a_lead_pilots_and_kills_a_topic_on_a_phone(
    browser: Browser, generated: LiveServer
) -> None:
    page = signed_in(browser, generated, 390)
    shoot(page, "rollout-390.png")
    invoices = page.locator("#topic-invoices")
    invoices.get_by_label("New mode for invoice").select_option("pilot")
    invoices.get_by_label("Why, for invoice").fill("try invoices with a few")
    invoices.get_by_role("button", name="Apply").click()
    expect(page.locator("#result")).to_contain_text("percent")  # the server's 422, shown
    expect(invoices.locator(".mode")).to_have_text("on")
    invoices = page.locator("#topic-invoices")
    invoices.get_by_label("New mode for invoice").select_option("pilot")
    invoices.get_by_label("Pilot percentage for invoice").fill("30")
    invoices.get_by_label("Why, for invoice").fill("try invoices with a few")
    invoices.get_by_role("button", name="Apply").click()
    expect(invoices.locator(".mode")).to_have_text("pilot 30%")
    invoices.get_by_label("Why, for invoice").fill("wrong totals")
    invoices.get_by_role("button", name="Turn the AI off for invoice").click()
    expect(invoices.locator(".mode")).to_have_text("off")
    expect(page.locator("#history")).to_contain_text("pilot 30% → off — wrong totals")
    page.get_by_role("button", name="Turn the AI off everywhere").click()
    expect(page.locator("#result")).to_contain_text("note")  # no note: refused, nothing changed
    expect(page.locator("#topic-returns .mode")).to_have_text("on")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
