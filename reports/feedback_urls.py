"""Staff pages on reports from the public, mounted at /can-bo/phan-anh/ (namespace "feedback")."""

from django.urls import path

from reports.views import feedback_staff

app_name = "feedback"

urlpatterns = [
    path("", feedback_staff.feedback_list, name="list"),
    path("<int:feedback_id>/", feedback_staff.feedback_detail, name="detail"),
]
