"""Settings with closed types: a typo is an error at start, never a silent default."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tandem.commerce.backends import BACKENDS, ShopOptions, make_backend
from tandem.config import Settings
from tandem.registry import Registry, UnknownName


def test_that_an_unknown_shop_backend_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="unknown shop backend 'dmeo'; known: demo, http"):
        Settings(shop_backend="dmeo")


def test_that_an_unknown_log_level_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="log_level"):
        Settings(log_level="verbose")  # type: ignore[arg-type]


def test_that_a_registered_backend_is_accepted_and_built_by_name() -> None:
    built: list[ShopOptions] = []

    def factory(options: ShopOptions) -> object:
        built.append(options)
        return object()

    BACKENDS.register("test-shop", factory)  # type: ignore[arg-type]
    try:
        settings = Settings(shop_backend="test-shop", shop_url="http://shop.test")
        make_backend(settings.shop_backend, ShopOptions("", settings.shop_url, ""))
        assert [options.url for options in built] == ["http://shop.test"]
    finally:
        BACKENDS._items.pop("test-shop")


def test_that_a_registry_refuses_a_name_twice_and_names_what_it_knows() -> None:
    registry: Registry[int] = Registry("widget")
    registry.register("one", 1)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("one", 2)
    with pytest.raises(UnknownName, match="unknown widget 'two'; known: one"):
        registry.get("two")


def test_that_a_mail_server_without_a_from_address_or_with_a_bad_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="TANDEM_SMTP_FROM is needed"):
        Settings(smtp_host="mail.example")
    with pytest.raises(ValidationError, match="smtp_from"):
        Settings(smtp_host="mail.example", smtp_from="not an address")
    with pytest.raises(ValidationError, match="smtp_security"):
        Settings(smtp_security="ssl")
    assert not Settings().mail_enabled
    assert Settings(smtp_host="mail.example", smtp_from="Shop <help@shop.example>").mail_enabled
