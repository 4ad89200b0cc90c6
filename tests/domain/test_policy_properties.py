"""Guarantees that hold for the default policy and for any valid policy a lead may write."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tandem.domain.conversation import State
from tandem.domain.decision import Action, Reason
from tandem.domain.policy import DEFAULT_POLICY, Engine, Facts, InvalidPolicy, load_policy
from tandem.domain.policy.facts import INTENTS
from tandem.domain.turns import Attempt, Surroundings, TurnMemory, decide_turn, turn_facts
from tandem.understanding.result import Understanding

DEFAULT = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))
TO_A_PERSON = {Action.HANDOFF, Action.TICKET}
unit = st.floats(0.0, 1.0)

understandings = st.builds(
    Understanding,
    text=st.just("..."),
    language=st.sampled_from(["nl", "en"]),
    intent=st.sampled_from(sorted(INTENTS)),
    confidence=unit,
    runner_up=st.sampled_from(sorted(INTENTS)),
    runner_up_confidence=unit,
    out_of_scope=st.booleans(),
    frustration=unit,
)
surroundings = st.builds(
    Surroundings,
    state=st.sampled_from([State.AI, State.QUEUED, State.HUMAN]),
    agents_online=st.integers(0, 5),
    expected_wait_minutes=st.integers(0, 90),
    office_hours=st.booleans(),
    asked_for_human=st.booleans(),
    customer_tier=st.sampled_from([None, "standard", "gold"]),
    order_amount=st.floats(0.0, 3000.0),
    order_status=st.sampled_from(["none", "shipped", "delivered"]),
    answer_budget_ms=st.integers(1000, 10000),
)
attempts = st.builds(
    Attempt, st.sampled_from(["a", "b", "c"]), st.booleans(), st.integers(0, 20000)
)
memories = st.builds(
    TurnMemory,
    failed_turns=st.integers(0, 4),
    rephrases=st.integers(0, 2),
    last_answer_key=st.sampled_from([None, "a", "b"]),
    frustration=st.lists(unit, max_size=5).map(tuple),
)


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    attempt = draw(st.none() | attempts)
    return turn_facts(draw(memories), draw(understandings), draw(surroundings), attempt)


ATOMS = (
    "out_of_scope", "asked_for_human", "confidence < 0.5", "frustration >= 0.7",
    "failed_turns >= 2", 'intent == "complaint"', 'intent == "talk_to_person"',
    "rephrases_so_far == 0", "office_hours", "agents_online == 0", 'state == "queued"',
    "action_failed", "same_answer_twice", "order_amount > 500.0", "human_offered",
)  # fmt: skip
atoms = st.sampled_from(ATOMS)
conditions = st.recursive(
    atoms,
    lambda inner: (
        st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        | inner.map(lambda c: f"!({c})")
    ),
    max_leaves=4,
)
outcomes = st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Reason))).map(
    lambda ar: f"action: {ar[0].value}, reason: {ar[1].value}"
)


@st.composite
def policies(draw: st.DrawFn) -> Engine:
    rules = draw(st.lists(st.tuples(conditions, outcomes), max_size=6))
    text = "version: 3\nrules:\n" + "".join(
        f"  - {{name: r{i}, when: '{when}', {outcome}}}\n"
        for i, (when, outcome) in enumerate(rules)
    )
    text += (
        f"default: {{{draw(outcomes)}}}\n"
        + "unavailable:\n"
        + (
            "  - {name: closed, when: '!office_hours', reason: out_of_hours}\n"
            "  - {name: empty, when: 'agents_online == 0', reason: no_agent_available}\n"
        )
    )
    try:
        return Engine(load_policy(text if rules else text.replace("rules:\n", "rules: []\n")))
    except InvalidPolicy:
        assume(False)
        raise


engines = st.one_of(st.just(DEFAULT), policies())


@given(engines, facts())
def test_that_an_explicit_request_for_a_person_is_honoured_whatever_the_state(
    engine: Engine, seen: Facts
) -> None:
    decision = engine.decide(replace(seen, asked_for_human=True))
    assert decision.action in TO_A_PERSON


@given(facts(), st.sampled_from(["ai", "queued", "human"]))
def test_that_the_default_policy_honours_a_request_for_a_person_in_any_wording(
    seen: Facts, state: str
) -> None:
    asked = replace(seen, intent="talk_to_person", confidence=max(seen.confidence, 0.4))
    decision = DEFAULT.decide(replace(asked, state=state))
    assert decision.action in TO_A_PERSON
    assert decision.reason in {Reason.CUSTOMER_REQUEST, Reason.OUT_OF_HOURS,
                               Reason.NO_AGENT_AVAILABLE}  # fmt: skip
    assert decision.rule.startswith("customer_asks_for_person")


@given(engines, facts())
def test_that_a_ticket_is_given_only_when_nobody_can_take_over(engine: Engine, seen: Facts) -> None:
    decision = engine.decide(seen)
    if decision.action is Action.HANDOFF and engine is DEFAULT:
        assert seen.office_hours and seen.agents_online > 0
        assert seen.expected_wait_minutes <= 30
    assert decision.policy_version == engine.policy.version


class Conversation(RuleBasedStateMachine):
    """A conversation of arbitrary messages under an arbitrary valid policy."""

    @initialize(engine=engines)
    def start(self, engine: Engine) -> None:
        self.engine, self.memory = engine, TurnMemory()
        self.clarified = 0

    @rule(understanding=understandings, around=surroundings, attempt=attempts)
    def customer_writes(
        self, understanding: Understanding, around: Surroundings, attempt: Attempt
    ) -> None:
        turn = decide_turn(self.engine, self.memory, understanding, around, lambda: attempt)
        self.clarified += turn.decision.action is Action.CLARIFY
        if around.asked_for_human:
            assert turn.decision.action in TO_A_PERSON
        self.memory = turn.memory

    @invariant()
    def at_most_one_please_rephrase(self) -> None:
        assert self.clarified <= 1
        assert self.memory.rephrases == self.clarified


TestThatNobodyIsAskedToRephraseTwice = Conversation.TestCase
TestThatNobodyIsAskedToRephraseTwice.settings = settings(max_examples=150, deadline=None)
