"""The commerce backends by name: "demo" (the built-in shop) and "http" (a shop's REST API).

``TANDEM_SHOP_BACKEND`` names one of them; another backend registers with
``BACKENDS.register("name", factory)`` before the server starts, exactly as these two do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tandem.commerce.model import CommerceBackend
from tandem.registry import Registry


@dataclass(frozen=True, slots=True)
class ShopOptions:
    """What a backend may need from the settings."""

    database_url: str  # the demo shop's database
    url: str  # a remote shop's base URL
    token: str  # a remote shop's bearer token


BackendFactory = Callable[[ShopOptions], CommerceBackend]
BACKENDS: Registry[BackendFactory] = Registry("commerce backend")


def _demo(options: ShopOptions) -> CommerceBackend:
    from tandem.commerce.demo.backend import DemoShop
    from tandem.storage.db import make_engine
    from tandem.storage.migrate import upgrade

    engine = make_engine(options.database_url)
    upgrade(engine)
    return DemoShop(engine)


def _http(options: ShopOptions) -> CommerceBackend:
    from tandem.commerce.http import HttpShop

    return HttpShop(options.url, options.token)


BACKENDS.register("demo", _demo)
BACKENDS.register("http", _http)


def make_backend(name: str, options: ShopOptions) -> CommerceBackend:
    return BACKENDS.get(name)(options)
