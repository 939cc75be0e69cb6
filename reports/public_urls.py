"""Public pages (no login): /cong-khai/ and its donor roll, /phan-anh/ and its lookup."""

from django.urls import path

from reports.views import feedback_public, public

app_name = "reports-public"

urlpatterns = [
    path("cong-khai/", public.transparency, name="transparency"),
    path("cong-khai/nha-hao-tam/", public.donors, name="donors"),
    path("phan-anh/", feedback_public.feedback_form, name="feedback-form"),
    path("phan-anh/cam-on/", feedback_public.feedback_thanks, name="feedback-thanks"),
    path("phan-anh/tra-cuu/", feedback_public.feedback_lookup, name="feedback-lookup"),
]
