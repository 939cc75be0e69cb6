from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from donations.models import PledgeLine
from students.privacy import ExportKind, export_record
from telecom import selectors
from telecom.exports import workbook_bytes
from telecom.forms import OfferForm, SpreadsheetUploadForm
from telecom.models import CHANGE_ANY_PROVIDER, ConnectivityOffer, SimAssignment
from telecom.offers import offer_from_pledge, offer_save
from telecom.sim_sheets import sim_import, sim_workbook
from telecom.views.common import requires, xlsx_response

VIEW_OFFERS = "telecom.view_connectivityoffer"


@requires(VIEW_OFFERS)
@require_safe
def offer_list(request):
    offers = selectors.offers_with_usage()
    editable = set(ConnectivityOffer.objects.editable_by(request.user).values_list("pk", flat=True))
    pledges = None
    if request.user.has_perm(CHANGE_ANY_PROVIDER) and request.user.has_perm("telecom.add_connectivityoffer"):
        pledges = (
            PledgeLine.objects.filter(kind=PledgeLine.Kind.TELECOM, cancelled=False, connectivity_offers__isnull=True)
            .select_related("pledge__donor")
            .order_by("pledge__pledged_at", "pk")
        )
    return render(
        request,
        "telecom/offer_list.html",
        {
            "offers": offers,
            "editable": editable,
            "pledges": pledges,
            "can_add": request.user.has_perm("telecom.add_connectivityoffer"),
        },
    )


def _save_offer(request, form, offer=None, *, pledge=None):
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        if pledge is not None:
            fields.pop("pledge_line")
            return offer_from_pledge(user=request.user, pledge_line=pledge, **fields)
        return offer_save(user=request.user, offer=offer, **fields)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
    return None


@requires(VIEW_OFFERS, "telecom.add_connectivityoffer")
@require_http_methods(["GET", "HEAD", "POST"])
def offer_create(request, line_id: int | None = None):
    pledge = None
    initial = {}
    if line_id is not None:
        if not request.user.has_perm(CHANGE_ANY_PROVIDER):
            raise PermissionDenied
        pledge = get_object_or_404(
            PledgeLine.objects.select_related("pledge__donor"),
            pk=line_id,
            kind=PledgeLine.Kind.TELECOM,
            cancelled=False,
        )
        initial = {
            "pledge_line": pledge,
            "name": pledge.offer[:200],
            "notes": pledge.offer,
            "capacity": pledge.quantity,
            "months": pledge.months,
        }
    form = OfferForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        offer = _save_offer(request, form, pledge=pledge)
        if offer is not None:
            messages.success(request, _("Offer “%(name)s” saved.") % {"name": offer.name})
            return redirect("telecom:offer-detail", offer.pk)
    return render(request, "telecom/offer_form.html", {"form": form, "pledge": pledge})


@requires(VIEW_OFFERS, "telecom.change_connectivityoffer")
@require_http_methods(["GET", "HEAD", "POST"])
def offer_edit(request, offer_id: int):
    offer = get_object_or_404(ConnectivityOffer.objects.editable_by(request.user), pk=offer_id)
    form = OfferForm(request.POST or None, instance=offer, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_offer(request, form, offer)
        if saved is not None:
            messages.success(request, _("Offer “%(name)s” saved.") % {"name": saved.name})
            return redirect("telecom:offer-detail", saved.pk)
    return render(request, "telecom/offer_form.html", {"form": form, "offer": offer})


def _own_offer(request, offer_id: int) -> ConnectivityOffer:
    """An offer whose places the user may see in detail: their own provider's (or any, for the office)."""
    return get_object_or_404(
        selectors.offers_with_usage(ConnectivityOffer.objects.editable_by(request.user)), pk=offer_id
    )


@requires(VIEW_OFFERS)
@require_safe
def offer_detail(request, offer_id: int):
    offer = get_object_or_404(selectors.offers_with_usage(), pk=offer_id)
    own = ConnectivityOffer.objects.editable_by(request.user).filter(pk=offer.pk).exists()
    assignments = None
    if own:
        assignments = (
            SimAssignment.objects.filter(offer=offer)
            .without_proposals()
            .select_related("student__school", "student__hamlet", "student__commune")
            .order_by("pk")
        )
    return render(
        request,
        "telecom/offer_detail.html",
        {"offer": offer, "own": own, "assignments": assignments, "upload_form": SpreadsheetUploadForm()},
    )


@requires(VIEW_OFFERS, "telecom.view_simassignment")
@require_safe
def sim_export(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    workbook = sim_workbook(offer)
    # The operator needs the guardian's name and phone to activate the SIM; the copy is recorded.
    export_record(user=request.user, kind=ExportKind.SIM_LIST, row_count=workbook.active.max_row - 1, offer=offer.pk)
    return xlsx_response(workbook_bytes(workbook), f"sim-goi-{offer.pk}.xlsx")


@requires(VIEW_OFFERS, "telecom.change_simassignment")
@require_http_methods(["POST"])
def sim_upload(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    form = SpreadsheetUploadForm(request.POST, request.FILES)
    errors: list[dict] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = sim_import(offer=offer, file=upload, filename=upload.name)
        for notice in result.notices:
            messages.info(request, notice)
        if result.ok:
            messages.success(
                request,
                _("%(updated)s places updated, %(unchanged)s unchanged.")
                % {"updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("telecom:offer-detail", offer.pk)
        errors = result.errors
    return render(
        request,
        "telecom/sim_upload_errors.html",
        {"offer": offer, "form": form, "errors": errors},
        status=400,
    )
