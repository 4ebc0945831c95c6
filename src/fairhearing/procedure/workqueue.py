"""Whose move it is: the stages at which a case waits on each staff role.

A case is in someone's queue when the next step that moves it on is theirs to take. Steps that can happen at any
stage (withdrawal, transfer, conflicts, interim suspension), steps the scheduled job takes, and steps that wait on
the respondent (a response, an appeal) put nobody's work in a queue.
"""

from __future__ import annotations

from collections.abc import Collection

from fairhearing.procedure.roles import Role
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import OPEN, ROLES, SYSTEM_ACTIONS, TRANSITIONS, Action

ANY_STAGE = frozenset(action for action, (stages, _) in TRANSITIONS.items() if stages >= OPEN)
WAITING_ON_RESPONDENT = frozenset({Action.RECORD_RESPONSE, Action.LODGE_APPEAL})
MOVES_ON = frozenset(TRANSITIONS) - ANY_STAGE - SYSTEM_ACTIONS - WAITING_ON_RESPONDENT


def queue_stages(role: Role) -> frozenset[Stage]:
    """The stages at which a case waits on someone holding `role`."""
    return frozenset(
        stage for action in MOVES_ON if role in ROLES.get(action, frozenset()) for stage in TRANSITIONS[action][0]
    )


def stages_waiting_on(roles: Collection[Role]) -> frozenset[Stage]:
    return frozenset().union(*(queue_stages(role) for role in roles))


def next_steps(stage: Stage) -> list[Action]:
    """The steps that would move a case on from `stage`, in the order of the procedure."""
    return [action for action in TRANSITIONS if action in MOVES_ON and stage in TRANSITIONS[action][0]]
