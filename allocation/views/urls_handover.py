"""Handover records and follow-up pages, included by allocation/urls.py (namespace "allocation")."""

from django.urls import path

from allocation.views import handover

urlpatterns = [
    path("bien-ban/", handover.handover_list, name="handover-list"),
    path("bien-ban/lap/", handover.handover_prepare, name="handover-prepare"),
    path("bien-ban/<int:batch_id>/", handover.handover_detail, name="handover-detail"),
    path("bien-ban/<int:batch_id>/bien-ban.docx", handover.handover_docx, name="handover-docx"),
    path("bien-ban/<int:batch_id>/bien-ban.pdf", handover.handover_pdf, name="handover-pdf"),
    path("bien-ban/<int:batch_id>/da-ban-giao/", handover.handover_mark, name="handover-mark"),
    path("bien-ban/<int:batch_id>/ban-da-ky/", handover.handover_scan, name="handover-scan"),
    path("ho-tro/<int:support_id>/theo-doi/", handover.support_follow_up, name="support-follow-up"),
    path("ho-tro/<int:support_id>/theo-doi/cho-ho-tro-lai/", handover.support_release, name="follow-up-release"),
]
