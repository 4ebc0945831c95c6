from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from fairhearing.api.main import api
from fairhearing.api.problems import problem_response


def nowhere(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /api/ answers as the API does, not with the web's 404 page."""
    return problem_response(404, "There is no such API address. The API's description is at /api/v1/openapi.json.")


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", nowhere, name="api-nowhere"),
]
