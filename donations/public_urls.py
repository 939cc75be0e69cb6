"""Public pages (no login): /ung-ho/ and /tra-cuu/."""

from django.urls import path

from donations.views import public

app_name = "donations-public"

urlpatterns = [
    path("ung-ho/", public.pledge_form, name="pledge-form"),
    path("ung-ho/cam-on/", public.pledge_thanks, name="pledge-thanks"),
    path("tra-cuu/", public.lookup, name="lookup"),
]
