from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fairhearing.web import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", selectors.home_context())


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "web/rules.html", selectors.rules_context())


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse({"status": "ok"})
