"""Every API operation, every person: who gets past the access rules, asserted one by one.

The same people and case as the web's matrix (tests/web/test_access_matrix.py), each calling with a personal token
of their own (write scope, so only the access rules stand in the way). Each operation of the OpenAPI document has a
row; an operation added without one fails `test_every_operation_is_in_the_matrix`.

Allowed means past the rules: an answer, or the procedure's refusal (409) or a form error (422) that only someone
let in can reach, because every body sent is valid by the schema. Everyone else is refused: 401 signed out, 404
for anyone else - a member is never told "forbidden" about a case - or 403 for a request that is not theirs to make.
A list that anyone may call instead answers everyone else with nothing in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from fairhearing.analysis.models import AnalysisTrigger
from fairhearing.analysis.services import refresh_analysis
from fairhearing.api.openapi_document import document_text
from fairhearing.api.tokens import issue_token
from tests.web.test_access_matrix import EVERYONE, LOG_READERS, PEOPLE, READ_CASE, SIGNED_IN, WITH_MEMBERSHIP
from tests.web.test_access_matrix import build_world as build_web_world

MEMBERS = frozenset({"mp", "complainant", "respondent"})
NOBODY: frozenset[str] = frozenset()
OFFICER = frozenset({"officer"})
STAFF_ACTORS = frozenset({"officer", "body_officer"})  # case officers and the officer of the case's own body
REGISTER = frozenset({"officer", "oversight", "dpo", "admin"})
FLAG_HANDLERS = frozenset({"officer", "body_officer", "oversight"})
PARTIES = frozenset({"mp", "complainant"})


@dataclass(frozen=True)
class Row:
    path: str  # formatted with the world's ids
    allowed: frozenset[str]
    method: str = "get"
    body: dict[str, Any] | None = None
    listing: bool = False  # everyone may call it; those not allowed get an empty list
    multipart: bool = False


REVIEW = {"reasons": "Fresh reasons.", "review_by": "2026-04-30"}
MATRIX: dict[str, Row] = {
    # The caller and the member's own portal.
    "whoami": Row("/me", SIGNED_IN),
    # The second member is a party to a case of their own.
    "list_my_cases": Row("/me/cases", PARTIES | {"respondent"}, listing=True),
    "get_my_case": Row("/me/cases/{ref}", PARTIES),
    "submit_my_response": Row("/me/cases/{ref}/response", frozenset({"mp"}), "post", {"response": "I deny it."}),
    "submit_my_appeal": Row(
        "/me/cases/{ref}/appeal", frozenset({"mp"}), "post", {"grounds": ["procedure"], "explanation": "Unfair."}
    ),
    "list_my_receipts": Row("/me/receipts", PARTIES | {"respondent"}, listing=True),
    "request_my_data": Row("/me/data-request", WITH_MEMBERSHIP, "post"),
    # The member register.
    "list_members": Row("/members", REGISTER, listing=True),
    "get_member": Row("/members/{number}", REGISTER),
    "create_member": Row(
        "/members",
        frozenset({"admin"}),
        "post",
        {"membership_number": "M9999", "name": "New Member", "branch": "n1", "joined": "2026-01-05"},
    ),
    "update_member": Row("/members/{number}", frozenset({"admin"}), "patch", {"email": "new@example.org"}),
    # Cases.
    "list_cases": Row("/cases", READ_CASE, listing=True),
    "open_case": Row(
        "/cases",
        OFFICER,
        "post",
        {
            "respondent": "{number}",
            "complainant_kind": "organisation",
            "complainant_name": "A newspaper",
            "source": "email",
            "allegations": [{"clause": "2.2", "particulars": "Abuse.", "conduct_date": "2026-02-01"}],
        },
    ),
    "get_case": Row("/cases/{ref}", READ_CASE),
    "list_case_timeline": Row("/cases/{ref}/timeline", READ_CASE),
    "get_case_decision": Row("/cases/{ref}/decision", READ_CASE),
    "get_case_precedents": Row("/cases/{ref}/precedents", READ_CASE),
    "list_case_appeals": Row("/cases/{ref}/appeals", READ_CASE),
    "list_case_actions": Row("/cases/{ref}/actions", READ_CASE),
    # Every action: who the engine lets take it, who may act on this case, and the body they act for.
    "act_begin_triage": Row("/cases/{ref}/actions/begin_triage", OFFICER, "post", {}),
    "act_record_triage": Row(
        "/cases/{ref}/actions/record_triage",
        OFFICER,
        "post",
        {
            "informal_resolution_suitable": False,
            "interim_action_needed": False,
            "protected_characteristics_involved": False,
        },
    ),
    "act_dismiss": Row("/cases/{ref}/actions/dismiss", OFFICER, "post", {"reasons": "No case."}),
    "act_open_investigation": Row("/cases/{ref}/actions/open_investigation", OFFICER, "post", {"investigator": 1}),
    "act_issue_notice": Row("/cases/{ref}/actions/issue_notice", OFFICER, "post", {"relied_on": []}),
    "act_record_response": Row("/cases/{ref}/actions/record_response", OFFICER, "post", {"response": "By post."}),
    "act_form_panel": Row("/cases/{ref}/actions/form_panel", frozenset({"body_officer"}), "post", {"members": [1]}),
    "act_schedule_hearing": Row(
        "/cases/{ref}/actions/schedule_hearing", STAFF_ACTORS, "post", {"hearing_on": "2026-05-01"}
    ),
    "act_record_decision": Row(
        "/cases/{ref}/actions/record_decision", frozenset({"panellist"}), "post", {"findings": [], "sanction": "advice"}
    ),
    "act_notify_decision": Row("/cases/{ref}/actions/notify_decision", OFFICER, "post", {}),
    # A body officer lodges (a late appeal) only for the appeals body, which has no appeal here yet.
    "act_lodge_appeal": Row("/cases/{ref}/actions/lodge_appeal", OFFICER, "post", {"grounds": ["procedure"]}),
    # The appeal panel is formed by the appeals body's officer, who cannot see the case until there is an appeal.
    "act_form_appeal_panel": Row("/cases/{ref}/actions/form_appeal_panel", NOBODY, "post", {"members": [1]}),
    "act_record_appeal_decision": Row(
        "/cases/{ref}/actions/record_appeal_decision",
        frozenset({"panellist"}),
        "post",
        {"result": "dismissed", "reasons": "No merit."},
    ),
    "act_close": Row("/cases/{ref}/actions/close", OFFICER, "post", {}),
    "act_withdraw": Row("/cases/{ref}/actions/withdraw", OFFICER, "post", {"reason": "Withdrawn."}),
    "act_transfer": Row(
        "/cases/{ref}/actions/transfer", STAFF_ACTORS, "post", {"to_body": "constitutional-committee", "reason": "X."}
    ),
    "act_declare_conflict": Row(
        "/cases/{ref}/actions/declare_conflict",
        frozenset({"panellist", "body_officer"}),
        "post",
        {"panel_member": 1, "with_member": 1, "reason": "Family."},
    ),
    "act_impose_suspension": Row(
        "/cases/{ref}/actions/impose_suspension",
        STAFF_ACTORS,
        "post",
        {"criterion": "Risk", "reasons": "R.", "proportionality": "P.", "restricts": "Meetings.", **REVIEW},
    ),
    "act_review_suspension": Row("/cases/{ref}/actions/review_suspension", STAFF_ACTORS, "post", REVIEW),
    "act_lift_suspension": Row("/cases/{ref}/actions/lift_suspension", STAFF_ACTORS, "post", {"reasons": "Over."}),
    # Evidence: staff see it all, the panel what was admitted, the respondent what was served, the complainant what
    # came from the complainant (the served item did).
    "list_evidence": Row("/cases/{ref}/evidence", READ_CASE | PARTIES),
    "get_evidence": Row("/cases/{ref}/evidence/{served}", READ_CASE | PARTIES),
    "get_evidence_file": Row("/cases/{ref}/evidence/{served}/file", READ_CASE | PARTIES),
    "add_evidence": Row(
        "/cases/{ref}/evidence",
        OFFICER,
        "post",
        {"kind": "text", "provenance": "complainant", "description": "A note.", "text": "Said on the phone."},
        multipart=True,
    ),
    "rule_on_evidence": Row(
        "/cases/{ref}/evidence/{pending}/ruling", frozenset({"dpo"}), "post", {"ruling": "admit", "reason": "Fine."}
    ),
    # The audit log: its signed head and consistency for anyone; entries for the log's readers and their subjects.
    "get_audit_checkpoint": Row("/audit/checkpoint", EVERYONE),
    "get_audit_key": Row("/audit/key", EVERYONE),
    "get_audit_consistency": Row("/audit/consistency?old=1", EVERYONE),
    # Panellists are members too, named in the entries about the panels they sat on.
    "list_audit_entries": Row("/audit/entries", LOG_READERS | WITH_MEMBERSHIP, listing=True),
    "get_audit_entry": Row("/audit/entries/{entry}", LOG_READERS | PARTIES),
    "get_audit_inclusion": Row("/audit/entries/{entry}/proof", LOG_READERS | PARTIES),
    # Oversight.
    "get_oversight_dashboard": Row("/oversight/dashboard", frozenset({"oversight"})),
    "get_oversight_statistics": Row("/oversight/statistics", frozenset({"oversight"})),
    "get_oversight_analysis": Row("/oversight/analysis", frozenset({"oversight"})),
    "list_oversight_flags": Row("/oversight/flags", FLAG_HANDLERS, listing=True),
    "raise_oversight_flag": Row(
        "/oversight/flags", frozenset({"oversight"}), "post", {"case": "{ref}", "kind": "delay", "detail": "Slow?"}
    ),
    "answer_oversight_flag": Row(
        "/oversight/flags/{flag}/answer", FLAG_HANDLERS, "post", {"resolution": "Listed next week."}
    ),
    "add_oversight_note": Row("/oversight/notes", FLAG_HANDLERS, "post", {"case": "{ref}", "text": "Chased."}),
    # Bulk imports: administrators only (a dry run, so nothing is written).
    "import_file": Row(
        "/imports/units",
        frozenset({"admin"}),
        "post",
        {"dry_run": "true", "file": b"region_code,region_name,branch_code,branch_name\neast,East,e1,East One\n"},
        multipart=True,
    ),
}


def _operations() -> dict[str, tuple[str, str]]:
    schema = json.loads(document_text())
    return {
        operation["operationId"]: (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


# The world's ids in the matrix's paths, and the path parameters they stand for.
PARAMETERS = {
    "{ref}": "{reference}",
    "{served}": "{item_id}",
    "{pending}": "{item_id}",
    "{entry}": "{index}",
    "{flag}": "{flag_id}",
    "{number}": "{membership_number}",
    "/imports/units": "/imports/{kind}",
}


def test_every_operation_is_in_the_matrix():
    operations = _operations()
    assert set(operations) - set(MATRIX) == set(), "add these operations to the API's access matrix"
    assert set(MATRIX) - set(operations) == set(), "these operations no longer exist"
    for name, row in MATRIX.items():
        method, path = operations[name]
        assert row.method == method, f"{name} is a {method.upper()}"
        expected = row.path.split("?")[0]
        for placeholder, parameter in PARAMETERS.items():
            expected = expected.replace(placeholder, parameter)
        assert path.removeprefix("/api/v1") == expected, name


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, example_source, tmp_path_factory):
    from django.conf import settings

    evidence_dir = settings.FAIRHEARING_EVIDENCE_DIR
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path_factory.mktemp("evidence")
    with django_db_blocker.unblock(), transaction.atomic():
        users, ids = build_web_world(example_source)
        ids["number"] = users["mp"].member.membership_number
        # The latest analysis is there to read (before one has run, oversight too is told there is none).
        refresh_analysis(trigger=AnalysisTrigger.SCHEDULE)
        tokens = {who: issue_token(user, name="Matrix", scope="write").secret for who, user in users.items()}
        yield tokens, ids
        transaction.set_rollback(True)
    settings.FAIRHEARING_EVIDENCE_DIR = evidence_dir


def _format(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_format(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _format(v, ids) for k, v in value.items()}
    return value


def _call(row: Row, secret: str | None, ids: dict[str, Any]):
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    url = "/api/v1" + row.path.format(**ids)
    if row.method == "get":
        return client.get(url, headers=headers)
    body = _format(row.body or {}, ids)
    if row.multipart:
        files = {k: SimpleUploadedFile(f"{k}.csv", v) for k, v in body.items() if isinstance(v, bytes)}
        return client.post(url, body | files, headers=headers)
    return getattr(client, row.method)(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("who", PEOPLE)
def test_access(world, name, who):
    tokens, ids = world
    row = MATRIX[name]
    response = _call(row, tokens.get(who), ids)
    status = response.status_code
    if who in row.allowed:
        assert status in {200, 201, 204, 409, 422}, f"{who} should reach {name}, got {status}: {response.content[:300]}"
        if row.listing:
            assert response.json()["results"], f"{who} should see something in {name}"
    elif row.listing and who != "anonymous":
        assert status == 200 and response.json()["results"] == [], f"{who} should see an empty {name}"
    else:
        # About a thing (a case, an item, an entry), a member hears "not found"; "forbidden" may only say that
        # a kind of request is not theirs to make (opening a case, say), which tells them about nobody.
        about_a_thing = "{" in row.path
        allowed = {401} if who == "anonymous" else {404} if who in MEMBERS and about_a_thing else {403, 404}
        assert status in allowed, f"{who} should be refused {name} ({allowed}), got {status}: {response.content[:300]}"
