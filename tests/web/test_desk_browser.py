"""Headless Chromium on the desk: a Dutch and an English customer ask for a person and see
their place in the queue; then a Dutch-speaking and an English-speaking agent come online
(one in the console) and each conversation lands with the agent who speaks its language; the
Dutch agent edits the suggested reply and sends it, and the customer reads the edited text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer


pytestmark = pytest.mark.browser


def ask_for_a_person(
    browser: Browser, base: str, language: str, errors: list[str], first: str | None = None
) -> Page:
    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    page.on("pageerror", lambda error: errors.append(f"widget {language}: {error}"))
    page.goto(f"{base}/?lang={language}")
    page.get_by_role("button", name="Chat met ons" if language == "nl" else "Chat with us").click()
    widget = page.locator("#tandem-panel")
    expect(widget.locator(".tw-msg-ai").first).to_be_visible()
    box = page.get_by_role("textbox", name="Je bericht" if language == "nl" else "Your message")
    if first is not None:  # a question before asking for a person: the AI answers it
        box.fill(first)
        box.press("Enter")
        expect(widget.locator(".tw-msg-ai")).to_have_count(2)
    box.fill("ik wil een mens spreken" if language == "nl" else "I want to talk to a person")
    box.press("Enter")
    return page


def login(api: APIRequestContext, base: str, email: str, password: str) -> dict[str, str]:
    answer = api.post(f"{base}/api/v1/agent/login", data={"email": email, "password": password})
    assert answer.ok, answer.text()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def mine(api: APIRequestContext, base: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    found = api.get(f"{base}/api/v1/agent/conversations?mine=true", headers=headers)
    conversations: list[dict[str, Any]] = found.json()["conversations"]
    return conversations


def test_that_each_customer_lands_with_the_agent_who_speaks_their_language(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    base, password, errors = live_server.base_url, live_server.agent_password, []
    dutch = ask_for_a_person(browser, base, "nl", errors, first="Waar is mijn bestelling TD-1004?")
    expect(dutch.locator(".tw-place")).to_have_text("Je bent nummer 1 in de wachtrij")
    english = ask_for_a_person(browser, base, "en", errors)
    expect(english.locator(".tw-place")).to_have_text("You are number 2 in the queue")

    api = browser.new_context().request
    lisa = login(api, base, "lisa@tandem.example", password)
    anna_id = api.get(
        f"{base}/api/v1/agent/me", headers=login(api, base, "anna@tandem.example", password)
    ).json()["id"]
    changed = api.patch(f"{base}/api/v1/agents/{anna_id}", headers=lisa, data={"languages": ["nl"]})
    assert changed.ok, changed.text()

    ben = login(api, base, "ben@tandem.example", password)  # English only
    assert api.put(f"{base}/api/v1/agent/status", headers=ben, data={"status": "online"}).ok
    expect(english.locator("#tandem-panel")).to_contain_text("Ben Carter")  # has joined
    expect(english.locator(".tw-state")).to_contain_text("You're talking with")
    expect(english.locator(".tw-place")).to_be_hidden()
    expect(dutch.locator(".tw-place")).to_have_text("Je bent nummer 1 in de wachtrij")

    console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    console.on("pageerror", lambda error: errors.append(f"console: {error}"))
    console.goto(f"{base}/console")
    console.get_by_label("E-mail").fill("anna@tandem.example")
    console.get_by_label("Password").fill(password)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_label("My status").select_option("online")
    expect(console.locator("#mine-list .conv-item")).to_have_count(1)
    expect(dutch.locator("#tandem-panel")).to_contain_text("Anna de Jong")
    expect(dutch.locator(".tw-state")).to_contain_text("Je praat met")
    assert [c["language"] for c in mine(api, base, ben)] == ["en"]
    console.locator("#mine-list .conv-item").first.click()
    expect(console.locator("#timeline")).to_contain_text("assigned to")

    # The suggested reply: what the AI would say to the question, edited by Anna, then sent.
    suggestion = console.locator("#suggestion-text")
    expect(suggestion).not_to_be_empty()
    suggested = suggestion.inner_text()
    console.keyboard.press("s")  # the shortcut for "Use"
    reply = console.get_by_label("Reply to the customer")
    expect(reply).to_have_value(suggested)
    expect(console.locator("#from-suggestion")).to_be_visible()
    edited = suggested + " Groetjes, Anna"
    reply.fill(edited)
    reply.press("Enter")
    expect(dutch.locator("#tandem-panel")).to_contain_text("Groetjes, Anna")
    expect(console.locator("#timeline")).to_contain_text("sent the suggested reply, edited")
    console.screenshot(path=str(tmp_path / "console.png"))
    anna = login(api, base, "anna@tandem.example", password)
    [conversation] = mine(api, base, anna)
    events = api.get(
        f"{base}/api/v1/agent/conversations/{conversation['id']}", headers=anna
    ).json()["events"]
    [used] = [e for e in events if e["kind"] == "suggestion_used"]
    assert (used["actor"], used["detail"]["edited"]) == ("agent_on_behalf_of_ai", True)
    assert errors == []
