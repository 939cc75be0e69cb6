"""The project's URLs and one trivial view: the yardstick the public page's request rate is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from vinhtuong_program.urls import urlpatterns as project_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *project_urlpatterns]
