"""The widget's header while a customer waits for a person, in real headless Chromium: a ticket
says by when a person answers, the queue says the wait; the AI keeps answering meanwhile.
Its own server: nobody may be online when the ticket is made."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer

pytestmark = pytest.mark.browser

#: Where the screenshots go (TANDEM_TEST_SCREENSHOTS to keep them); else the test's tmp_path.
SHOTS = os.environ.get("TANDEM_TEST_SCREENSHOTS", "")


def _ask_for_a_person(chromium: Browser, base: str, width: int) -> Page:
    page = chromium.new_context(viewport={"width": width, "height": 760}).new_page()
    page.goto(f"{base}/?lang=en")
    page.get_by_role("button", name="Chat with us").click()
    expect(page.locator("#tandem-panel .tw-msg-ai").first).to_be_visible()
    message = page.get_by_role("textbox", name="Your message")
    message.fill("I want to talk to a person")  # typed: the button is rate-limited per address
    message.press("Enter")
    return page


def _routine_question(page: Page, where: str) -> None:
    """A routine question while waiting: answered, and `where` the customer stands is said."""
    message = page.get_by_role("textbox", name="Your message")
    message.fill("how long does delivery take?")
    message.press("Enter")
    expect(page.locator("#tandem-panel .tw-msg-customer").last).to_contain_text("delivery")
    expect(page.locator("#tandem-panel .tw-msg-ai").last).to_contain_text(where)
    expect(page.locator("#tandem-panel .tw-msg-ai").nth(-2)).to_contain_text("deliver")


def test_that_the_header_says_by_when_a_person_answers_a_ticket_and_the_wait_in_the_queue(
    browser: Browser,
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    base = live_server.base_url
    state = "#tandem-panel .tw-state"
    for width in (390, 1280):  # nobody online: a ticket
        page = _ask_for_a_person(browser, base, width)
        expect(page.locator(state)).to_contain_text("A person answers here by")
        _routine_question(page, "Your ticket stays open")
        expect(page.locator(state)).to_contain_text("A person answers here by")
        page.screenshot(path=str(shots / f"widget-ticket-{width}.png"))

    login = {"email": live_server.agent_email, "password": live_server.agent_password}
    signed_in = httpx.post(f"{base}/api/v1/agent/login", json=login, timeout=60)  # Argon2
    assert signed_in.status_code == 200  # an agent is online now
    for width in (390, 1280):
        page = _ask_for_a_person(browser, base, width)
        expect(page.locator(state)).to_contain_text("In the queue: a person joins in about")
        _routine_question(page, "You keep your place in the queue")
        expect(page.locator(state)).to_contain_text("In the queue")
        page.screenshot(path=str(shots / f"widget-queued-{width}.png"))
