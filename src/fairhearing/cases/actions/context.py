"""What an action form knows about the case it acts on: the record, the engine's view of it, and today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from fairhearing.cases.casefile_store import load
from fairhearing.cases.models import Case
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.rulebook import Rulebook


@dataclass(frozen=True)
class ActionContext:
    case: Case
    file: wf.CaseFile
    today: date

    @property
    def rulebook(self) -> Rulebook:
        return self.file.rulebook

    @classmethod
    def of(cls, case: Case) -> ActionContext:
        return cls(case, load(case), timezone.localdate())
