"""The handoff policy: a YAML file of CEL rules, checked, compiled and evaluated per message.

``load_policy(text)`` validates a policy (or raises ``InvalidPolicy`` listing every problem
with its line), ``Engine(policy).decide(facts)`` decides on one message.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from tandem.domain.policy.engine import Engine
from tandem.domain.policy.facts import FACT_SPECS, Facts
from tandem.domain.policy.loader import InvalidPolicy, Problem, load_policy
from tandem.domain.policy.model import Policy

#: The shipped default policy (package data); read it with ``.read_text("utf-8")``.
DEFAULT_POLICY: Traversable = files(__name__) / "default.yaml"

#: The shipped scenarios, one YAML file per topic.
SCENARIOS: Traversable = files(__name__) / "scenarios"

__all__ = [
    "DEFAULT_POLICY",
    "FACT_SPECS",
    "SCENARIOS",
    "Engine",
    "Facts",
    "InvalidPolicy",
    "Policy",
    "Problem",
    "load_policy",
]
