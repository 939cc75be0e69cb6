from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from students import review
from students.models import profile_commune_id


def navigation(request) -> dict:
    """Menu entries for the signed-in user's role; nothing but 'home' for the public."""
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
        if user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    return {"nav_items": items, "demo_mode": settings.DEBUG}
