from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from students import review
from students.models import profile_commune_id


def navigation(request) -> dict:
    """Menu entries for the signed-in user's role; the public pages for everyone else."""
    user = getattr(request, "user", None)
    items = [(_("Home"), reverse("home"))]
    if user is not None and user.is_authenticated:
        items.append((_("Staff home"), reverse("staff-home")))
        commune_id = profile_commune_id(user)
        if commune_id:
            items.append((_("My commune"), reverse("students:commune-detail", args=[user.profile.commune.code])))
        if user.has_perm("students.view_student"):
            items.append((_("Pupils"), reverse("students:student-list")))
        if review.can_review(user):
            items.append((_("Possible duplicates"), reverse("students:duplicate-review")))
        if user.has_perm("donations.view_pledge"):
            items.append((_("Donations"), reverse("donations:pledge-list")))
        elif user.has_perm("donations.view_device"):
            items.append((_("Device inventory"), reverse("donations:device-list")))
        if user.has_perm("allocation.add_support"):
            items.append((_("Allocation"), reverse("allocation:run")))
        elif user.has_perm("allocation.view_support"):
            items.append((_("Supports"), reverse("allocation:support-list")))
        if commune_id and user.has_perm("allocation.view_support"):
            code = user.profile.commune.code
            items.append((_("Commune allocation summary"), reverse("allocation:commune-summary", args=[code])))
        if user.has_perm("students.view_all_communes"):
            items.append((_("Progress report"), reverse("reports:progress")))
        if user.has_perm("reports.view_feedback"):
            items.append((_("Reports from the public"), reverse("feedback:list")))
        if user.has_perm("telecom.view_hamletcoverage"):
            items.append((_("Telecom"), reverse("telecom:index")))
        if user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    else:
        items.append((_("Pledge support"), reverse("donations-public:pledge-form")))
        items.append((_("Look up a pledge"), reverse("donations-public:lookup")))
        items.append((_("Report a missed pupil"), reverse("reports-public:feedback-form")))
    items.append((_("Public report"), reverse("reports-public:transparency")))
    items.append((_("Free learning platforms"), reverse("learning-platforms")))
    return {"nav_items": items, "demo_mode": settings.DEBUG}
