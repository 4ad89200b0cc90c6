"""docs/policy.md documents every fact and every reason code."""

from __future__ import annotations

from pathlib import Path

from tandem.domain.decision import Reason
from tandem.domain.policy import FACT_SPECS

DOCS = (Path(__file__).parents[2] / "docs" / "policy.md").read_text("utf-8")


def test_that_the_policy_docs_list_every_fact() -> None:
    assert [name for name in FACT_SPECS if f"| `{name}` |" not in DOCS] == []


def test_that_the_policy_docs_explain_every_reason_code() -> None:
    assert [r.value for r in Reason if f"| `{r.value}` |" not in DOCS] == []
