"""The German demo shop page in a real browser, on a phone and on a desktop: German throughout,
nothing wider than the screen, and the widget in German."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, expect

if TYPE_CHECKING:
    from conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def closed_afterwards(browser: Browser) -> Iterator[None]:
    yield
    for context in browser.contexts:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_that_the_german_shop_page_fits_the_screen_and_speaks_german(
    browser: Browser, live_server: LiveServer, width: int
) -> None:
    page = browser.new_context(viewport={"width": width, "height": 844}).new_page()
    page.goto(f"{live_server.base_url}/?as=lukas&lang=de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gute Dinge für jeden Tag")
    expect(page.get_by_role("heading", name="Regenjacke")).to_be_visible()
    expect(page.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "true")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    codes = page.locator(".note code").all()
    assert codes and all(c.evaluate("e => e.getClientRects().length") == 1 for c in codes)
    page.get_by_role("button", name="Chatte mit uns").click()
    expect(page.locator("#tandem-panel .tw-msg-ai").first).to_contain_text("Lukas")
