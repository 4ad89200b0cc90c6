"""The German and French demo shop page in a real browser, on a phone and on a desktop: the
language throughout, nothing wider than the screen, and the widget in the language."""

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


#: (who, language, heading, a product, the language's own name, the launcher, a greeting word)
SHOPS = {
    "de": ("lukas", "Gute Dinge für jeden Tag", "Regenjacke", "Deutsch", "Chatte mit uns", "Lukas"),
    "fr": ("claire", "De bonnes choses pour tous les jours", "Veste de pluie", "Français",
           "Discutez avec nous", "Claire"),
}  # fmt: skip


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", sorted(SHOPS))
def test_that_the_shop_page_fits_the_screen_and_speaks_the_language(
    browser: Browser, live_server: LiveServer, width: int, language: str
) -> None:
    who, heading, product, name, launcher, greeted = SHOPS[language]
    page = browser.new_context(viewport={"width": width, "height": 844}).new_page()
    page.goto(f"{live_server.base_url}/?as={who}&lang={language}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("heading", name=product)).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_have_attribute("aria-current", "true")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    codes = page.locator(".note code").all()
    assert codes and all(c.evaluate("e => e.getClientRects().length") == 1 for c in codes)
    page.get_by_role("button", name=launcher).click()
    expect(page.locator("#tandem-panel .tw-msg-ai").first).to_contain_text(greeted)
