"""Shadow mode in a real browser (the demo has cancellations in shadow): a customer asks to
cancel an order, the AI only drafts; the agent who owns the conversation sees the draft, edits
it and sends it (recorded as an edit), the customer reads the edited text; the drafted
cancellation is performed on the agent's click after a confirm step, once; another draft is
discarded and nothing reaches its customer. TANDEM_SCREENSHOTS=<folder> saves the console at
1280 and 390 px wide."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer


pytestmark = pytest.mark.browser


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("TANDEM_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def console(browser: Browser, server: LiveServer, width: int, errors: list[str]) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.on("pageerror", lambda error: errors.append(f"console: {error}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.base_url}/console")
    page.get_by_label("E-mail").fill("anna@tandem.example")
    page.get_by_label("Password").fill(server.agent_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("My status").select_option("online")
    return page


def customer(browser: Browser, server: LiveServer, who: str, text: str) -> Page:
    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"{server.base_url}/?lang=en&as={who}")
    page.get_by_role("button", name="Chat with us").click()
    expect(page.locator("#tandem-panel .tw-msg-ai").first).to_be_visible()
    say(page, text)
    return page


def say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def events(page: Page, server: LiveServer, kind: str) -> list[dict[str, Any]]:
    """The open conversation's events of one kind, read through the agent API."""
    conversation = page.evaluate("TandemDesk.open().id")
    token = page.evaluate("sessionStorage.getItem('tandem.agent.token')")
    answer = page.request.get(
        f"{server.base_url}/api/v1/agent/conversations/{conversation}",
        headers={"Authorization": f"Bearer {token}"},
    )
    found: list[dict[str, Any]] = answer.json()["events"]
    return [e for e in found if e["kind"] == kind]


def test_that_the_agent_edits_the_ais_draft_and_performs_its_cancellation_once(
    browser: Browser, live_server: LiveServer
) -> None:
    errors: list[str] = []
    desk = console(browser, live_server, 1280, errors)
    emma = customer(browser, live_server, "emma", "I want to cancel order TD-1003")
    expect(emma.locator("#tandem-panel")).to_contain_text("colleague")  # the AI did not answer
    desk.locator("#mine-list .conv-item").first.click()
    draft = desk.locator("#shadow-draft")
    expect(draft).to_contain_text("The AI's draft · cancellations")
    expect(draft).to_contain_text("not sent")
    expect(draft).to_contain_text("cancellation")
    drafted = desk.locator("#shadow-text").inner_text()
    assert "TD-1003" in drafted
    expect(emma.locator("#tandem-panel")).not_to_contain_text(drafted.splitlines()[0])
    shoot(desk, "shadow-1280.png")

    desk.keyboard.press("e")  # the shortcut for Edit: the draft goes to the reply box
    reply = desk.get_by_label("Reply to the customer")
    expect(reply).to_have_value(drafted.strip())
    reply.fill(reply.input_value() + " Kind regards, Anna")
    reply.press("Enter")
    expect(emma.locator("#tandem-panel")).to_contain_text("Kind regards, Anna")
    expect(draft).to_be_hidden()  # used: it goes
    [used] = [e["detail"] for e in events(desk, live_server, "draft_used")]
    assert (used["use"], used["topic"]) == ("edit", "cancellations") and used["edit_size"] > 0

    say(emma, "yes")  # the AI drafts the cancellation itself: a button, not a change
    go = draft.get_by_role("button", name="Cancel TD-1003 now")
    expect(go).to_be_visible(timeout=10000)
    go.click()
    confirm = draft.get_by_role("button", name="Confirm: cancel td-1003 in the shop")
    confirm.click()
    expect(draft.locator(".shadow-result")).to_contain_text("done in the shop, once")
    expect(draft.get_by_role("button")).to_have_count(0)  # nothing to click twice
    expect(desk.locator("#timeline")).to_contain_text("cancel order TD-1003 done in the shop")
    shoot(desk, "shadow-action-1280.png")
    performed = events(desk, live_server, "performed")
    assert [(e["actor"], e["detail"]["kind"]) for e in performed] == [
        ("agent_on_behalf_of_ai", "cancel_order")
    ]
    expect(desk.locator("#timeline")).to_contain_text("Anna de Jong sent the AI's draft, edited")
    assert errors == []


def test_that_a_discarded_draft_reaches_nobody_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    errors: list[str] = []
    desk = console(browser, live_server, 390, errors)
    james = customer(browser, live_server, "james", "Please cancel my order")
    expect(james.locator("#tandem-panel")).to_contain_text("colleague")
    item = desk.locator("#mine-list .conv-item", has_text="James")
    expect(item).to_have_count(1, timeout=10000)
    item.click()
    draft = desk.locator("#shadow-draft")
    expect(draft).to_contain_text("not sent")
    drafted = desk.locator("#shadow-text").inner_text()
    shoot(desk, "shadow-390.png")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    before = james.locator("#tandem-panel .tw-msg").count()
    draft.get_by_role("button", name="Discard").click()
    expect(draft).to_be_hidden()
    used = [e["detail"]["use"] for e in events(desk, live_server, "draft_used")]
    assert used == ["discard"]
    james.wait_for_timeout(1500)  # the widget polls: nothing new arrives
    assert james.locator("#tandem-panel .tw-msg").count() == before
    expect(james.locator("#tandem-panel")).not_to_contain_text(drafted.splitlines()[0])
    assert errors == []
