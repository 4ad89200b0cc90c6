"""Every metric's definition on small hand-made histories (docs/metrics.md has the same ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from tandem.domain.metrics.definitions import (
    Band,
    Costs,
    History,
    Resolution,
    Said,
    Step,
    Summary,
    figures,
    mark_recontacts,
    summarise,
    tally,
)

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
COSTS = Costs(per_agent_hour=30.0, per_ai_conversation=0.5)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def decided(
    minute: float,
    topic: str,
    action: str = "answer",
    outcome: str | None = "answered",
    message: int = 2,
) -> Step:
    detail = {"topic": topic, "action": action, "outcome": outcome, "message": message}
    return Step("decided", "ai", at(minute), detail=detail)


def step(kind: str, actor: str, minute: float, **fields: Any) -> Step:
    return Step(kind, actor, at(minute), **fields)


def history(steps: list[Step], said: list[Said], customer: str | None = "C-1") -> History:
    return History("c1", T0, customer, None, "en", [step("opened", "customer", 0), *steps], said)


def said(offset: int, author: str, minute: float, frustration: float | None = None) -> Said:
    return Said(offset, author, at(minute), frustration)


GREETING = said(1, "ai", 0)


def test_that_an_answered_conversation_closed_without_complaint_is_assumed_resolved_by_the_ai() -> (
    None
):
    s = summarise(
        history(
            [
                decided(1, "order_status"),
                step("closed", "customer", 2, from_state="ai", to_state="closed"),
            ],
            [GREETING, said(2, "customer", 1, 0.1), said(3, "ai", 1.05)],
        )
    )
    assert (s.band, s.resolution, s.topic) == (Band.AI_ONLY, Resolution.ASSUMED, "order_status")
    assert s.ai_answers == 1 and round(s.ai_answer_seconds) == 3
    assert s.honest and s.human_seconds == 0


def test_that_a_thumb_up_on_the_last_ai_answer_or_a_csat_of_four_confirms_it() -> None:
    base = [
        decided(1, "returns"),
        step("closed", "customer", 2, from_state="ai", to_state="closed"),
    ]
    messages = [GREETING, said(2, "customer", 1), said(3, "ai", 1)]
    thumb = step("thumbs", "customer", 1.5, detail={"message": 3, "up": True})
    assert summarise(history([*base, thumb], messages)).resolution is Resolution.CONFIRMED
    rated = step("rated", "customer", 3, detail={"score": 4})
    s = summarise(history([*base, rated], messages))
    assert (s.resolution, s.csat) == (Resolution.CONFIRMED, 4)


def test_that_a_thumbs_down_after_a_resolved_action_leaves_it_unresolved() -> None:
    s = summarise(
        history(
            [
                decided(1, "cancellations", outcome="resolved"),
                step("performed", "ai", 1.1, detail={"message": 2, "ok": True}),
                step("thumbs", "customer", 2, detail={"message": 4, "up": False}),
                step("closed", "system", 40, from_state="ai", to_state="closed", reason="idle"),
            ],
            [GREETING, said(2, "customer", 1), said(3, "ai", 1), said(4, "ai", 1.1)],
        )
    )
    assert s.resolution is Resolution.UNRESOLVED and not s.honest
    assert (s.thumbs_up, s.thumbs_down) == (0, 1)


def test_that_the_last_thumb_on_a_message_counts_once() -> None:
    thumbs = [
        step("thumbs", "customer", 2, detail={"message": 3, "up": False}),
        step("thumbs", "customer", 3, detail={"message": 3, "up": True}),
    ]
    s = summarise(
        history(
            [decided(1, "returns"), *thumbs], [GREETING, said(2, "customer", 1), said(3, "ai", 1)]
        )
    )
    assert (s.thumbs_up, s.thumbs_down, s.resolution) == (1, 0, Resolution.OPEN)


def test_that_a_customer_leaving_the_queue_abandoned_it() -> None:
    s = summarise(
        history(
            [
                decided(1, "payments", action="handoff", outcome=None),
                step(
                    "handed_off",
                    "ai",
                    1,
                    reason="payment_problem",
                    from_state="ai",
                    to_state="queued",
                ),
                step(
                    "closed",
                    "customer",
                    9,
                    reason="ended_by_customer",
                    from_state="queued",
                    to_state="closed",
                ),
            ],
            [GREETING, said(2, "customer", 1, 0.6), said(3, "ai", 1)],
        )
    )
    assert (s.band, s.resolution, s.handoff_reason) == (
        Band.AI_ONLY,
        Resolution.ABANDONED,
        "payment_problem",
    )


def test_that_a_person_from_the_first_reply_on_is_human_only_with_their_times() -> None:
    s = summarise(
        history(
            [
                decided(1, "conversation", action="handoff", outcome=None),
                step(
                    "handed_off",
                    "ai",
                    1,
                    reason="customer_request",
                    from_state="ai",
                    to_state="queued",
                ),
                step("taken", "agent", 3, from_state="queued", to_state="human"),
                step("closed", "agent", 13, from_state="human", to_state="closed"),
            ],
            [
                GREETING,
                said(2, "customer", 1),
                said(3, "ai", 1),
                said(4, "system", 3),
                said(5, "agent", 4),
            ],
        )
    )
    assert (s.band, s.resolution, s.topic) == (
        Band.HUMAN_ONLY,
        Resolution.ESCALATED,
        "conversation",
    )
    assert s.first_response_seconds == 180 and s.human_seconds == 600


def test_that_a_hand_over_after_an_ai_answer_is_ai_then_human() -> None:
    steps = [
        decided(1, "returns"),
        decided(2, "returns", action="handoff", outcome=None),
        step("handed_off", "ai", 2, reason="frustration", from_state="ai", to_state="queued"),
        step("taken", "agent", 5, from_state="queued", to_state="human"),
    ]
    s = summarise(
        history(
            steps,
            [GREETING, said(2, "customer", 1, 0.2), said(3, "ai", 1), said(4, "customer", 2, 0.8)],
        )
    )
    assert (s.band, s.resolution) == (Band.AI_THEN_HUMAN, Resolution.OPEN)
    assert (s.frustration_start, s.frustration_end) == (0.2, 0.8)


def _resolved(conversation_id: str, day: int, topic: str = "returns", **who: Any) -> Summary:
    opened = T0 + dt.timedelta(days=day)
    return Summary(
        conversation_id, opened, opened + dt.timedelta(minutes=5), who.get("customer_id"),
        who.get("email"), "en", topic, Band.AI_ONLY, Resolution.ASSUMED, None, None, None, 0, 0,
        0.0, None, 0.0, 0, None, None,
    )  # fmt: skip


def test_that_a_recontact_on_day_six_counts_and_one_on_day_eight_does_not() -> None:
    first = _resolved("a", 0, customer_id="C-1")
    day6 = _resolved("b", 6, email="x@example.com")
    day8 = _resolved("c", 8, customer_id="C-1")
    same_by_email = replace(first, email="x@example.com")
    marked = mark_recontacts([same_by_email, day6], days=7)
    assert [s.recontacted for s in marked] == [True, False]
    assert [s.honest for s in marked] == [False, True]
    assert [s.recontacted for s in mark_recontacts([first, day8], days=7)] == [False, False]
    other_topic = _resolved("d", 2, topic="refunds", customer_id="C-1")
    assert not mark_recontacts([first, other_topic], days=7)[0].recontacted


def test_that_the_figures_show_confirmed_assumed_and_honest_side_by_side() -> None:
    a = replace(_resolved("a", 0, customer_id="C-1"), recontacted=True, csat=5, nps=10)
    b = replace(_resolved("b", 3, customer_id="C-1"), resolution=Resolution.CONFIRMED, nps=3)
    c = replace(
        _resolved("c", 1),
        band=Band.HUMAN_ONLY,
        resolution=Resolution.ESCALATED,
        handoff_reason="complaint",
        human_seconds=1200.0,
        csat=2,
    )
    f = figures([tally(s) for s in (a, b, c)], COSTS)
    assert f.conversations == 3 and f.bands == {"ai_only": 2, "ai_then_human": 0, "human_only": 1}
    r = f.resolution
    assert (r["confirmed"], r["assumed"], r["escalated"], r["honest"]) == (1, 1, 1, 1)
    assert (r["confirmed_rate"], r["resolved_rate"], r["honest_rate"]) == (0.3333, 0.6667, 0.3333)
    assert f.recontact_rate == 0.3333
    assert (f.csat_average, f.csat_responses) == (3.5, 2)
    assert (f.nps_score, f.nps_responses) == (0.0, 2)  # one promoter, one detractor
    assert (f.handoff_rate, f.handoff_reasons) == (0.3333, {"complaint": 1})
    # 20 agent minutes at 30/hour + 2 AI conversations at 0.50, over 1 honest resolution
    assert (f.human_minutes, f.cost, f.cost_per_resolution) == (20.0, 11.0, 11.0)


def test_that_no_conversations_give_no_rates_rather_than_zeroes() -> None:
    f = figures([], COSTS)
    assert f.conversations == 0 and f.resolution["honest_rate"] is None
    assert f.csat_average is None and f.nps_score is None and f.cost_per_resolution is None


def test_that_a_customer_message_understood_as_a_complaint_marks_the_summary() -> None:
    angry = Said(2, "customer", at(1), 0.7, "complaint")
    calm = Said(2, "customer", at(1), 0.1, "where_is_my_order")
    assert summarise(history([], [GREETING, angry])).complained
    assert not summarise(history([], [GREETING, calm])).complained
