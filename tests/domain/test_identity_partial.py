"""What a message adds towards proving who the customer is (`Partial.with_slots`): a bare
4- or 5-digit number is the postcode only when Tandem asked for it and knows the order number."""

from tandem.domain.flow_records import Partial
from tandem.understanding.result import Slots

LISTED = Slots(order_ids=("TD-4003", "TD-4000"), order_or_postcode=("4000",))  # "TD-4003, 4000"
ALONE = Slots(order_or_postcode=("4000",))  # "4000"


def test_that_a_number_listed_after_the_order_number_is_the_postcode_only_when_asked() -> None:
    assert Partial().with_slots(LISTED, asked=True) == Partial("TD-4003", "4000")
    assert Partial().with_slots(LISTED) == Partial("TD-4003", None)  # unasked: a second order


def test_that_a_lone_number_is_the_postcode_once_the_order_number_is_known() -> None:
    assert Partial("TD-4003").with_slots(ALONE, asked=True) == Partial("TD-4003", "4000")
    # no order number yet: "4000" may be the order number without its prefix, never a proof
    assert Partial().with_slots(ALONE, asked=True) == Partial(None, None)


def test_that_a_named_postcode_or_email_counts_whether_asked_or_not() -> None:
    named = Slots(order_ids=("TD-1001",), postcodes=("1012 AB",))
    assert Partial().with_slots(named) == Partial("TD-1001", "1012 AB")
