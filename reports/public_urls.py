"""Public pages (no login): /cong-khai/ and its donor roll."""

from django.urls import path

from reports.views import public

app_name = "reports-public"

urlpatterns = [
    path("cong-khai/", public.transparency, name="transparency"),
    path("cong-khai/nha-hao-tam/", public.donors, name="donors"),
]
