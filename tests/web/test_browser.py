"""One real headless Chromium run: a customer asks for a person in the widget, an agent takes
the conversation in the console and answers, and the customer sees the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Browser, Request, expect

if TYPE_CHECKING:
    from conftest import LiveServer

XSS = '<img src=x onerror="window.__pwned=1">'

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def closed_afterwards(browser: Browser) -> Iterator[None]:
    """Each test leaves no page open behind it: the next starts as on a new browser."""
    yield
    for context in browser.contexts:
        context.close()


def test_that_a_customer_who_asks_for_a_person_gets_an_answer_from_the_agent_who_takes_it(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    base = live_server.base_url
    errors: list[str] = []

    customer = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    customer.on("pageerror", lambda error: errors.append(f"widget: {error}"))
    customer.goto(f"{base}/?lang=nl")  # a guest on the Dutch shop page
    customer.get_by_role("button", name="Chat met ons").click()
    widget = customer.locator("#tandem-panel")
    expect(widget.locator(".tw-msg-ai").first).to_be_visible()  # the AI's greeting

    message = customer.get_by_role("textbox", name="Je bericht")
    message.fill(f"{XSS} hallo")
    message.press("Enter")
    expect(widget.locator(".tw-msg-customer").first).to_contain_text(XSS)
    expect(message).to_have_value("")

    message.fill("ik wil een mens spreken")
    message.press("Enter")
    expect(widget.locator(".tw-state")).to_contain_text("Een medewerker antwoordt hier uiterlijk")
    handoff_notice = widget.locator(".tw-msg").last  # what happens next, from the assistant
    expect(handoff_notice).not_to_have_class(re.compile("tw-msg-customer"))
    # Waiting for a person already: the header says so, the button is gone.
    expect(customer.get_by_role("button", name="Praat met een medewerker")).to_be_hidden()

    # The agent's browser is in New York; every time in the console is the shop's (Amsterdam).
    agent_context = browser.new_context(
        viewport={"width": 1300, "height": 850}, timezone_id="America/New_York"
    )
    agent = agent_context.new_page()
    agent.on("pageerror", lambda error: errors.append(f"console: {error}"))
    agent.goto(f"{base}/console")
    agent.get_by_label("E-mail").fill(live_server.agent_email)
    agent.get_by_label("Password").fill(live_server.agent_password)
    agent.get_by_role("button", name="Sign in").click()
    waiting = agent.locator("#queue-list .conv-item")
    expect(waiting).to_have_count(1)
    waiting.first.click()
    mood = agent.locator("#card .frustration .mood")  # a word and a sparkline, not raw numbers
    expect(mood).to_have_text(re.compile(r"^(calm|getting frustrated|frustrated|angry)$"))
    expect(agent.locator("#card .frustration svg.spark polyline")).to_have_count(1)
    expect(agent.locator("#timeline")).to_contain_text(XSS)
    expect(agent.locator("#timeline")).to_contain_text("handed to a person")
    expect(agent.locator("#zone")).to_have_text(re.compile(r"^Times: Amsterdam \(CES?T\)$"))
    expect(agent.locator("#timeline .msg-time").first).to_have_attribute(
        "title", re.compile(r" CES?T$")
    )
    agent.get_by_role("button", name="Take").click()
    expect(agent.locator("#mine-list .conv-item")).to_have_count(1)
    expect(waiting).to_have_count(0)

    reply = agent.get_by_label("Reply to the customer")
    expect(reply).to_be_enabled()
    draft = agent.get_by_role("button", name="Draft")  # no LLM on this server: off, and why
    expect(draft).to_be_disabled()
    expect(draft).to_have_attribute("title", re.compile("TANDEM_LLM_URL"))
    reply.fill("Hallo, ik ben Anna. Waarmee kan ik helpen?")
    reply.press("Enter")
    expect(reply).to_have_value("")

    answer = widget.locator(".tw-msg-agent").last
    expect(answer).to_contain_text("Hallo, ik ben Anna. Waarmee kan ik helpen?")
    expect(answer.locator(".tw-author")).to_have_text(re.compile(r"\S"))
    expect(widget.locator(".tw-state")).to_contain_text("Je praat met")
    expect(customer.get_by_role("button", name="Praat met een medewerker")).to_be_hidden()

    customer.screenshot(path=str(tmp_path / "widget.png"))
    agent.screenshot(path=str(tmp_path / "console.png"))
    assert customer.evaluate("window.__pwned") is None
    assert agent.evaluate("window.__pwned") is None
    assert errors == []


def test_that_the_help_link_in_an_answer_opens_the_article(
    browser: Browser, live_server: LiveServer
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.base_url}/?lang=nl")
    page.get_by_role("button", name="Chat met ons").click()
    message = page.get_by_role("textbox", name="Je bericht")
    message.fill("Hoe lang duurt de levering naar België?")
    message.press("Enter")
    link = page.locator("#tandem-panel .tw-msg-ai a.tw-link").last
    expect(link).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/help/nl/[a-z-]+$"))
    article = page.request.get(link.get_attribute("href") or "")
    assert article.status == 200 and "<h1>" in article.text()


def test_that_the_widget_sends_the_shops_signature_so_the_signed_in_customer_is_known(
    browser: Browser, live_server: LiveServer
) -> None:
    """The demo shop page signs on the server; the widget passes the signature on, and a
    different customer on the same browser never resumes the previous one's conversation."""
    page = browser.new_context().new_page()
    started: list[Any] = []

    def note(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/v1/conversations"):
            started.append(request.post_data_json)

    page.on("request", note)
    ai = page.locator("#tandem-panel .tw-msg-ai")
    for who, name in (("james", "James"), ("emma", "Emma")):
        page.goto(f"{live_server.base_url}/?as={who}&lang=en")
        tag = page.locator("script[data-tandem-signature]")
        signature = tag.get_attribute("data-tandem-signature") or ""
        assert re.fullmatch(r"[0-9a-f]{64}", signature)
        if who == "james":
            page.get_by_role("button", name="Chat with us").click()
        expect(ai.first).to_contain_text(f"Hi {name}")  # the greeting knows them
        assert started[-1] == {
            "language": "en",
            "customer_email": tag.get_attribute("data-tandem-email"),
            "customer_signature": signature,
        }
    assert len(started) == 2


def test_that_no_page_breaks_its_content_security_policy(
    browser: Browser, live_server: LiveServer
) -> None:
    """Console, policy page, help page and shop (with the widget) run under their strict CSP."""
    violations: list[str] = []
    page = browser.new_context().new_page()
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in (
        "/console",
        "/console/policy",
        "/console/rollout",
        "/help/en/returns",
        "/?lang=en",
    ):
        page.goto(f"{live_server.base_url}{path}")
        page.wait_for_load_state("networkidle")
    hero = page.locator(".hero").evaluate("e => getComputedStyle(e).backgroundImage")
    assert "gradient" in hero  # the shop's stylesheet loaded
    page.get_by_role("button", name="Chat with us").click()
    expect(page.locator("#tandem-panel .tw-msg-ai").first).to_be_visible()
    assert violations == []


@pytest.mark.parametrize("width", [320, 390, 430])
def test_that_a_customer_on_a_phone_can_type_and_send_and_the_chat_stays_open(
    browser: Browser, live_server: LiveServer, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 700}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.base_url}/?lang=en")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.tap()
    panel = page.locator("#tandem-panel")
    expect(panel.locator(".tw-msg-ai").first).to_be_visible()
    expect(launcher).to_be_hidden()  # it would cover the Send button

    message = page.get_by_role("textbox", name="Your message")
    message.tap()
    message.fill("where is my order?")
    send = page.get_by_role("button", name="Send", exact=True)
    box = send.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["y"] + box["height"] <= 700
    send.tap(timeout=5000)  # fails when something else would get the tap
    expect(panel.locator(".tw-msg-customer").first).to_contain_text("where is my order?")
    expect(message).to_have_value("")
    expect(panel).to_be_visible()
    assert panel.evaluate("p => p.getBoundingClientRect().width") == width
    if width == 390:
        page.screenshot(path=f"/tmp/tandem-widget-{width}.png")
    page.get_by_role("button", name="Close chat").tap()
    expect(panel).to_be_hidden()
    expect(launcher).to_be_visible()
    context.close()


def test_that_the_desktop_widget_keeps_its_launcher_beside_the_open_panel(
    browser: Browser, live_server: LiveServer
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.base_url}/?lang=en")
    page.get_by_role("button", name="Chat with us").click()
    panel = page.locator("#tandem-panel")
    expect(panel.locator(".tw-msg-ai").first).to_be_visible()
    message = page.get_by_role("textbox", name="Your message")
    message.fill("where is my order?")
    page.get_by_role("button", name="Send", exact=True).click(timeout=5000)
    expect(panel.locator(".tw-msg-customer").first).to_contain_text("where is my order?")
    expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
    page.screenshot(path="/tmp/tandem-widget-desktop.png")


def test_that_the_api_documentation_renders_without_any_other_site(
    browser: Browser, live_server: LiveServer
) -> None:
    """/docs and /redoc must work offline: every request to another host is blocked."""
    base = live_server.base_url
    page = browser.new_context().new_page()
    elsewhere: list[str] = []
    violations: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{base}/docs")
    expect(page.get_by_text("/api/v1/conversations", exact=True).first).to_be_visible()
    assert violations == []  # Swagger UI runs under the strict page policy
    page.goto(f"{base}/redoc")
    expect(page.get_by_text("/api/v1/conversations").first).to_be_attached()
    assert elsewhere == []
    # ReDoc's "powered by" logo is the only thing it would fetch from elsewhere; CSP stops it.
    assert all("cdn.redoc.ly" in v for v in violations), violations


def test_that_a_lead_creates_and_deactivates_an_agent_on_the_agents_page_at_phone_width(
    browser: Browser, live_server: LiveServer
) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.base_url}/console")
    page.get_by_label("E-mail").fill("lisa@tandem.example")
    page.get_by_label("Password").fill(live_server.agent_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Agents").click()
    expect(page.locator("#accounts-body")).to_contain_text("lisa@tandem.example")

    page.get_by_label("Name").fill("Noor Visser")
    page.get_by_label("E-mail").fill("noor@tandem.example")
    page.get_by_label("First password").fill("short")
    page.get_by_role("button", name="Create agent").click()
    expect(page.locator("#new-error")).to_contain_text("password")  # the server's 422, shown
    page.get_by_label("First password").fill("noor-password-1")
    page.get_by_role("button", name="Create agent").click()
    row = page.locator("#accounts-body tr", has_text="noor@tandem.example")
    expect(row).to_contain_text("active")
    row.get_by_role("button", name="Deactivate").click()
    expect(row).to_contain_text("deactivated")
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    assert errors == []


def test_that_a_customer_thumbs_an_answer_ends_the_chat_and_rates_it(
    browser: Browser,
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    base = live_server.base_url
    errors: list[str] = []
    page = browser.new_context(viewport={"width": 390, "height": 780}).new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/?lang=en")
    page.get_by_role("button", name="Chat with us").click()
    widget = page.locator("#tandem-panel")
    message = page.get_by_role("textbox", name="Your message")
    message.fill("what are your opening hours?")
    message.press("Enter")
    answer = widget.locator(".tw-msg-ai").last
    expect(answer.locator(".tw-thumb")).to_have_count(2)
    expect(widget.locator(".tw-msg-ai").first.locator(".tw-thumb")).to_have_count(0)  # greeting
    helped = answer.get_by_role("button", name="This helped")
    helped.click()
    expect(helped).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(tmp_path / "widget-thumbs.png"))

    widget.get_by_role("button", name="End chat").click()
    expect(widget.locator(".tw-rating")).to_be_visible()
    widget.get_by_role("button", name="5 of 5 stars").click()
    widget.get_by_role("button", name="Send rating").click()
    expect(widget.locator(".tw-rating")).to_contain_text("Thank you for your rating!")
    page.screenshot(path=str(tmp_path / "widget-rated.png"))
    if widget.locator(".tw-nps").count():  # only a share of customers are asked
        widget.get_by_role("button", name="9 of 10").click()
        expect(widget.locator(".tw-rating")).to_contain_text("Thank you!")
    assert errors == []

    login = {"email": "lisa@tandem.example", "password": live_server.agent_password}
    token = httpx.post(f"{base}/api/v1/agent/login", json=login).json()["token"]
    rows = httpx.get(
        f"{base}/api/v1/metrics/conversations",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["conversations"]
    [thumbed] = [row for row in rows if row["thumbs_up"]]  # other tests' chats are not thumbed
    assert (thumbed["thumbs_up"], thumbed["csat"], thumbed["resolution"]) == (1, 5, "confirmed")


#: A slow phone network: the page's first message POST takes 1.5 s to leave.
SLOW_FIRST_MESSAGE = """
(() => {
  const send = window.fetch.bind(window);
  let delayed = false;
  window.fetch = (url, init) => {
    if (!delayed && init && init.method === "POST" && String(url).endsWith("/messages")) {
      delayed = true;
      return new Promise((resolve) => setTimeout(resolve, 1500)).then(() => send(url, init));
    }
    return send(url, init);
  };
})();
"""


def test_that_a_message_typed_while_the_one_before_is_still_sending_is_sent_after_it(
    browser: Browser, live_server: LiveServer
) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 760}).new_page()
    page.add_init_script(SLOW_FIRST_MESSAGE)
    page.goto(f"{live_server.base_url}/?lang=en")
    page.get_by_role("button", name="Chat with us").click()
    panel = page.locator("#tandem-panel")
    expect(panel.locator(".tw-msg-ai").first).to_be_visible()
    message = page.get_by_role("textbox", name="Your message")
    message.fill("how long does delivery take?")
    message.press("Enter")
    message.fill("and can I pay with PayPal?")  # while the first is still on its way
    message.press("Enter")
    customer = panel.locator(".tw-msg-customer")
    expect(customer).to_have_count(2, timeout=15_000)
    expect(customer.nth(0)).to_contain_text("delivery")
    expect(customer.nth(1)).to_contain_text("PayPal")
    expect(message).to_have_value("")
    expect(panel.locator(".tw-msg-ai").last).to_contain_text("PayPal", timeout=15_000)
