from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from students.models import Commune, Student


@login_required
@require_GET
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    # Another commune's page is a 404, not a 403: its existence is not confirmed.
    commune = get_object_or_404(Commune.objects.visible_to(request.user), code=code)
    students = Student.objects.filter(commune=commune)
    active = Q(status__in=Student.ACTIVE_STATUSES)
    totals = students.aggregate(
        in_need=Count("pk", filter=active),
        lacks_device=Count("pk", filter=active & Q(lacks_device=True)),
        lacks_internet=Count("pk", filter=active & Q(lacks_internet=True)),
        verified=Count("pk", filter=Q(status=Student.Status.VERIFIED)),
        held=Count("pk", filter=Q(status=Student.Status.HELD)),
    )
    schools = commune.schools.annotate(
        in_need=Count("students", filter=Q(students__status__in=Student.ACTIVE_STATUSES))
    )
    return render(
        request,
        "students/commune_detail.html",
        {"commune": commune, "totals": totals, "schools": schools, "hamlets": commune.hamlets.all()},
    )
