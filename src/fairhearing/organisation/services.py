"""Use cases that change the organisation's records: rulebook versions and bodies."""

from __future__ import annotations

import hashlib

from django.db import connection, transaction

from fairhearing.audit import log as audit
from fairhearing.organisation.models import Body, Branch, Region, RulebookVersion
from fairhearing.procedure.rulebook import Level, Rulebook, RulebookInvalid, check_versions, load_rulebook


@transaction.atomic
def load_rulebook_version(source: str, *, actor=None) -> RulebookVersion:
    """Store a rulebook version after checking it on its own and against every stored version.

    Raises RulebookInvalid (listing every problem) and stores nothing if it does not pass.
    """
    rulebook = load_rulebook(source)
    _serialise_rulebook_loads()
    stored = [(f"stored version {v.version}", v.rulebook) for v in RulebookVersion.objects.all()]
    problems = check_versions([*stored, ("this file", rulebook)])
    if problems:
        raise RulebookInvalid(problems)
    version = RulebookVersion.objects.create(
        organisation=rulebook.rulebook.organisation,
        version=rulebook.version,
        effective_from=rulebook.effective_from,
        effective_until=rulebook.effective_until,
        source=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        loaded_by=actor,
    )
    sync_bodies(rulebook)
    audit.record(
        actor,
        "rulebook.loaded",
        "rulebook_version",
        version.pk,
        summary=f"Rulebook {version.version} of {version.organisation} loaded, in force from "
        f"{version.effective_from.isoformat()}.",
        data={"sha256": version.sha256},
    )
    return version


def _serialise_rulebook_loads() -> None:
    """Two loads at once must not both pass the overlap check. SQLite already serialises writers (IMMEDIATE
    transactions); on PostgreSQL a row lock cannot help while the table is empty, so take an advisory lock that
    is released when the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('fairhearing.rulebook_load'))")


@transaction.atomic
def sync_bodies(rulebook: Rulebook) -> int:
    """Make sure every rulebook body exists: national ones once, regional per region, local per branch.

    Returns how many were created. Existing bodies are renamed to match the rulebook, never deleted: past cases
    keep pointing at the body that handled them.
    """
    regions = list(Region.objects.all())
    branches = list(Branch.objects.all())
    created = 0
    for body in rulebook.bodies:
        scopes: list[tuple[str, dict]]
        if body.level == Level.NATIONAL:
            scopes = [(body.name, {})]
        elif body.level == Level.REGIONAL:
            scopes = [(f"{body.name}, {r.name}", {"region": r}) for r in regions]
        else:
            scopes = [(f"{body.name}, {b.name}", {"branch": b}) for b in branches]
        for name, scope in scopes:
            _, was_created = Body.objects.update_or_create(
                kind=body.id,
                region=scope.get("region"),
                branch=scope.get("branch"),
                defaults={"name": name, "level": body.level.value},
            )
            created += was_created
    return created
