"""The log over HTTP: checkpoint and key for anyone, consistency proofs for anyone, inclusion proofs only for the
people an entry concerns - and problem bodies for bad input."""

from __future__ import annotations

import pytest

from fairhearing.audit.checkpoints import make_checkpoint, verifier_key
from fairhearing.audit.models import AuditEvent
from fairhearing.procedure import checkpoint as notes
from fairhearing.procedure import merkle
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def test_anyone_can_fetch_the_checkpoint_and_key_and_check_one_with_the_other(client, sar_case):
    assert client.get("/audit/checkpoint").status_code == 404
    made = make_checkpoint()
    note = client.get("/audit/checkpoint").content.decode()
    key = client.get("/audit/key").content.decode().strip()
    assert note == made.note and key == verifier_key()
    verifier = notes.Verifier.parse(key)
    assert notes.open_checkpoint(note, verifier, verifier.name).size == made.size


def test_anyone_can_fetch_a_consistency_proof(client, sar_case):
    size = AuditEvent.objects.count()
    proof = client.get(f"/audit/consistency?old=3&new={size}").json()
    assert merkle.verify_consistency(
        3,
        size,
        bytes.fromhex(proof["old_root_hash"]),
        bytes.fromhex(proof["new_root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency_proof"]],
    )


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("", "the query parameter 'old' is required"),
        ("?old=x", "the query parameter 'old' must be a whole number, not 'x'"),
        ("?old=5&new=2", "the old size must be between 0 and 2, not 5"),
        ("?old=1&new=999999", "there is no tree of size 999999"),
    ],
)
def test_a_bad_consistency_request_gets_a_problem_body(client, sar_case, query, detail):
    answer = client.get(f"/audit/consistency{query}")
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert detail in answer.json()["detail"] and answer.json()["status"] == 400


def test_an_inclusion_proof_is_for_the_members_it_concerns_and_staff(client, sar_case):
    mine = AuditEvent.objects.filter(subject_member_ids__icontains=str(sar_case.org.members["mp"].pk)).order_by("index")
    mine = next(e for e in mine if sar_case.org.members["mp"].pk in e.subject_member_ids)
    url = f"/audit/entries/{mine.index}/proof"
    assert client.get(url).status_code == 404  # signed out
    outsider = next(
        u
        for u in sar_case.org.users.values()
        if u.member_id and u.member_id not in mine.subject_member_ids and u.roles() == {"member"}
    )
    sign_in(client, outsider)  # a member the entry is not about
    assert client.get(url).status_code == 404
    sign_in(client, sar_case.org.users["mp"])
    proof = client.get(url).json()
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["entry"].encode()),
        mine.index,
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["inclusion_proof"]],
        bytes.fromhex(proof["root_hash"]),
    )
    sign_in(client, sar_case.org.users["oversight"])
    assert client.get(url).status_code == 200
    missing = client.get(f"/audit/entries/{AuditEvent.objects.count() + 5}/proof")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert client.get(f"{url}?size=0").json()["detail"].startswith("there is no entry")
    bad = client.get(f"{url}?size=x")
    assert (
        bad.status_code == 400 and bad.json()["detail"] == "the query parameter 'size' must be a whole number, not 'x'"
    )
