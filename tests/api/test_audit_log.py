"""The audit log over the API: public checkpoint, key and consistency proofs that verify; entries and inclusion
proofs for those they concern (and those who watch the process); paging in log order; problems for bad numbers."""

from __future__ import annotations

import pytest

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.audit.models import AuditEvent
from fairhearing.procedure import checkpoint as notes
from fairhearing.procedure import merkle
from tests.api.client import Api, problem

pytestmark = pytest.mark.django_db

PUBLIC = Api(None)


def about(member_id: int) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.order_by("index") if member_id in e.subject_member_ids]


def test_the_checkpoint_and_key_are_public_and_check_each_other(sar_case):
    assert problem(PUBLIC.get("/audit/checkpoint"))["status"] == 404
    made = make_checkpoint()
    checkpoint = PUBLIC.get("/audit/checkpoint").json()
    key = PUBLIC.get("/audit/key").json()["verifier_key"]
    assert checkpoint["note"] == made.note and checkpoint["tree_size"] == made.size
    verifier = notes.Verifier.parse(key)
    opened = notes.open_checkpoint(checkpoint["note"], verifier, verifier.name)
    assert opened.origin == checkpoint["origin"] and opened.size == made.size
    assert opened.root_hash.hex() == checkpoint["root_hash"] == bytes(made.root).hex()


def test_a_consistency_proof_is_public_and_verifies(sar_case):
    size = AuditEvent.objects.count()
    proof = PUBLIC.get("/audit/consistency", old=3, new=size).json()
    assert merkle.verify_consistency(
        3,
        size,
        bytes.fromhex(proof["old_root_hash"]),
        bytes.fromhex(proof["new_root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency_proof"]],
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "old"),
        ({"old": "x"}, "old"),
        ({"old": -1}, "old"),
        ({"old": 5, "new": 2}, "old"),
        ({"old": 1, "new": 10**6}, "new"),
    ],
)
def test_bad_numbers_get_problems_naming_them(sar_case, query, field):
    answer = PUBLIC.get("/audit/consistency", **query)
    assert answer.status_code == 422 and [e["field"] for e in problem(answer)["errors"]] == [field]


def test_an_inclusion_proof_verifies_against_the_signed_checkpoint(sar_case):
    mp = sar_case.org.members["mp"]
    entry = about(mp.pk)[0]
    checkpoint = make_checkpoint()
    api = Api.of(sar_case.org.users["mp"])
    proof = api.get(f"/audit/entries/{entry.index}/proof", size=checkpoint.size).json()
    assert proof["tree_size"] == checkpoint.size
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["entry"].encode()),
        entry.index,
        checkpoint.size,
        [bytes.fromhex(h) for h in proof["inclusion_proof"]],
        bytes(checkpoint.root),
    )
    assert api.get(f"/audit/entries/{entry.index}/proof", size=entry.index).status_code == 422
    assert api.get(f"/audit/entries/{entry.index}/proof", size="x").status_code == 422


def test_entries_are_for_those_they_concern(sar_case):
    org = sar_case.org
    mp = org.members["mp"]
    mine = about(mp.pk)
    other = next(e for e in AuditEvent.objects.order_by("index") if mp.pk not in e.subject_member_ids)
    api = Api.of(org.users["mp"])
    assert api.get(f"/audit/entries/{mine[0].index}").json()["subjects"] == mine[0].subject_member_ids
    for path in (f"/audit/entries/{other.index}", f"/audit/entries/{other.index}/proof"):
        assert problem(api.get(path))["status"] == 404
    assert api.get(f"/audit/entries/{10**9}").status_code == 404
    assert api.get(f"/audit/entries/{10**30}").status_code == 422
    assert PUBLIC.get(f"/audit/entries/{mine[0].index}").status_code == 401
    assert PUBLIC.get("/audit/entries").status_code == 401


def test_a_member_pages_through_the_entries_about_them_only(sar_case):
    mp = sar_case.org.members["mp"]
    api = Api.of(sar_case.org.users["mp"])
    seen, cursor = [], None
    while True:
        page = api.get("/audit/entries", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [e["index"] for e in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e.index for e in about(mp.pk)] and len(seen) > 3


def test_member_ids_are_matched_whole(sar_case):
    # Member 1 must not see entries about members 10 to 19 (the text of the stored list contains "1").
    member = sar_case.org.members["respondent"]
    api = Api.of(sar_case.org.users["respondent"])
    got = [e["index"] for e in api.get("/audit/entries", limit=200).json()["results"]]
    assert got == [e.index for e in about(member.pk)][:200]


@pytest.mark.parametrize("who", ["oversight", "dpo", "officer", "admin"])
def test_those_who_watch_the_process_read_every_entry_and_filter_by_case(sar_case, who):
    if who == "admin":
        sar_case.org.users[who] = create_user(
            username="admin", password="a long test password", roles={Role.ADMINISTRATOR}
        )
    api = Api.of(sar_case.org.users[who])
    everything = api.get("/audit/entries", limit=200).json()["results"]
    assert [e["index"] for e in everything] == list(range(min(200, AuditEvent.objects.count())))
    reference = sar_case.as_respondent.reference
    about_case = api.get("/audit/entries", case=reference, limit=200).json()["results"]
    assert about_case and {e["case_reference"] for e in about_case} == {reference}


@pytest.mark.parametrize("who", ["panellist", "body_officer"])
def test_staff_who_do_not_watch_the_log_see_only_entries_about_themselves(sar_case, who):
    user = sar_case.org.users[who]
    got = [e["index"] for e in Api.of(user).get("/audit/entries", limit=200).json()["results"]]
    expected = [e.index for e in about(user.member_id)] if user.member_id else []
    assert got == expected[:200]


def test_a_bad_cursor_is_a_problem(sar_case):
    answer = Api.of(sar_case.org.users["oversight"]).get("/audit/entries", cursor="nonsense!")
    assert answer.status_code == 422 and problem(answer)["errors"][0]["field"] == "cursor"
