from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from vinhtuong_program.core.navigation import menu_for


def navigation(request) -> dict:
    """The public pages' menu for visitors; the staff menu by task (core/navigation.py) for the signed-in."""
    user = getattr(request, "user", None)
    items = [(_("Home"), reverse("home"))]
    if user is None or not user.is_authenticated:
        items.append((_("Pledge support"), reverse("donations-public:pledge-form")))
        items.append((_("Look up a pledge"), reverse("donations-public:lookup")))
        items.append((_("Report a missed pupil"), reverse("reports-public:feedback-form")))
    items.append((_("Public report"), reverse("reports-public:transparency")))
    items.append((_("Free learning platforms"), reverse("learning-platforms")))
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    staff_menu = SimpleLazyObject(lambda: menu_for(user, view_name=view_name, path=request.path))
    return {"nav_items": items, "staff_menu": staff_menu, "demo_mode": settings.DEBUG}
