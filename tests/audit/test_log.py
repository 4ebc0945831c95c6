"""The audit log in the database: appends build the RFC 9162 tree, proofs verify with the pure checks, the
database refuses edits, and `audit verify` names the first tampered entry or checkpoint."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fairhearing.audit import proofs, triggers
from fairhearing.audit.checkpoints import make_checkpoint, verifier_key
from fairhearing.audit.log import canonical_entry, record
from fairhearing.audit.models import AuditEvent, Checkpoint, LogHead, MerkleNode
from fairhearing.audit.verify import LogBroken, verify_log
from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind, TimelineEvent
from fairhearing.procedure import checkpoint as notes
from fairhearing.procedure import merkle
from tests.cases.organisation import START, build_org

pytestmark = pytest.mark.django_db


def append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(None, "test.entry", "thing", i, summary=f"Entry number {i}.", subjects=[i % 3 or None], data={"i": i})


def entries() -> list[bytes]:
    return [canonical_entry(e) for e in AuditEvent.objects.order_by("index")]


@pytest.fixture
def tampering():
    """Lift the triggers, as someone editing the database directly would; put them back afterwards."""
    triggers.remove(connection)
    yield
    triggers.install(connection)


def test_appends_build_the_rfc_9162_tree_and_proofs_verify():
    append(37)
    head = LogHead.objects.get()
    tree = merkle.MemoryTree.of_entries(entries())
    assert head.size == 37 and bytes(head.root) == tree.root()
    assert [e.index for e in AuditEvent.objects.order_by("index")] == list(range(37))
    for index in (0, 1, 17, 36):
        proof = proofs.inclusion(index, 37)
        assert merkle.verify_inclusion(merkle.leaf_hash(proof.entry), index, 37, proof.proof, bytes(head.root))
        older = proofs.inclusion(index, 20) if index < 20 else None
        if older:
            assert merkle.verify_inclusion(older.leaf_hash, index, 20, older.proof, tree.root(20))
    for old in (0, 1, 8, 20, 36, 37):
        c = proofs.consistency(old)
        assert c.old_root == tree.root(old)
        assert merkle.verify_consistency(old, 37, c.old_root, c.new_root, c.proof)


def test_proofs_that_do_not_exist_are_refused_clearly():
    append(3)
    with pytest.raises(proofs.ProofUnavailable, match="there is no entry 3 in a tree of 3 entries"):
        proofs.inclusion(3)
    with pytest.raises(proofs.ProofUnavailable, match="the log has 3 entries; there is no tree of size 9"):
        proofs.inclusion(0, 9)
    with pytest.raises(proofs.ProofUnavailable, match="the old size must be between 0 and 3, not 5"):
        proofs.consistency(5)


def test_a_step_of_the_procedure_is_on_the_log_without_its_content(example_source, settings, tmp_path):
    org = build_org(example_source)
    case = services.open_case(
        user=org.users["officer"],
        respondent=org.members["respondent"],
        allegations=[services.AllegationInput("2.2", "Called the treasurer a liar.", date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    events = list(TimelineEvent.objects.filter(case=case).order_by("pk"))
    leaves = list(AuditEvent.objects.filter(object_type="timeline_event").order_by("index"))
    assert [leaf.object_id for leaf in leaves] == [str(e.pk) for e in events]
    assert leaves[0].action == "timeline.opened" and leaves[0].case_reference == case.reference
    assert leaves[0].subject_member_ids == sorted([org.members["respondent"].pk, org.members["complainant"].pk])
    assert "liar" not in json.dumps([canonical_entry(leaf).decode() for leaf in leaves])
    assert all(len(leaf.data["content_sha256"]) == 64 for leaf in leaves)


def test_the_database_refuses_to_change_or_delete_the_log():
    append(2)
    make_checkpoint()
    for query in (
        lambda: AuditEvent.objects.filter(index=0).update(summary="Nothing happened."),
        lambda: AuditEvent.objects.filter(index=1).delete(),
        lambda: MerkleNode.objects.all().delete(),
        lambda: Checkpoint.objects.update(size=1),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            query()
    assert AuditEvent.objects.get(index=0).summary == "Entry number 0."
    assert verify_log().size == 2


def test_a_signed_checkpoint_verifies_with_the_published_key():
    append(5)
    checkpoint = make_checkpoint()
    assert make_checkpoint() == checkpoint  # nothing new to sign
    key = notes.Verifier.parse(verifier_key())
    opened = notes.open_checkpoint(checkpoint.note, key, key.name)
    assert (opened.size, opened.root_hash) == (5, bytes(LogHead.objects.get().root))
    lines = checkpoint.note.splitlines()
    assert lines[0] == key.name and lines[1] == "5" and lines[3] == "" and lines[4].startswith("\u2014 ")


def test_an_intact_log_verifies_with_every_checkpoint():
    append(10)
    make_checkpoint()
    append(7, start=10)
    make_checkpoint()
    result = verify_log()
    assert (result.size, result.checkpoints) == (17, 2)


@pytest.fixture
def signed_log():
    append(12)
    make_checkpoint()
    append(8, start=12)
    make_checkpoint()


def broken() -> str:
    with pytest.raises(LogBroken) as failure:
        verify_log()
    return str(failure.value)


def test_a_changed_entry_is_named(signed_log, tampering):
    AuditEvent.objects.filter(index=6).update(summary="Entry number 6, improved.")
    assert broken() == "entry 6 has been changed: it no longer matches its leaf hash"


def test_an_entry_changed_with_its_leaf_hash_is_caught_by_the_tree(signed_log, tampering):
    event = AuditEvent.objects.get(index=6)
    event.summary = "Entry number 6, improved."
    AuditEvent.objects.filter(index=6).update(summary=event.summary, leaf_hash=merkle.leaf_hash(canonical_entry(event)))
    assert broken() == "entry 6 does not match the tree: its leaf was replaced"


def test_a_rewritten_entry_leaf_and_node_is_caught_by_the_checkpoint(signed_log, tampering):
    event = AuditEvent.objects.get(index=6)
    event.summary = "Entry number 6, improved."
    leaf = merkle.leaf_hash(canonical_entry(event))
    AuditEvent.objects.filter(index=6).update(summary=event.summary, leaf_hash=leaf)
    MerkleNode.objects.filter(level=0, index=6).update(hash=leaf)
    first = Checkpoint.objects.order_by("size").first()
    assert (
        broken()
        == f"checkpoint {first.pk} (size 12) does not match the entries: the log was changed after it was signed"
    )


def test_a_deleted_entry_is_named(signed_log, tampering):
    AuditEvent.objects.filter(index=4).delete()
    assert broken() == "entry 4 is missing: entries were deleted"


def test_reordered_entries_are_caught(signed_log, tampering):
    # Swap two entries' places: each now sits at an index its content does not name.
    AuditEvent.objects.filter(index=3).update(index=-1)
    AuditEvent.objects.filter(index=9).update(index=3)
    AuditEvent.objects.filter(index=-1).update(index=9)
    assert broken() == "entry 3 has been changed: it no longer matches its leaf hash"


def test_an_older_copy_of_the_log_swapped_in_is_caught(signed_log, tampering):
    # Put back the log as it stood at 12 entries, after its later checkpoint was published.
    AuditEvent.objects.filter(index__gte=12).delete()
    MerkleNode.objects.filter(index__gte=12, level=0).delete()
    old = merkle.MemoryTree.of_entries(entries())
    LogHead.objects.update(
        size=12, root=old.root(), border=b"".join(s.hash for s in merkle.CompactRange.load(12, old.subtree).border)
    )
    later = Checkpoint.objects.order_by("size").last()
    assert broken() == (
        f"checkpoint {later.pk} is for 20 entries but the log holds 12: entries were removed or an older copy of "
        "the log was put back"
    )


def test_a_forged_checkpoint_is_named(signed_log, tampering):
    forger = notes.Signer.generate(notes.Verifier.parse(verifier_key()).name)
    fake = notes.sign_checkpoint(notes.Checkpoint(forger.name, 20, bytes(LogHead.objects.get().root)), forger)
    forged = Checkpoint.objects.order_by("size").last()
    Checkpoint.objects.filter(pk=forged.pk).update(note=fake)
    assert broken().startswith(f"checkpoint {forged.pk} (size 20) is not validly signed")


def test_the_audit_commands(signed_log, capsys):
    call_command("audit", "verify")
    assert "audit log verifies: 20 entries" in capsys.readouterr().out
    call_command("audit", "prove", "--index", "7", "--size", "12", "--json")
    proof = json.loads(capsys.readouterr().out)
    first = Checkpoint.objects.order_by("size").first()
    assert proof["root_hash"] == bytes(first.root).hex()
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["entry"].encode()),
        7,
        12,
        [bytes.fromhex(h) for h in proof["inclusion_proof"]],
        bytes.fromhex(proof["root_hash"]),
    )
    call_command("audit", "consistency", "--old", "12", "--json")
    c = json.loads(capsys.readouterr().out)
    assert merkle.verify_consistency(
        12,
        20,
        bytes.fromhex(c["old_root_hash"]),
        bytes.fromhex(c["new_root_hash"]),
        [bytes.fromhex(h) for h in c["consistency_proof"]],
    )
    call_command("audit", "key")
    assert capsys.readouterr().out.strip() == verifier_key()
    call_command("audit", "checkpoint")
    assert capsys.readouterr().out == Checkpoint.objects.order_by("size").last().note


def test_audit_verify_exits_1_naming_the_problem(signed_log, tampering, capsys):
    AuditEvent.objects.filter(index=2).update(summary="Something else.")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    assert "audit log does NOT verify: entry 2 has been changed" in capsys.readouterr().err


def test_the_audit_commands_refuse_what_does_not_exist():
    with pytest.raises(CommandError, match="no checkpoint has been made yet"):
        call_command("audit", "checkpoint")
    append(2)
    with pytest.raises(CommandError, match="there is no entry 5 in a tree of 2 entries"):
        call_command("audit", "prove", "--index", "5")
    with pytest.raises(CommandError, match="the old size must be between 0 and 2, not 3"):
        call_command("audit", "consistency", "--old", "3")
