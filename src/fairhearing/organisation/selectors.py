"""Read-side queries about the organisation and its rulebook."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from fairhearing.formatting import long_date
from fairhearing.organisation.models import Body, Member, RulebookVersion
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.rulebook import Level, Rulebook, load_rulebook
from fairhearing.procedure.versions import version_in_force


@lru_cache(maxsize=16)
def _parse(sha256: str, source: str) -> Rulebook:
    # Keyed by content hash: a stored version never changes, so parsing it once per process is enough.
    return load_rulebook(source)


def parsed_rulebook(version: RulebookVersion) -> Rulebook:
    return _parse(version.sha256, version.source)


def rulebook_version_on(day: date) -> RulebookVersion:
    """The stored version in force on `day` (the date of the conduct, for a case)."""
    found = version_in_force(list(RulebookVersion.objects.all()), day)
    if found is None:
        raise ActionRefused(f"no rulebook version was in force on {long_date(day)}; load one that covers that date")
    return found


def current_rulebook_version() -> RulebookVersion | None:
    return version_in_force(list(RulebookVersion.objects.all()), date.today())


def body_key(kind: str, level: str, respondent: Member) -> tuple[str, int | None, int | None]:
    """(kind, region id, branch id) of the body instance that acts for this respondent: a regional or local body
    means the respondent's own region or branch."""
    region = respondent.branch.region_id if level == Level.REGIONAL else None
    branch = respondent.branch_id if level == Level.LOCAL else None
    return kind, region, branch


def body_for(kind: str, level: str, respondent: Member) -> Body:
    kind, region, branch = body_key(kind, level, respondent)
    try:
        return Body.objects.get(kind=kind, region_id=region, branch_id=branch)
    except Body.DoesNotExist:
        raise ActionRefused(
            f"no {kind!r} body exists for this respondent; synchronise the bodies with the rulebook"
        ) from None
