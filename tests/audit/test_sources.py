"""What goes on the audit log besides the procedure: portal views with receipts, admin changes, rulebook loads,
accounts - each without personal content."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.proofs import inclusion
from fairhearing.organisation.models import Member
from fairhearing.procedure import merkle
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def test_the_portal_gives_a_receipt_for_each_step_of_the_members_cases(client, sar_case):
    checkpoint = make_checkpoint()
    sign_in(client, sar_case.org.users["mp"])
    page = client.get("/portal/").content.decode()
    steps = AuditEvent.objects.filter(object_type="timeline_event", case_reference=sar_case.as_respondent.reference)
    assert steps.count() == sar_case.as_respondent.timeline.count() > 3
    for step in steps:
        assert (
            f'<a href="/audit/entries/{step.index}/proof?size={checkpoint.size}">log entry {step.index}</a>, '
            f"covered by the checkpoint of {checkpoint.size} entries"
        ) in page
    assert 'href="/audit/checkpoint"' in page and 'href="/audit/key"' in page
    # A receipt checks out: its entry is in the signed tree.
    first = steps.order_by("index").first()
    proof = inclusion(first.index, checkpoint.size)
    assert merkle.verify_inclusion(proof.leaf_hash, first.index, checkpoint.size, proof.proof, bytes(checkpoint.root))
    # Looking is on the log too.
    view = AuditEvent.objects.get(action="portal.viewed")
    assert (
        view.subject_member_ids == [sar_case.org.members["mp"].pk] and view.actor_user_id == sar_case.org.users["mp"].pk
    )


def test_steps_after_the_latest_checkpoint_say_so(client, sar_case):
    sign_in(client, sar_case.org.users["mp"])
    assert re.search(r"log entry \d+</a>, in the next checkpoint", client.get("/portal/").content.decode())


def test_an_admin_change_is_logged_with_the_fields_not_the_values(admin_user, sar_case):
    member = sar_case.org.members["respondent"]
    LogEntry.objects.log_actions(
        admin_user.pk,
        [member],
        CHANGE,
        change_message=[{"changed": {"fields": ["Email"]}}],
        single_object=True,
    )
    entry = AuditEvent.objects.get(action="admin.changed")
    assert (entry.object_type, entry.object_id, entry.data) == ("member", str(member.pk), {"fields": ["Email"]})
    assert entry.actor_user_id == admin_user.pk
    assert ContentType.objects.get_for_model(Member).model == "member"
    # Deleting many at once would log in bulk, out of the audit log's sight: the action is off.
    assert "delete_selected" not in dict(admin.site.actions)


def test_loading_a_rulebook_and_creating_accounts_are_logged(sar_case):
    loaded = AuditEvent.objects.get(action="rulebook.loaded")
    assert "Rulebook 2022.1 of Example Party loaded" in loaded.summary and len(loaded.data["sha256"]) == 64
    created = AuditEvent.objects.filter(action="account.created", object_id=str(sar_case.org.users["mp"].pk)).get()
    assert created.subject_member_ids == [sar_case.org.members["mp"].pk] and "member" in created.summary
