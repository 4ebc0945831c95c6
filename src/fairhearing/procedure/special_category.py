"""Special-category data (UK GDPR Art. 9): the conditions it may be held under, and the only figures shown from it.

Such data (a declared political affiliation, ethnic origin, health...) is kept for fairness monitoring only. It
is recorded by the data protection officer under a stated Art. 9(2) condition, and leaves the store only as counts
with small numbers suppressed, so that no figure can be traced back to a person (REQ 26, 30).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from fairhearing.procedure.errors import Refusal
from fairhearing.procedure.roles import Role

SUPPRESS_BELOW = 10
MAX_VALUE_LENGTH = 200


class Condition(StrEnum):
    """The Art. 9(2) conditions a membership organisation can rely on for monitoring data."""

    EXPLICIT_CONSENT = "art9_2_a"
    EMPLOYMENT = "art9_2_b"
    NOT_FOR_PROFIT_BODY = "art9_2_d"
    MADE_PUBLIC = "art9_2_e"
    LEGAL_CLAIMS = "art9_2_f"
    SUBSTANTIAL_PUBLIC_INTEREST = "art9_2_g"

    @property
    def label(self) -> str:
        return _CONDITION_LABELS[self]


_CONDITION_LABELS = {
    Condition.EXPLICIT_CONSENT: "Art. 9(2)(a): the member's explicit consent",
    Condition.EMPLOYMENT: "Art. 9(2)(b): employment and social security law",
    Condition.NOT_FOR_PROFIT_BODY: (
        "Art. 9(2)(d): a not-for-profit body with a political, philosophical, religious or trade union aim, "
        "about its members, former members or regular contacts"
    ),
    Condition.MADE_PUBLIC: "Art. 9(2)(e): made manifestly public by the member",
    Condition.LEGAL_CLAIMS: "Art. 9(2)(f): legal claims",
    Condition.SUBSTANTIAL_PUBLIC_INTEREST: (
        "Art. 9(2)(g): substantial public interest (DPA 2018 Sch. 1, e.g. para 8, equality of opportunity)"
    ),
}


class Relationship(StrEnum):
    """How the person stands to the organisation: Art. 9(2)(d) covers only the first three."""

    MEMBER = "member"
    FORMER_MEMBER = "former_member"
    REGULAR_CONTACT = "regular_contact"
    OTHER = "other"


NOT_FOR_PROFIT_COVERS = frozenset({Relationship.MEMBER, Relationship.FORMER_MEMBER, Relationship.REGULAR_CONTACT})
READ_ROLES = frozenset({Role.DATA_PROTECTION_OFFICER})
COUNT_ROLES = frozenset({Role.DATA_PROTECTION_OFFICER, Role.OVERSIGHT_OFFICER})


def normalise(value: str) -> str:
    """One spelling per value, so that counts do not split on stray spaces."""
    return " ".join(value.split())


def record_refusals(
    roles: Collection[Role],
    *,
    category: str,
    categories: Collection[str],
    value: str,
    purpose: str,
    condition: str,
    relationship: Relationship,
) -> list[Refusal]:
    refusals = []
    if Role.DATA_PROTECTION_OFFICER not in roles:
        refusals.append(Refusal("role", "only the data protection officer may record special-category data"))
    if category not in categories:
        refusals.append(
            Refusal("category", f"there is no special category {category!r}; use one of {', '.join(categories)}")
        )
    if not normalise(value):
        refusals.append(Refusal("value", "give the value to record"))
    elif len(normalise(value)) > MAX_VALUE_LENGTH:
        refusals.append(Refusal("value", f"the value is longer than {MAX_VALUE_LENGTH} characters"))
    if not purpose.strip():
        refusals.append(Refusal("purpose", "say what the data is for (e.g. fairness monitoring)"))
    if condition not in Condition:
        refusals.append(
            Refusal(
                "condition",
                f"{condition!r} is not an Art. 9(2) condition fairhearing knows; use one of "
                + ", ".join(c.value for c in Condition),
            )
        )
    elif Condition(condition) == Condition.NOT_FOR_PROFIT_BODY and relationship not in NOT_FOR_PROFIT_COVERS:
        refusals.append(
            Refusal(
                "condition",
                "the Art. 9(2)(d) condition applies only to members, former members and regular contacts",
            )
        )
    return refusals


@dataclass(frozen=True)
class Table:
    """Counts safe to show: values held by at least `SUPPRESS_BELOW` people, the rest pooled as `other`.

    `other` is None when the pooled rest is itself too small to show, and `total` is None whenever showing it
    would let someone subtract their way to a suppressed number.
    """

    counts: dict[str, int]
    other: int | None
    total: int | None


def monitoring_table(values: Iterable[str], threshold: int = SUPPRESS_BELOW) -> Table:
    counted = Counter(normalise(v) for v in values)
    shown = {value: n for value, n in sorted(counted.items()) if n >= threshold}
    rest = sum(n for value, n in counted.items() if value not in shown)
    other = rest if rest == 0 or rest >= threshold else None
    total = sum(counted.values())
    return Table(shown, other, total if other is not None and total >= threshold else None)
