"""A seeded demo shop standing on a fixed day, on every configured database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed

#: A Wednesday; personas' dates are relative to it.
TODAY = dt.date(2025, 3, 12)
NOON = dt.datetime(2025, 3, 12, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def shop(engine: Engine) -> DemoShop:
    seed(engine, TODAY)
    return DemoShop(engine, clock=lambda: NOON)
