from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.http import leaves_the_session_unsaved
from donations.models import CommitteeMember
from reports.dashboard import attention_items
from reports.models import Milestone
from students.lists import communes_with_list_state
from students.models import Commune
from students.selectors import communes_with_need
from vinhtuong_program.core.navigation import badge_counts
from vinhtuong_program.core.roles import roles_of


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"milestones": Milestone.objects.all(), "committee": CommitteeMember.objects.all()},
    )


@login_required
@require_safe
def staff_home(request: HttpRequest) -> HttpResponse:
    """What needs attention now for the user's role and scope, the need by commune, and the milestones."""
    communes = communes_with_need(Commune.objects.visible_to(request.user))
    shows_lists = request.user.has_perm("students.view_studentupload")
    if shows_lists:
        communes = communes_with_list_state(communes)
    milestones = list(Milestone.objects.all())
    return render(
        request,
        "core/staff_home.html",
        {
            "roles": roles_of(request.user),
            "attention": attention_items(request.user, milestones=milestones),
            "communes": communes,
            "shows_lists": shows_lists,
            "milestones": milestones,
        },
    )


@leaves_the_session_unsaved
@login_required
@never_cache
@require_safe
def staff_menu_counts(request: HttpRequest) -> JsonResponse:
    """The staff menu's badges (static/js/staff_menu.js), from the staff dashboard's own counts."""
    counts: dict[str, int] = {}
    for item in attention_items(request.user):
        counts[item.key] = counts.get(item.key, 0) + item.count
    return JsonResponse({"counts": badge_counts(request.user, counts)})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
