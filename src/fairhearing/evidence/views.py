"""The data protection officer's queue of evidence rulings, and opening an evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import Admissibility, Case, EvidenceItem
from fairhearing.evidence import selectors, services
from fairhearing.evidence.downloads import download_response
from fairhearing.evidence.forms import REFUSAL_FIELDS, EvidenceForm, RulingForm, facts_from
from fairhearing.procedure.admissibility import Ruling
from fairhearing.procedure.errors import ActionRefused


@roles_required(Role.DATA_PROTECTION_OFFICER)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    pending = list(selectors.pending_rulings())
    return render(
        request,
        "evidence/queue.html",
        {
            "pending": [(item, RulingForm(prefix=f"item{item.pk}")) for item in pending],
            "recent": selectors.recent_rulings(),
        },
    )


@roles_required(Role.DATA_PROTECTION_OFFICER)
@require_http_methods(["POST"])
def rule(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EvidenceItem, pk=pk)
    form = RulingForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.rule_on_evidence(
                item, request.user, ruling=Ruling(form.cleaned_data["ruling"]), reason=form.cleaned_data["reason"]
            )
        except ActionRefused as refused:
            for refusal in refused.refusals:
                form.add_error("reason" if refusal.guard == "reason" else None, refusal.message)
        else:
            verb = "admitted" if form.cleaned_data["ruling"] == Ruling.ADMIT else "excluded"
            messages.success(request, f"Evidence item {item.pk} in {item.case.reference} {verb}.")
            return redirect("evidence:queue")
    pending = [
        (other, form if other.pk == item.pk else RulingForm(prefix=f"item{other.pk}"))
        for other in selectors.pending_rulings()
    ]
    status = 400 if item.admissibility == Admissibility.PENDING else 409
    return render(
        request, "evidence/queue.html", {"pending": pending, "recent": selectors.recent_rulings()}, status=status
    )


@login_required
@require_safe
def file(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EvidenceItem.objects.select_related("case", "stored_file"), pk=pk)
    try:
        data = services.read_evidence_file(item, request.user)
    except services.EvidenceNotFound as exc:
        raise Http404 from exc
    return download_response(item, data)


@roles_required(Role.CASE_OFFICER)
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest, reference: str) -> HttpResponse:
    """A case officer adds an item of evidence to a case, with everything the rules need to know about it."""
    case = get_object_or_404(Case, reference=reference)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            item = _add(request, case, form)
            if item is not None:
                state = "admissible as added" if item.admissibility == Admissibility.ADMITTED else "awaiting a ruling"
                messages.success(request, f"Evidence item {item.pk} added: {state}.")
                return redirect("evidence:add", reference=case.reference)
        status = 400
    items = case.evidence.select_related("stored_file").order_by("added_at", "pk")
    return render(request, "evidence/add.html", {"case": case, "form": form, "items": items}, status=status)


def _add(request: HttpRequest, case: Case, form: EvidenceForm) -> EvidenceItem | None:
    data = form.cleaned_data
    facts = facts_from(data)
    upload = data["file"]
    try:
        return services.add_evidence(
            case,
            request.user,
            kind=data["kind"],
            description=data["description"],
            facts=facts,
            upload=services.Upload(upload.name, upload.read()) if upload else None,
            text=data["text"],
            captured_at=data["captured_at"],
        )
    except ActionRefused as refused:
        for refusal in refused.refusals:
            form.add_error(REFUSAL_FIELDS.get(refusal.guard), refusal.message)
        return None
