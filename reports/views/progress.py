"""The 30/9 progress report for the leadership and the office: on screen and as files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import charts, documents, labels
from reports.data_start import first_recorded_day
from reports.forms import AsOfForm
from reports.progress import build_progress_report
from students.models import VIEW_ALL_COMMUNES


def _allowed(request: HttpRequest) -> None:
    # District-wide roles: the office, the accountant and the leadership. Figures only, no names.
    if not request.user.has_perm(VIEW_ALL_COMMUNES):
        raise PermissionDenied


def _charts(report: dict) -> dict[str, SafeString]:
    donations = report["donations"]
    return {
        "communes": charts.support_by_commune(report["by_commune"]),
        "gap": charts.bar_chart(
            [(capfirst(str(labels.GAP_REASONS[code])), n, None) for code, n in report["gap"]["by_reason"].items()],
            chart_id="chart-gap",
            title=_("Pupils not supported yet, by reason"),
            value_name=_("pupils"),
        ),
        "money": charts.bar_chart(
            [
                (capfirst(str(labels.MONEY_KINDS[kind])), donations["money_received_by_kind"][kind], pledged)
                for kind, pledged in donations["money_pledged_by_kind"].items()
            ],
            chart_id="chart-money",
            title=_("Money received against money pledged, by kind"),
            value_name=_("received"),
            total_name=_("pledged"),
            value_format=charts.vnd,
        ),
        "devices": charts.bar_chart(
            [
                (capfirst(str(labels.DEVICE_TYPES[kind])), donations["devices_received"][kind], pledged)
                for kind, pledged in donations["devices_pledged"].items()
            ],
            chart_id="chart-devices",
            title=_("Devices received against devices pledged, by type"),
            value_name=_("received"),
            total_name=_("pledged"),
            show_percent=False,
        ),
        "coverage": charts.coverage(report["infrastructure"]),
    }


@login_required
@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = AsOfForm(request.GET or None)
    snapshot = form.snapshot()
    report = build_progress_report(snapshot)
    first_day = None if snapshot.is_live else first_recorded_day()
    return render(
        request,
        "reports/progress.html",
        {
            "form": form,
            # A day before any data: every figure is 0, and the page says why.
            "before_data": not snapshot.is_live and (first_day is None or snapshot.as_of < first_day),
            "first_day": first_day,
            "as_of_day": snapshot.as_of,
            "report": report,
            "charts": _charts(report),
            "query": f"?ngay={snapshot.as_of.isoformat()}" if snapshot.as_of else "",
        },
    )


@login_required
@require_safe
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    _allowed(request)
    if fmt not in documents.FORMATS:
        raise Http404
    form = AsOfForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404
    report = build_progress_report(form.snapshot())
    response = HttpResponse(documents.render(report, fmt), content_type=documents.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(report, fmt)}"'
    return response
