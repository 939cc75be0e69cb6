from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from students.models import Commune, Hamlet, Student
from telecom import selectors
from telecom.coverage import COVERAGE_DEADLINE, CoverageChange, coverage_set
from telecom.exports import coverage_workbook
from telecom.forms import CoverageForm
from telecom.models import HamletCoverage, Provider, Technology
from telecom.views.common import requires, xlsx_response

VIEW_COVERAGE = "telecom.view_hamletcoverage"


def _own_provider(user) -> Provider | None:
    profile = getattr(user, "profile", None)
    return getattr(profile, "provider", None)


def _matrix_filters(request):
    communes = Commune.objects.visible_to(request.user)
    hamlets = Hamlet.objects.visible_to(request.user)
    commune = None
    if request.GET.get("commune"):
        commune = get_object_or_404(communes, code=request.GET["commune"])
        hamlets = hamlets.filter(commune=commune)
    providers = list(Provider.objects.all())
    provider = None
    code = request.GET.get("provider")
    if code:
        provider = get_object_or_404(Provider, code=code)
    elif code is None and _own_provider(request.user):
        provider = _own_provider(request.user)
    if provider:
        providers = [provider]
    return communes, commune, hamlets, providers, provider


@requires(VIEW_COVERAGE)
@require_safe
def index(request):
    return render(
        request,
        "telecom/index.html",
        {
            "infrastructure": selectors.infrastructure_figures(),
            "connectivity": selectors.connectivity_figures(),
            "deadline": COVERAGE_DEADLINE,
            "own_provider": _own_provider(request.user),
        },
    )


@requires(VIEW_COVERAGE)
@require_safe
def coverage_matrix(request):
    communes, commune, hamlets, providers, provider = _matrix_filters(request)
    blocks, summaries = selectors.coverage_matrix(hamlets=hamlets, providers=providers)
    editable = set(Provider.objects.editable_by(request.user).values_list("pk", flat=True))
    if not request.user.has_perm("telecom.change_hamletcoverage"):
        editable = set()
    return render(
        request,
        "telecom/coverage_matrix.html",
        {
            "blocks": blocks,
            "summaries": summaries,
            "providers": providers,
            "all_providers": Provider.objects.all(),
            "technologies": Technology.choices,
            "communes": communes,
            "commune": commune,
            "provider": provider,
            "editable": editable,
            "deadline": COVERAGE_DEADLINE,
            "query": request.GET.urlencode(),
            "colspan": 3 * len(providers) + 1,
        },
    )


@requires(VIEW_COVERAGE)
@require_safe
def coverage_export(request):
    _communes, _commune, hamlets, providers, _provider = _matrix_filters(request)
    blocks, _summaries = selectors.coverage_matrix(hamlets=hamlets, providers=providers)
    return xlsx_response(coverage_workbook(blocks, providers), "phu-song-thon-xom.xlsx")


@requires(VIEW_COVERAGE, "telecom.change_hamletcoverage")
@require_http_methods(["GET", "HEAD", "POST"])
def coverage_hamlet(request, hamlet_id: int, provider_code: str):
    hamlet = get_object_or_404(Hamlet.objects.visible_to(request.user).select_related("commune"), pk=hamlet_id)
    # Another provider's rows are not found rather than forbidden, like another commune's.
    provider = get_object_or_404(Provider.objects.editable_by(request.user), code=provider_code)
    current = {row.technology: row for row in HamletCoverage.objects.filter(hamlet=hamlet, provider=provider)}
    form = CoverageForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changes = [
            CoverageChange(
                technology=technology,
                status=form.cleaned_data[f"{technology}_status"],
                planned_on=form.cleaned_data[f"{technology}_planned_on"],
                reason=form.cleaned_data[f"{technology}_reason"],
            )
            for technology in Technology.values
            if form.cleaned_data[f"{technology}_status"]
        ]
        done = run_service(
            request,
            lambda: coverage_set(user=request.user, hamlet=hamlet, provider=provider, changes=changes),
            form=form,
            success_message=_("Coverage of %(hamlet)s by %(provider)s saved.")
            % {"hamlet": hamlet.name, "provider": provider.short_name},
            redirect_to=f"{reverse('telecom:coverage')}?commune={hamlet.commune.code}&provider={provider.code}",
        )
        if done is not None:
            return done
    history = HamletCoverage.history.filter(hamlet_id=hamlet.pk, provider_id=provider.pk).select_related(
        "history_user"
    )[:20]
    return render(
        request,
        "telecom/coverage_hamlet.html",
        {"hamlet": hamlet, "provider": provider, "form": form, "history": history, "deadline": COVERAGE_DEADLINE},
    )


@requires(VIEW_COVERAGE)
@require_safe
def blocked_pupils(request):
    counts = selectors.blocked_pupil_counts()
    by_commune: dict[str, dict] = {}
    for row in counts:
        block = by_commune.setdefault(
            row["commune__code"], {"code": row["commune__code"], "name": row["commune__name"], "rows": [], "total": 0}
        )
        block["rows"].append(row)
        block["total"] += row["pupils"]
    names = None
    # Names are for the roles that may open pupils' records, within their scope.
    if request.user.has_perm("students.view_student"):
        names = Paginator(
            selectors.blocked_pupils(Student.objects.visible_to(request.user))
            .select_related("commune", "hamlet", "school")
            .order_by("commune__code", "hamlet__name", "full_name", "pk"),
            200,
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "telecom/blocked_pupils.html",
        {
            "communes": list(by_commune.values()),
            "total": sum(row["pupils"] for row in counts),
            "without_hamlet": selectors.pupils_without_hamlet_lacking_internet(),
            "names": names,
        },
    )
