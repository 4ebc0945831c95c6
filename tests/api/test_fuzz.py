"""Schemathesis against the live API: every operation, examples generated from the OpenAPI document.

Run with a staff token (a case officer's, who may write) and a member token. Each response must be no server error,
a documented status, the documented content type, and a body that conforms to its schema. With the member's token
nothing may ever show another member's case: asking for it by reference answers 404, and its reference appears in
no response at all. Examples per operation: FAIRHEARING_FUZZ_EXAMPLES (default 12).
"""

from __future__ import annotations

import os
import random
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind
from tests.api.client import token_for
from tests.privacy.sar_case import build_sar_case

EXAMPLES = int(os.environ.get("FAIRHEARING_FUZZ_EXAMPLES", "12"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, example_source, tmp_path_factory):
    """The SAR organisation (the MP is respondent in one case, complainant in another) and a third case between
    two other members, which the MP must never see. Rolled back at the end."""
    from django.conf import settings as django_settings

    evidence_dir = django_settings.FAIRHEARING_EVIDENCE_DIR
    django_settings.FAIRHEARING_EVIDENCE_DIR = tmp_path_factory.mktemp("evidence")
    # Schemathesis calls the WSGI application itself, which closes the database connection after each request (as
    # a server should); that would end the test's transaction, so hold the connection open as Django's test client
    # does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_sar_case(example_source)
        org = built.org
        others = services.open_case(
            user=org.users["officer"],
            respondent=org.members["respondent"],
            allegations=[services.AllegationInput("2.2", "Abusive messages to branch members.", date(2026, 2, 1))],
            source=CaseSource.EMAIL,
            complainant_kind=ComplainantKind.MEMBER,
            complainant_member=org.members["complainant"],
        )
        yield {
            "staff": token_for(org.users["officer"], "write"),
            "member": token_for(org.users["mp"], "write"),
            "own": [built.as_respondent.reference, built.as_complainant.reference],
            "other": others.reference,
            "other_number": org.members["respondent"].membership_number,
        }
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    django_settings.FAIRHEARING_EVIDENCE_DIR = evidence_dir


def _aim_at_real_cases(case, world) -> None:
    """Random references almost never name a case; half the time, name a real one (the member's or not)."""
    if "reference" in (case.path_parameters or {}) and random.random() < 0.5:
        case.path_parameters["reference"] = random.choice([*world["own"], world["other"]])


def _member_isolation(world):
    @schemathesis.check
    def never_another_members_case(ctx, response, case) -> bool | None:
        if case.path_parameters and case.path_parameters.get("reference") == world["other"]:
            assert response.status_code in {401, 403, 404, 422}, (
                f"a member got {response.status_code} for another member's case"
            )
        assert world["other"].encode() not in response.content, "another member's case reference appeared"
        return None

    return never_another_members_case


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_with_a_staff_token(case, fuzz_world):
    _aim_at_real_cases(case, fuzz_world)
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world['staff']}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_with_a_member_token(case, fuzz_world):
    _aim_at_real_cases(case, fuzz_world)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world['member']}"},
        checks=[*CHECKS, _member_isolation(fuzz_world)],
    )
