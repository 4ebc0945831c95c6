"""Errors the rules of procedure raise. Their messages are written to be shown to users as they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """One guard that refused an action: which guard, and why, in plain words."""

    guard: str
    message: str

    def __str__(self) -> str:
        return self.message


class ActionRefused(Exception):
    """An action was refused; `str(exc)` says which rules refused it and why. Nothing was changed."""

    def __init__(self, refusals: Sequence[Refusal] | str):
        if isinstance(refusals, str):
            refusals = [Refusal("refused", refusals)]
        self.refusals = tuple(refusals)
        super().__init__("; ".join(r.message for r in self.refusals))

    @property
    def guards(self) -> set[str]:
        return {r.guard for r in self.refusals}
