"""The progress report's staff pages, at /can-bo/bao-cao/ (namespace "reports")."""

from django.urls import path

from reports.views import progress

app_name = "reports"

urlpatterns = [
    path("", progress.progress, name="progress"),
    path("tai-ve/<slug:fmt>/", progress.download, name="download"),
]
