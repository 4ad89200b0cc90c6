from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat, Desk


def test_that_an_agent_takes_a_queued_customer_and_the_customer_sees_the_answer(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to speak to a human")
    desk = Desk(client, agent_token)
    waiting = desk.queue()
    assert [item["id"] for item in waiting] == [chat.id]
    assert waiting[0]["reason"] == "customer_request"
    taken = desk.post(f"conversations/{chat.id}/take")
    assert taken.status_code == 200 and taken.json()["state"] == "human"
    assert desk.post(f"conversations/{chat.id}/messages", text="Hi, I'm Anna.").status_code == 201
    seen = chat.messages()
    assert seen[-1]["author"] == "agent" and seen[-1]["text"] == "Hi, I'm Anna."
    assert seen[-1]["author_name"] == "Anna de Jong"
    assert desk.queue() == []


def test_that_the_ai_stays_silent_while_a_person_owns_the_conversation(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    chat.say("medewerker aub")
    Desk(client, agent_token).post(f"conversations/{chat.id}/take")
    body = chat.say("waar is mijn bestelling TD-1001?")
    assert [m["author"] for m in body["messages"]] == ["customer"]
    assert body["state"] == "human"


def test_that_a_handed_back_conversation_is_answered_by_the_ai_again(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    chat.say("let me talk to an agent")
    desk = Desk(client, agent_token)
    desk.post(f"conversations/{chat.id}/take")
    back = desk.post(f"conversations/{chat.id}/hand-back")
    assert back.json()["state"] == "ai"
    assert "TD-2002" in chat.replies("where is my order TD-2002")


def test_that_closing_asks_the_customer_for_a_rating_which_is_stored_once(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("human please")
    desk = Desk(client, agent_token)
    desk.post(f"conversations/{chat.id}/take")
    closed = desk.post(f"conversations/{chat.id}/close")
    assert closed.json()["state"] == "closed"
    assert "rate" in chat.messages()[-1]["text"]
    rating = client.post(
        f"/api/v1/conversations/{chat.id}/rating",
        json={"score": 5, "comment": "Quick and kind"},
        headers=chat.auth,
    )
    assert rating.status_code == 201 and rating.json() == {"score": 5, "comment": "Quick and kind"}
    again = client.post(
        f"/api/v1/conversations/{chat.id}/rating", json={"score": 1}, headers=chat.auth
    )
    assert again.status_code == 409


def test_that_the_timeline_records_who_moved_the_conversation_and_why(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    desk = Desk(client, agent_token)
    desk.post(f"conversations/{chat.id}/take")
    detail = desk.post(f"conversations/{chat.id}/close").json()
    moves = [(e["kind"], e["actor"], e["reason"]) for e in detail["events"] if e["to_state"]]
    assert moves == [
        ("handed_off", "ai", "customer_request"),
        ("taken", "agent", "taken"),
        ("closed", "agent", "closed_by_agent"),
    ]


def test_that_an_agent_cannot_reply_in_a_conversation_they_do_not_own(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    response = Desk(client, agent_token).post(f"conversations/{chat.id}/messages", text="hello")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_owner"


def test_that_a_queued_customer_asking_again_hears_where_they_stand(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="nl")
    assert chat.say("ik wil een mens spreken")["state"] == "queued"
    again = chat.say("hallo?? ik wil echt een medewerker")
    assert again["state"] == "queued"
    assert "wachtrij" in again["messages"][-1]["text"]
    ok = chat.say("ok")  # never silence, never a second hand-over, never the same words again
    assert ok["state"] == "queued" and ok["handoff"] is None
    assert ok["messages"][-1]["author"] == "ai"
    assert ok["messages"][-1]["text"] != again["messages"][-1]["text"]
