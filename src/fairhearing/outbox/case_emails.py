"""The emails about a case: who gets one, and its words.

The words come from plain-text templates in `templates/outbox/emails/`, one per kind, with the subject as the
`subject` partial. They say only which case, what happened in one sentence, any deadline, and where to read the
rest: never the allegations' particulars, the evidence, the reasons or the outcome, which an email could carry to
anyone who reads the member's inbox. Members read those in the member portal, after signing in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from django.template import Context, Engine
from django.urls import reverse

from fairhearing.cases.models import Case
from fairhearing.formatting import long_date
from fairhearing.organisation.models import Member
from fairhearing.outbox.models import EmailKind, OutgoingEmail
from fairhearing.outbox.services import enqueue, site_url

RESPONDENT, COMPLAINANT = "respondent", "complainant"
BOTH = (RESPONDENT, COMPLAINANT)


@dataclass(frozen=True)
class Recipient:
    role: str
    name: str
    address: str
    member: Member | None


@cache
def _engine() -> Engine:
    # Plain text: nothing is HTML-escaped (a name like "O'Brien & Sons" reads as written).
    return Engine(dirs=[str(Path(__file__).resolve().parent / "templates")], autoescape=False)


def _member(role: str, member: Member | None) -> Recipient | None:
    if member is None or member.anonymised_at is not None or not member.email.strip():
        return None
    return Recipient(role, member.name, member.email.strip(), member)


def recipient(case: Case, role: str) -> Recipient | None:
    """Who to write to in this role, or None when there is nobody with an address (normal: skip them)."""
    if case.anonymised_at is not None:
        return None
    if role == RESPONDENT:
        return _member(role, case.respondent)
    if case.complainant_member_id is not None:
        return _member(role, case.complainant_member)
    address = case.complainant_email.strip()
    return Recipient(role, case.complainant_name, address, None) if address else None


def render(kind: str, case: Case, to: Recipient, deadline: date | None = None) -> tuple[str, str]:
    """The subject and body of one email."""
    name = f"outbox/emails/{EmailKind(kind).value}.txt"
    context = {
        "reference": case.reference,
        "name": to.name,
        "role": to.role,
        "deadline": long_date(deadline) if deadline else "",
        # Members read their case in the portal; a complainant who is not a member has no account there.
        "portal_url": f"{site_url()}{reverse('web:portal_case', args=[case.reference])}" if to.member else "",
        "organisation": case.rulebook_version.organisation,
    }
    engine = _engine()
    subject = engine.get_template(f"{name}#subject").render(Context(context, autoescape=False))
    body = engine.get_template(name).render(Context(context, autoescape=False))
    return " ".join(subject.split()), body.strip() + "\n"


def notify(
    case: Case,
    kind: str,
    *,
    now: datetime,
    roles: tuple[str, ...] = (RESPONDENT,),
    deadline: date | None = None,
    dedupe_key: str | None = None,
) -> list[OutgoingEmail]:
    """Enqueue the email of `kind` to each of `roles` who has an address. Call it inside the action's transaction.
    `deadline` is shown to the respondent. With `dedupe_key`, each role's email is written at most once ever."""
    written = []
    for role in roles:
        to = recipient(case, role)
        if to is None:
            continue
        subject, body = render(kind, case, to, deadline if role == RESPONDENT else None)
        email = enqueue(
            kind=kind,
            to=to.address,
            subject=subject,
            body=body,
            case=case,
            member=to.member,
            dedupe_key=f"{dedupe_key}:{role}" if dedupe_key else None,
            now=now,
        )
        if email is not None:
            written.append(email)
    return written
