"""Read-side queries about the organisation and its rulebook."""

from __future__ import annotations

from datetime import date

from fairhearing.formatting import long_date
from fairhearing.organisation.models import Member, RulebookVersion
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.rulebook import Level, Rulebook, load_rulebook
from fairhearing.procedure.versions import version_in_force

_parsed: dict[str, Rulebook] = {}


def parsed_rulebook(version: RulebookVersion) -> Rulebook:
    # A stored version never changes, so each is parsed once per process, found again by its content hash.
    if version.sha256 not in _parsed:
        _parsed[version.sha256] = load_rulebook(version.source)
    return _parsed[version.sha256]


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
