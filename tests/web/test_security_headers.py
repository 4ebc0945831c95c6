"""Security headers on every response, and no template that would need the CSP relaxed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fairhearing

TEMPLATES = sorted(Path(fairhearing.__file__).parent.glob("**/templates/**/*.html"))
# The bundle and subject access documents are files people keep and open offline: they carry their own styles,
# and are served (when they are served) with their own policy allowing exactly that.
SELF_CONTAINED = {
    "evidence/bundle.html",
    "privacy/subject_access_report.html",
    "privacy/subject_access_evidence.html",
    "analysis/report.html",  # the analysis report written by `fairhearing analyse --out`; never served
    "transparency/document.html",  # a transparency report as one file: a download, served with its own policy
}


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_the_other_headers(client):
    response = client.get("/rules/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_https_deployments_get_strict_transport_security(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: "/".join(p.parts[-2:]))
def test_no_template_has_inline_script_style_or_event_handlers(template):
    if "/".join(template.parts[-2:]) in SELF_CONTAINED:
        return
    html = template.read_text(encoding="utf-8")
    # A JSON data block (Django's json_script) is data, never run: the CSP does not apply to it.
    assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html), "inline <script>"
    assert not re.search(r"<style\b", html), "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
