"""A ticket's promised time reads the same for the customer and the agent: the shop's zone
(TANDEM_TIMEZONE), named; the console formats `ticket_promised_by` in that zone too."""

import datetime as dt

from fastapi.testclient import TestClient

from scenarios.chat import Chat


def test_that_the_promised_time_is_written_in_the_shops_zone_with_its_name(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en")
    body = chat.say("I want to talk to a person")  # nobody online: a ticket
    promised = dt.datetime.fromisoformat(body["handoff"]["ticket_promised_by"])
    shop = promised.astimezone(client.app.state.runtime.settings.zone)  # type: ignore[attr-defined]
    assert shop.tzname() in ("CET", "CEST")
    assert f"{shop:%H:%M} {shop.tzname()}" in body["messages"][-1]["text"]
