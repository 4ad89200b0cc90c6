"""Replay: what another policy would have decided on recorded conversations."""

from __future__ import annotations

from tandem.domain.decision import Action, Decision, Reason
from tandem.domain.policy import DEFAULT_POLICY, Engine, load_policy
from tandem.domain.policy.dialogue import CustomerTurn
from tandem.domain.policy.replay import RecordedConversation, replay
from tandem.domain.turns import Surroundings
from tandem.understanding.result import Context, Understanding

STRICT = DEFAULT_POLICY.read_text("utf-8").replace(
    "rules:\n",
    "rules:\n  - {name: no_returns, when: 'intent == \"return_item\"', "
    "action: handoff, reason: business_rule}\n",
    1,
)


class IntentIsText:
    """A stand-in for the understanding port: the message text is the intent."""

    def understand(self, text: str, context: Context) -> Understanding:
        return Understanding(text, "en", text, 0.95, "oos", 0.01, False, 0.1)


ONLINE = Surroundings(agents_online=1)


def answered(rule: str = "default") -> Decision:
    return Decision(Action.ANSWER, Reason.ROUTINE, rule)


def test_that_replay_lists_the_decisions_another_policy_would_change() -> None:
    recorded = [
        RecordedConversation(
            "c1",
            tuple(CustomerTurn(t, ONLINE) for t in ("greeting", "return_item", "thanks")),
            (answered(), answered(), answered()),
        ),
        RecordedConversation("c2", (CustomerTurn("invoice", ONLINE),), (answered(),)),
    ]
    report = replay(Engine(load_policy(STRICT)), IntentIsText(), recorded)
    assert (report.conversations, report.turns) == (2, 3)  # c1 stops at the hand-over
    [change] = report.changes
    assert (change.conversation, change.turn, change.text, change.after.rule) == (
        "c1",
        2,
        "return_item",
        "no_returns",
    )
    assert report.moves() == {(Action.ANSWER, Action.HANDOFF): 1}
