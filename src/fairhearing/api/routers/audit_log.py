"""The audit log: its signed checkpoint, key and consistency proofs for anyone; its entries and their inclusion
proofs for whoever may read them (`policy.log_entries`: those who watch the process see all, a member the entries
about them). The proofs are `fairhearing.audit.proofs`', exactly as the web's /audit/ pages give them."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from fairhearing.access import policy
from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import ApiProblem, invalid, not_found
from fairhearing.audit import proofs
from fairhearing.audit.checkpoints import latest_checkpoint, origin, verifier_key
from fairhearing.audit.log import current_head
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.selectors import visible_entry

router = Router(tags=["audit_log"])

# Far beyond any real log, and within a database's 64-bit integers: a larger number must not reach a query.
MAX_INDEX = 2**62


class AuditCheckpointOut(Schema):
    origin: str = Field(description="The log's name, the first line of the note.")
    tree_size: int
    root_hash: str = Field(description="Hex SHA-256 root of the tree of `tree_size` entries.")
    note: str = Field(description="The signed note (C2SP tlog-checkpoint), exactly as published.")
    made_at: datetime


class AuditKeyOut(Schema):
    verifier_key: str = Field(description="The Ed25519 verifier key in signed-note form.")


class AuditConsistencyOut(Schema):
    old_size: int
    new_size: int
    old_root_hash: str
    new_root_hash: str
    consistency_proof: list[str]


class AuditInclusionOut(Schema):
    index: int
    tree_size: int
    entry: str = Field(description="The entry's canonical bytes, as UTF-8: its leaf hash is SHA-256(0x00 || entry).")
    leaf_hash: str
    inclusion_proof: list[str]
    root_hash: str


class AuditEntryOut(Schema):
    index: int
    at: datetime
    actor: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    case_reference: str
    subjects: list[int] = Field(description="Ids of the members the entry is about.")
    summary: str
    data: dict[str, Any]
    leaf_hash: str

    @staticmethod
    def resolve_actor(entry: AuditEvent) -> str:
        return entry.actor_label

    @staticmethod
    def resolve_actor_id(entry: AuditEvent) -> int | None:
        return entry.actor_user_id

    @staticmethod
    def resolve_subjects(entry: AuditEvent) -> list[int]:
        return list(entry.subject_member_ids or [])

    @staticmethod
    def resolve_leaf_hash(entry: AuditEvent) -> str:
        return bytes(entry.leaf_hash).hex()


class AuditEntryFilters(Schema):
    case: str | None = Field(None, max_length=32, description="Only the entries about this case reference.")


def _no_proof(exc: proofs.ProofUnavailable, field: str) -> ApiProblem:
    # The number is well formed but names a tree or entry the log does not have: that parameter is at fault.
    return invalid([{"in": "query", "field": field, "message": str(exc)}], f"No such proof: {exc}.")


def _beyond_the_log(size: int | None) -> bool:
    return size is not None and size > current_head().size


@router.get("/checkpoint", response=AuditCheckpointOut, auth=None, summary="The latest signed checkpoint")
def get_audit_checkpoint(request: HttpRequest) -> dict:
    latest = latest_checkpoint()
    if latest is None:
        raise ApiProblem(404, "The log has not been signed yet.", title="No checkpoint yet")
    return {
        "origin": origin(),
        "tree_size": latest.size,
        "root_hash": bytes(latest.root).hex(),
        "note": latest.note,
        "made_at": latest.made_at,
    }


@router.get("/key", response=AuditKeyOut, auth=None, summary="The key that checks the checkpoints")
def get_audit_key(request: HttpRequest) -> dict:
    return {"verifier_key": verifier_key()}


@router.get(
    "/consistency",
    response=AuditConsistencyOut,
    auth=None,
    summary="That the tree of `old` entries is a prefix of the tree of `new` (by default, the whole log)",
)
def get_audit_consistency(
    request: HttpRequest,
    old: int = Query(..., ge=0, le=MAX_INDEX),
    new: int | None = Query(None, ge=0, le=MAX_INDEX),
) -> dict:
    try:
        return proofs.consistency(old, new).as_json()
    except proofs.ProofUnavailable as exc:
        raise _no_proof(exc, "new" if _beyond_the_log(new) else "old") from None


@router.get("/entries", response=list[AuditEntryOut], summary="The log's entries that you may read, oldest first")
@paginate(KeysetPagination, key="index")
def list_audit_entries(request: HttpRequest, filters: Query[AuditEntryFilters]) -> QuerySet[AuditEvent]:
    entries = policy.log_entries(request.user)
    if filters.case:
        entries = entries.filter(case_reference=filters.case)
    return entries


def _entry(request: HttpRequest, index: int) -> AuditEvent:
    entry = visible_entry(request.user, index)
    if entry is None:
        raise not_found("log entry")
    return entry


@router.get("/entries/{index}", response=AuditEntryOut, summary="One entry of the log")
def get_audit_entry(request: HttpRequest, index: int = Path(..., ge=0, le=MAX_INDEX)) -> AuditEvent:
    return _entry(request, index)


@router.get(
    "/entries/{index}/proof",
    response=AuditInclusionOut,
    summary="That an entry is in the tree of `size` entries (by default, the whole log)",
)
def get_audit_inclusion(
    request: HttpRequest,
    index: int = Path(..., ge=0, le=MAX_INDEX),
    size: int | None = Query(None, ge=0, le=MAX_INDEX),
) -> dict:
    _entry(request, index)
    try:
        return proofs.inclusion(index, size).as_json()
    except proofs.ProofUnavailable as exc:
        raise _no_proof(exc, "size") from None
