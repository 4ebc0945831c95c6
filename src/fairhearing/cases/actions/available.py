"""Which actions a person may take on a case now, as the case page offers them.

Three things must all allow it: the access policy (`cases.act_on_case`: they act on cases they can read, and only
staff who act), the engine's table of who takes each action (`workflow.ROLES`), and the engine's table of the
stages each action starts from (`workflow.TRANSITIONS`). The engine checks all of it again when the action is
taken; this only decides what to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from fairhearing.access.policy import acts_for_body, roles_of
from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.actions.registry import FORMS
from fairhearing.cases.models import Case
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import ROLES, SYSTEM_ACTIONS, TRANSITIONS, Action

# Actions beside the main line of the procedure, offered apart from the next step.
SIDE_ACTIONS = frozenset(
    {
        Action.DECLARE_CONFLICT,
        Action.TRANSFER,
        Action.IMPOSE_SUSPENSION,
        Action.REVIEW_SUSPENSION,
        Action.LIFT_SUSPENSION,
        Action.WITHDRAW,
    }
)


@dataclass(frozen=True)
class Offer:
    action: Action
    title: str
    url: str
    has_inputs: bool  # False: a single button that acts at once

    @property
    def name(self) -> str:
        return self.action.value


def may_take(user: User, case: Case, action: Action) -> bool:
    """May this person ever take this action on this case (whatever its stage)? Otherwise its page is 'not found'."""
    if action in SYSTEM_ACTIONS or action not in FORMS:
        return False
    return acts_for_body(user, case, action) and user.has_perm("cases.act_on_case", case)


def _applies(case: Case, action: Action, suspended: bool, sitting: bool) -> bool:
    """Whether the action makes sense in the case as it stands, beyond its stage: no 'lift' without a suspension."""
    if action in {Action.REVIEW_SUSPENSION, Action.LIFT_SUSPENSION}:
        return suspended
    if action == Action.IMPOSE_SUSPENSION:
        return not suspended
    if action == Action.DECLARE_CONFLICT:
        return sitting
    if action == Action.LODGE_APPEAL and case.stage == Stage.CLOSED:
        return case.closed_by_appeal_window  # a late appeal; a case closed any other way has none
    return True


def offered(user: User, case: Case) -> tuple[list[Offer], list[Offer]]:
    """(the next steps, the other actions) this person may take on this case now."""
    stage = Stage(case.stage)
    possible = [a for a in FORMS if stage in TRANSITIONS[a][0]]
    if not possible or not user.has_perm("cases.act_on_case", case):
        return [], []
    suspended = case.interim_suspensions.filter(lifted_at__isnull=True).exists()
    sitting = case.sittings.filter(dissolved_at__isnull=True).exists()
    roles = roles_of(user)
    offers = [
        Offer(a, FORMS[a].title, reverse("cases:act", args=[case.reference, a.value]), FORMS[a].has_inputs)
        for a in possible
        if roles & ROLES[a] and _applies(case, a, suspended, sitting) and acts_for_body(user, case, a)
    ]
    return [o for o in offers if o.action not in SIDE_ACTIONS], [o for o in offers if o.action in SIDE_ACTIONS]


def may_add_evidence(user: User, case: Case) -> bool:
    """The evidence page (`evidence.views.add`) is the case officers'; link to it only for them."""
    return Role.CASE_OFFICER in roles_of(user) and user.has_perm("cases.act_on_case", case)
