"""Use cases that change member records: adding a member, and changing one. The only code that writes them
outside the administration site (which puts its own changes on the log) and the data-protection erasures.

Each is one transaction that lands on the audit log. The log names the fields changed, never their values: a
member's name, address and offices are personal data, and the log outlives them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.organisation.models import Branch, Member, MemberStatus, OfficeHolding
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.procedure.errors import ActionRefused

# What `update_member` may change; the membership number and the joining date are the record's identity.
CHANGEABLE = frozenset({"name", "email", "branch", "status", "left_on", "offices"})


_REQUIRED = frozenset({"membership_number", "name", "branch", "status", "joined"})


@dataclass(frozen=True)
class OfficeInput:
    office: str
    since: date
    until: date | None = None


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        _add(errors, field, "This field is required.")
    elif len(value) > limit:
        _add(errors, field, f"At most {limit} characters.")
    return value


def _check_email(errors: dict[str, list[str]], value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            _add(errors, "email", "Enter a valid email address.")
    return value


def _branch(errors: dict[str, list[str]], code: str) -> Branch | None:
    branch = Branch.objects.filter(code=code).first()
    if branch is None:
        _add(errors, "branch", f"There is no branch with the code {code!r}.")
    return branch


def _check_status(errors: dict[str, list[str]], status: str) -> str:
    if status not in MemberStatus.values:
        _add(errors, "status", f"Choose one of: {', '.join(MemberStatus.values)}.")
    return status


def _check_offices(errors: dict[str, list[str]], offices: Sequence[OfficeInput]) -> None:
    # Office ids are the rulebook's words: jurisdiction rules route cases by them, so an unknown one would never
    # match a rule. Without a rulebook loaded there is nothing to check against.
    version = current_rulebook_version()
    known = {office.id for office in version.rulebook.offices} if version is not None else None
    for n, held in enumerate(offices):
        if known is not None and held.office not in known:
            _add(errors, f"offices.{n}.office", f"The rulebook has no office {held.office!r}.")
        if held.until is not None and held.until < held.since:
            _add(errors, f"offices.{n}.until", "The office cannot end before it began.")


def _check_dates(errors: dict[str, list[str]], joined: date, left_on: date | None) -> None:
    if left_on is not None and left_on < joined:
        _add(errors, "left_on", "Membership cannot end before the member joined.")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _hold(member: Member, offices: Sequence[OfficeInput]) -> None:
    member.offices.all().delete()
    OfficeHolding.objects.bulk_create(
        OfficeHolding(member=member, office=o.office, since=o.since, until=o.until) for o in offices
    )


def create_member(
    *,
    actor: User | None,
    membership_number: str,
    name: str,
    branch: str,
    joined: date,
    email: str = "",
    status: str = MemberStatus.ACTIVE,
    left_on: date | None = None,
    offices: Sequence[OfficeInput] = (),
) -> Member:
    """Add a member. Raises ValidationError naming each field at fault (`branch` is a branch code)."""
    errors: dict[str, list[str]] = {}
    number = _check_text(errors, "membership_number", membership_number, 32)
    name = _check_text(errors, "name", name, 200)
    email = _check_email(errors, email)
    found = _branch(errors, branch)
    _check_status(errors, status)
    _check_dates(errors, joined, left_on)
    _check_offices(errors, offices)
    if number and Member.objects.filter(membership_number=number).exists():
        _add(errors, "membership_number", "A member with this membership number already exists.")
    _raise(errors)
    try:
        with transaction.atomic():
            member = Member.objects.create(
                membership_number=number,
                name=name,
                email=email,
                branch=found,
                status=status,
                joined=joined,
                left_on=left_on,
            )
            _hold(member, offices)
            audit.record(
                actor,
                "member.created",
                "member",
                member.pk,
                summary=f"Member {member.pk} added.",
                subjects=[member.pk],
                data={"fields": sorted(_REQUIRED | _given(email, left_on, offices))},
            )
    except IntegrityError:
        # Added by someone else between the check and the insert.
        raise ValidationError({"membership_number": ["A member with this membership number already exists."]}) from None
    return member


def _given(email: str, left_on: date | None, offices: Sequence[OfficeInput]) -> set[str]:
    return {name for name, value in (("email", email), ("left_on", left_on), ("offices", offices)) if value}


def update_member(member: Member, *, actor: User | None, changes: Mapping[str, Any]) -> Member:
    """Change some of a member's details (the keys of `changes`, each one of CHANGEABLE; `branch` is a code and
    `offices` a list of OfficeInput that replaces the offices held). Refuses an anonymised record."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ValidationError({field: ["This field cannot be changed."] for field in sorted(unknown)})
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.anonymised_at is not None:
            raise ActionRefused("this member's record has been anonymised and can no longer be changed")
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        if "name" in changes:
            values["name"] = _check_text(errors, "name", changes["name"] or "", 200)
        if "email" in changes:
            values["email"] = _check_email(errors, changes["email"] or "")
        if "branch" in changes:
            values["branch"] = _branch(errors, changes["branch"] or "")
        if "status" in changes:
            values["status"] = _check_status(errors, changes["status"])
        if "left_on" in changes:
            values["left_on"] = changes["left_on"]
            _check_dates(errors, member.joined, changes["left_on"])
        offices = list(changes.get("offices") or ())
        if "offices" in changes:
            _check_offices(errors, offices)
        _raise(errors)
        changed = sorted(field for field, value in values.items() if getattr(member, field) != value)
        for field in changed:
            setattr(member, field, values[field])
        if changed:
            member.save(update_fields=changed)
        if "offices" in changes and _held(member) != {(o.office, o.since, o.until) for o in offices}:
            _hold(member, offices)
            changed.append("offices")
        if changed:
            audit.record(
                actor,
                "member.updated",
                "member",
                member.pk,
                summary=f"Member {member.pk} changed: {', '.join(changed)}.",
                subjects=[member.pk],
                data={"fields": changed},
            )
    return member


def _held(member: Member) -> set[tuple[str, date, date | None]]:
    return set(member.offices.values_list("office", "since", "until"))
