"""Public pages (no login): /phan-anh/ and its lookup."""

from django.urls import path

from reports.views import feedback_public

app_name = "reports-public"

urlpatterns = [
    path("phan-anh/", feedback_public.feedback_form, name="feedback-form"),
    path("phan-anh/cam-on/", feedback_public.feedback_thanks, name="feedback-thanks"),
    path("phan-anh/tra-cuu/", feedback_public.feedback_lookup, name="feedback-lookup"),
]
