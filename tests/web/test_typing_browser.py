"""Headless Chromium: a customer types in the widget and the agent who owns the conversation
sees "Customer is typing…" in the console's open conversation; it goes once the message
arrives. The widget sends a signal at most every 3 s and never the text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Request, expect

if TYPE_CHECKING:
    from conftest import LiveServer


pytestmark = pytest.mark.browser


def test_that_the_agent_sees_the_customer_typing_in_the_console(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    base, errors = live_server.base_url, []
    console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    console.on("pageerror", lambda error: errors.append(f"console: {error}"))
    console.goto(f"{base}/console")
    console.get_by_label("E-mail").fill(live_server.agent_email)
    console.get_by_label("Password").fill(live_server.agent_password)
    console.get_by_role("button", name="Sign in").click()
    with console.expect_response(
        lambda r: r.url.endswith("/api/v1/agent/status") and r.request.method == "PUT"
    ) as answer:
        console.get_by_label("My status").select_option("online")
    assert answer.value.ok

    widget = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    widget.on("pageerror", lambda error: errors.append(f"widget: {error}"))
    signals: list[Request] = []
    widget.on("request", lambda r: signals.append(r) if r.url.endswith("/typing") else None)
    widget.goto(f"{base}/?lang=en")
    widget.get_by_role("button", name="Chat with us").click()
    expect(widget.locator(".tw-msg-ai").first).to_be_visible()
    box = widget.get_by_role("textbox", name="Your message")
    box.press_sequentially("hello", delay=20)  # the AI's turn: no person reads, no signal
    box.fill("I want to talk to a person")
    box.press("Enter")
    # assigned at once, but a loaded CI machine may take more than the default 5 s
    expect(widget.locator(".tw-state")).to_contain_text("You're talking with", timeout=30_000)
    assert signals == []

    expect(console.locator("#mine-list .conv-item")).to_have_count(1)
    console.locator("#mine-list .conv-item").first.click()
    expect(console.locator("#timeline")).to_contain_text("I want to talk to a person")
    indicator = console.locator("#customer-typing")
    expect(indicator).to_be_hidden()

    box.press_sequentially("My parcel TD-1004 never", delay=60)  # about 1.4 s of typing
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("Customer is typing…")
    assert len(signals) == 1  # throttled: one signal for a burst of keys shorter than 3 s
    assert signals[0].post_data in (None, "")  # never the text
    console.screenshot(path=str(tmp_path / "console-typing.png"))

    box.press_sequentially(" arrived", delay=60)
    box.press("Enter")
    expect(console.locator("#timeline")).to_contain_text("My parcel TD-1004 never arrived")
    expect(indicator).to_be_hidden()
    assert errors == []
