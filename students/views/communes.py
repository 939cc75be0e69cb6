from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from students.lists import list_state_of_commune, with_list_state
from students.models import Commune, StudentUpload
from students.selectors import commune_schools, commune_totals


@login_required
@require_safe
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    # Another commune's page is a 404, not a 403: its existence is not confirmed.
    commune = get_object_or_404(with_list_state(Commune.objects.visible_to(request.user)), code=code)
    return render(
        request,
        "students/commune_detail.html",
        {
            "commune": commune,
            "totals": commune_totals(commune),
            "schools": commune_schools(commune),
            "hamlets": commune.hamlets.all(),
            # Telecom staff read a commune's hamlets, never its pupil lists.
            "uploads": StudentUpload.objects.visible_to(request.user)
            .filter(commune=commune)
            .select_related("uploaded_by")[:5],
            "can_upload": request.user.has_perm("students.add_studentupload"),
            "list_state": list_state_of_commune(commune)
            if request.user.has_perm("students.view_studentupload")
            else None,
        },
    )
