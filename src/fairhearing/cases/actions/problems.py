"""The error summary at the top of a form: every problem in plain words, each linked to the field it is about.

The engine names people by their member id ("member 12 cannot sit: ..."); a person reading the page knows them
by name, so refusals are shown with the name and membership number put in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.forms import NON_FIELD_ERRORS

from fairhearing.organisation.models import Member
from fairhearing.procedure.errors import ActionRefused

_MEMBER = re.compile(r"\bmember (\d+)\b")


@dataclass(frozen=True)
class Problem:
    message: str
    anchor: str = ""  # the id of the input to jump to; empty for a problem with the form as a whole


def anchor_of(field: forms.BoundField) -> str:
    # A group of radio buttons or checkboxes has no single id: its first option stands for it.
    return field.id_for_label or f"{field.auto_id}_0"


def problems(all_forms: Iterable[forms.BaseForm], extra: Iterable[str] = ()) -> list[Problem]:
    """Every error of these forms, whole-form ones first; `extra` adds problems of no one form (a formset's)."""
    found: list[Problem] = [Problem(str(message)) for message in extra]
    for form in all_forms:
        found += [Problem(str(message)) for message in form.non_field_errors()]
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            field = form[name]
            found += [Problem(f"{field.label}: {message}", anchor_of(field)) for message in errors]
    return found


def in_words(refused: ActionRefused) -> list[tuple[str, str]]:
    """(guard, message) for each refusal, with member ids replaced by who they are."""
    ids = {int(n) for r in refused.refusals for n in _MEMBER.findall(r.message)}
    names = {m.pk: f"{m.name} ({m.membership_number})" for m in Member.objects.filter(pk__in=ids)}

    def named(match: re.Match[str]) -> str:
        return names.get(int(match.group(1)), match.group(0))

    return [(r.guard, _sentence(_MEMBER.sub(named, r.message))) for r in refused.refusals]


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return message
    return message[0].upper() + message[1:] + ("" if message[-1] in ".!?" else ".")
