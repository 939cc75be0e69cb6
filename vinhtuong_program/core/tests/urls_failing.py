"""The site's URLs plus one view that fails, to see what a visitor gets from a server error."""

from django.urls import path

from vinhtuong_program.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("secret detail that must never reach the visitor")


urlpatterns = [path("loi-thu/", failing_view), *site_urlpatterns]
