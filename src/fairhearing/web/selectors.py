"""What the public pages show. Aggregates only: nothing here names a member or a case."""

from __future__ import annotations

from django.db.models import Count

from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member, MemberStatus
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.procedure.stages import Stage


def home_context() -> dict:
    version = current_rulebook_version()
    by_stage = dict(Case.objects.values_list("stage").annotate(n=Count("id")))
    return {
        "version": version,
        "rulebook": version.rulebook if version else None,
        "members": Member.objects.filter(status=MemberStatus.ACTIVE).count(),
        "open_cases": sum(n for stage, n in by_stage.items() if Stage(stage).is_open),
        "closed_cases": sum(n for stage, n in by_stage.items() if not Stage(stage).is_open),
    }


def rules_context() -> dict:
    version = current_rulebook_version()
    rulebook = version.rulebook if version else None
    context: dict = {"version": version, "rulebook": rulebook}
    if rulebook is not None:
        g = rulebook.guidelines
        context["grid"] = [(c, [(h, g.cell(c.id, h.id)) for h in g.harm]) for c in g.culpability]
        context["sanction_names"] = {s.id: s.name for s in rulebook.sanctions}
        context["stage_targets"] = [
            (Stage(stage).label, target) for stage, target in rulebook.time_limits.stage_targets.items()
        ]
    return context
