from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from telecom.models import LearningPlatform, ZeroRating


@require_safe
def learning_platforms(request):
    """Public: the online learning platforms that providers carry free of charge (plan §II.2)."""
    platforms = LearningPlatform.objects.filter(published=True).prefetch_related(
        Prefetch("zero_ratings", queryset=ZeroRating.objects.select_related("provider").order_by("provider__name"))
    )
    return render(request, "telecom/learning_platforms.html", {"platforms": platforms})
