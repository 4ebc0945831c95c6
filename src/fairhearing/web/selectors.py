"""What the public pages show. Aggregates only: nothing here names a member or a case."""

from __future__ import annotations

from django.db.models import Count

from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member, MemberStatus
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.procedure.admissibility import Attribution, Provenance
from fairhearing.procedure.rulebook import Power
from fairhearing.procedure.stages import Stage


def home_context() -> dict:
    version = current_rulebook_version()
    by_stage = dict(Case.objects.values_list("stage").annotate(n=Count("id")).order_by())
    return {
        "rulebook": version.rulebook if version else None,
        "members": Member.objects.filter(status=MemberStatus.ACTIVE).count(),
        "open_cases": sum(n for stage, n in by_stage.items() if Stage(stage).is_open),
        "closed_cases": sum(n for stage, n in by_stage.items() if not Stage(stage).is_open),
    }


ACCOUNT_PHRASES = {
    Attribution.ADMITTED: "From an account the member admits is theirs",
    Attribution.VERIFIED: "From an account verified as the member's",
    Attribution.UNVERIFIED: "From an account not verified as the member's",
    Attribution.ANONYMOUS: "From an anonymous account",
}


def rules_context() -> dict:
    version = current_rulebook_version()
    if version is None:
        return {"rulebook": None}
    rb = version.rulebook
    sanction_name = {s.id: s.name for s in rb.sanctions}
    body_name = {b.id: b.name for b in rb.bodies}
    return {
        "rulebook": rb,
        "bodies": [
            {
                "body": b,
                "powers": [p.label for p in Power if p in b.powers],
                "appeals_to": body_name.get(b.appeals_to or "", ""),
            }
            for b in rb.bodies
        ],
        "jurisdiction": [(rule, body_name[rule.body]) for rule in rb.jurisdiction],
        "grid": [
            (
                c,
                [
                    {
                        "starting_point": sanction_name[cell.starting_point],
                        "lowest": sanction_name[cell.range[0]],
                        "highest": sanction_name[cell.range[1]],
                    }
                    for cell in (rb.guidelines.cell(c.id, h.id) for h in rb.guidelines.harm)
                ],
            )
            for c in rb.guidelines.culpability
        ],
        "stage_targets": [(Stage(stage).label, target) for stage, target in rb.time_limits.stage_targets.items()],
        "evidence_rulings": [Provenance(p).label for p in sorted(rb.evidence.ruling_for_provenance)]
        + [ACCOUNT_PHRASES[Attribution(a)] for a in sorted(rb.evidence.ruling_for_attribution)]
        + ["Private content (a closed group, a private message, a locked account)"],
    }
