"""Staff pages under /can-bo/ung-ho/: pledges, intake, receiving, ledger, inventory, letters, exports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms_flow import run_service
from common.request_deadline import Deadline
from donations import confirmation, importing, inventory, ledger, letters, marked_up, pledges, selectors
from donations.forms import (
    CancelLineForm,
    DeviceEditForm,
    DeviceFilterForm,
    DeviceStatusForm,
    ImportForm,
    LineForm,
    PledgeFilterForm,
    ReceiptForm,
    ReceiveDevicesForm,
    SpendingForm,
    StaffPledgeForm,
)
from donations.models import Device, Pledge, PledgeLine
from donations.resources import DeviceResource, PledgeLineResource, xlsx_bytes
from donations.tasks import donation_marked_up_build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _perm(codename: str):
    def decorate(view):
        return login_required(permission_required(f"donations.{codename}", raise_exception=True)(view))

    return decorate


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_perm("view_pledge")
@require_safe
def pledge_list(request: HttpRequest) -> HttpResponse:
    filters = PledgeFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.pledges_for_list(
        search=criteria.get("q", ""),
        kind=criteria.get("kind", ""),
        status=criteria.get("status", ""),
        donor_kind=criteria.get("donor_kind", ""),
        awaiting_confirmation=request.GET.get("confirmation") == "waiting",
    )
    if request.GET.get("format") == "xlsx":
        lines = [line for pledge in rows for line in pledge.lines.all()]
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx(xlsx_bytes(PledgeLineResource(), lines, "Ung ho"), f"ung-ho-{stamp}.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "donations/staff/pledge_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@_perm("add_pledge")
@require_http_methods(["GET", "POST"])
def pledge_new(request: HttpRequest) -> HttpResponse:
    form = StaffPledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: pledges.pledge_create(
                donor=form.donor_data(),
                lines=form.cleaned_data["lines"],
                channel=Pledge.Channel.STAFF,
                earmark_commune=form.cleaned_data.get("earmark_commune"),
                earmark_school=form.cleaned_data.get("earmark_school"),
                note=form.cleaned_data.get("note", ""),
                created_by=request.user,
            ),
            form=form,
            success_message=lambda pledge: _("Pledge %(code)s saved.") % {"code": pledge.reference_code},
            redirect_to=lambda pledge: reverse("donations:pledge-detail", kwargs={"code": pledge.reference_code}),
        )
        if done is not None:
            return done
    return render(request, "donations/staff/pledge_new.html", {"form": form})


def _pledge(code: str) -> Pledge:
    return get_object_or_404(
        Pledge.objects.select_related("donor", "earmark_commune", "earmark_school"), reference_code=code
    )


def _detail_context(pledge: Pledge, **overrides) -> dict:
    return {
        "pledge": pledge,
        "lines": selectors.lines_with_received(pledge),
        "devices": pledge.devices.order_by("pk"),
        "line_form": LineForm(),
        "blank_receive_form": ReceiveDevicesForm(),
        "blank_receipt_form": ReceiptForm(),
        **overrides,
    }


@_perm("view_pledge")
@require_safe
def pledge_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "donations/staff/pledge_detail.html", _detail_context(_pledge(code)))


def _line(code: str, line_id: int) -> PledgeLine:
    return get_object_or_404(PledgeLine.objects.select_related("pledge"), pk=line_id, pledge__reference_code=code)


def _redisplay(request, pledge, **overrides) -> HttpResponse:
    return render(request, "donations/staff/pledge_detail.html", _detail_context(pledge, **overrides), status=400)


@_perm("add_pledgeline")
@require_POST
def line_add(request: HttpRequest, code: str) -> HttpResponse:
    pledge = _pledge(code)
    form = LineForm(request.POST)
    if not form.is_valid():
        return _redisplay(request, pledge, line_form=form, open_form="line")
    pledges.line_add(pledge=pledge, data=form.line_data())
    messages.success(request, _("Line added."))
    return redirect("donations:pledge-detail", code=code)


@_perm("change_pledgeline")
@require_POST
def line_cancel(request: HttpRequest, code: str, line_id: int) -> HttpResponse:
    line = _line(code, line_id)
    form = CancelLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the line is cancelled."))
        return redirect("donations:pledge-detail", code=code)
    pledges.line_cancel(line=line, reason=form.cleaned_data["reason"])
    messages.success(request, _("Line cancelled."))
    return redirect("donations:pledge-detail", code=code)


@_perm("change_pledge")
@require_POST
def pledge_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Staff confirm a public-form pledge after calling the donor; from then on it counts publicly."""
    pledge = _pledge(code)
    back = reverse("donations:pledge-detail", kwargs={"code": code})
    return run_service(
        request,
        lambda: confirmation.pledge_confirm(pledge_id=pledge.pk, by=request.user),
        success_message=_("Pledge confirmed: it now counts on the public page and in the report."),
        redirect_to=back,
        error_redirect_to=back,
    )


@_perm("change_pledgeline")
@require_POST
def line_confirm(request: HttpRequest, code: str, line_id: int) -> HttpResponse:
    line = _line(code, line_id)
    back = reverse("donations:pledge-detail", kwargs={"code": code})
    return run_service(request, lambda: pledges.telecom_confirm(line=line), redirect_to=back, error_redirect_to=back)


@_perm("add_device")
@require_POST
def devices_receive(request: HttpRequest, code: str, line_id: int) -> HttpResponse:
    line = _line(code, line_id)
    form = ReceiveDevicesForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: pledges.devices_receive(
                line=line,
                count=form.cleaned_data["count"],
                received_on=form.cleaned_data["received_on"],
                serials=form.cleaned_data["serials"],
                brand_model=form.cleaned_data["brand_model"],
                storage_place=form.cleaned_data["storage_place"],
                received_by=request.user,
            ),
            form=form,
            success_message=lambda devices: _("%(n)s device(s) added to the inventory.") % {"n": len(devices)},
            redirect_to=reverse("donations:pledge-detail", kwargs={"code": code}),
        )
        if done is not None:
            return done
    return _redisplay(request, line.pledge, receive_form=form, receive_line=line.pk)


@_perm("add_cashreceipt")
@require_POST
def receipt_add(request: HttpRequest, code: str, line_id: int) -> HttpResponse:
    line = _line(code, line_id)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: ledger.receipt_record(
                received_on=form.cleaned_data["received_on"],
                amount_vnd=form.cleaned_data["amount_vnd"],
                payer=form.cleaned_data["payer"],
                bank_reference=form.cleaned_data["bank_reference"],
                pledge_line=line,
                note=form.cleaned_data["note"],
                recorded_by=request.user,
            ),
            form=form,
            success_message=_("Receipt recorded."),
            redirect_to=reverse("donations:pledge-detail", kwargs={"code": code}),
        )
        if done is not None:
            return done
    return _redisplay(request, line.pledge, receipt_form=form, receipt_line=line.pk)


@_perm("view_pledge")
@require_safe
def thank_you_letter(request: HttpRequest, code: str) -> HttpResponse:
    pledge = _pledge(code)
    content = letters.thank_you_docx(pledge)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="thu-cam-on-{pledge.reference_code}.docx"'
    return response


@_perm("view_cashreceipt")
@require_http_methods(["GET", "POST"])
def ledger_page(request: HttpRequest) -> HttpResponse:
    receipt_form, spending_form = ReceiptForm(prefix="r"), SpendingForm(prefix="s")
    status = 200
    if request.method == "POST":
        which = request.POST.get("entry")
        if which == "receipt" and request.user.has_perm("donations.add_cashreceipt"):
            receipt_form = ReceiptForm(request.POST, prefix="r")
            if receipt_form.is_valid():
                d = receipt_form.cleaned_data
                done = run_service(
                    request,
                    lambda: ledger.receipt_record(
                        received_on=d["received_on"],
                        amount_vnd=d["amount_vnd"],
                        payer=d["payer"],
                        bank_reference=d["bank_reference"],
                        pledge_line=d["pledge_line"],
                        note=d["note"],
                        recorded_by=request.user,
                    ),
                    form=receipt_form,
                    success_message=_("Receipt recorded."),
                    redirect_to="donations:ledger",
                )
                if done is not None:
                    return done
        elif which == "spending" and request.user.has_perm("donations.add_spending"):
            spending_form = SpendingForm(request.POST, prefix="s")
            if spending_form.is_valid():
                d = spending_form.cleaned_data
                done = run_service(
                    request,
                    lambda: ledger.spending_record(
                        spent_on=d["spent_on"],
                        category=d["category"],
                        description=d["description"],
                        supplier=d["supplier"],
                        invoice_number=d["invoice_number"],
                        amount_vnd=d["amount_vnd"],
                        device_type=d["device_type"],
                        quantity=d["quantity"],
                        storage_place=d["storage_place"],
                        recorded_by=request.user,
                    ),
                    form=spending_form,
                    success_message=_("Spending recorded."),
                    redirect_to="donations:ledger",
                )
                if done is not None:
                    return done
        else:
            return HttpResponse(status=403)
        status = 400
    rows = ledger.ledger_rows()
    return render(
        request,
        "donations/staff/ledger.html",
        {
            "rows": rows,
            "received": ledger.total_received(),
            "spent": ledger.total_spent(),
            "balance": ledger.balance(),
            "receipt_form": receipt_form,
            "spending_form": spending_form,
        },
        status=status,
    )


@_perm("view_pledge")
@require_safe
def reconciliation(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/staff/reconciliation.html", selectors.reconciliation())


@_perm("view_device")
@require_safe
def device_list(request: HttpRequest) -> HttpResponse:
    filters = DeviceFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    devices = selectors.devices_for_list(
        search=criteria.get("q", ""),
        device_type=criteria.get("device_type", ""),
        status=criteria.get("status", ""),
        condition=criteria.get("condition", ""),
    )
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx(xlsx_bytes(DeviceResource(), devices, "Thiet bi"), f"thiet-bi-{stamp}.xlsx")
    page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "donations/staff/device_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@_perm("view_device")
@require_http_methods(["GET", "POST"])
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.select_related("pledge_line__pledge__donor", "purchase"), pk=pk)
    edit_form = DeviceEditForm(
        initial={"serial": device.serial, "brand_model": device.brand_model, "storage_place": device.storage_place}
    )
    manual = [(s, Device.Status(s).label) for s in inventory.manual_transitions(device.status)]
    status_form = DeviceStatusForm(initial={"status": device.status})
    status_form.fields["status"].choices = manual
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("donations.change_device"):
            return HttpResponse(status=403)
        if request.POST.get("action") == "status":
            status_form = DeviceStatusForm(request.POST)
            status_form.fields["status"].choices = manual
            if status_form.is_valid():
                done = run_service(
                    request,
                    lambda: inventory.device_status_change(
                        device_id=device.pk,
                        status=status_form.cleaned_data["status"],
                        reason=status_form.cleaned_data["reason"],
                    ),
                    form=status_form,
                    success_message=_("Status changed."),
                    redirect_to=reverse("donations:device-detail", kwargs={"pk": pk}),
                )
                if done is not None:
                    return done
        else:
            edit_form = DeviceEditForm(request.POST)
            if edit_form.is_valid():
                done = run_service(
                    request,
                    lambda: pledges.device_set_serial(device=device, **edit_form.cleaned_data),
                    form=edit_form,
                    success_message=_("Device saved."),
                    redirect_to=reverse("donations:device-detail", kwargs={"pk": pk}),
                )
                if done is not None:
                    return done
        status = 400
    return render(
        request,
        "donations/staff/device_detail.html",
        {
            "device": device,
            "edit_form": edit_form,
            "status_form": status_form,
            "can_move": bool(manual),
            "history": device.history.order_by("-history_date")[:20],
        },
        status=status,
    )


@_perm("add_pledge")
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Bulk intake of a donation list, all or nothing, bounded in rows and time; the errors are listed row by row.

    The list back with its wrong cells marked is made by the background worker (donations/marked_up.py).
    """
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importing.import_file(
            upload,
            upload.name,
            user=request.user,
            max_rows=settings.REQUEST_IMPORT_MAX_ROWS,
            max_devices=settings.REQUEST_IMPORT_MAX_DEVICES,
            deadline=Deadline(),
        )
        for notice in result.table.notices if result.table else []:
            messages.info(request, notice)
        if result.ok:
            messages.success(
                request,
                _("%(pledges)s pledges imported; %(devices)s devices and %(receipts)s receipts recorded.")
                % {"pledges": result.pledges, "devices": result.devices, "receipts": result.receipts},
            )
            return redirect("donations:pledge-list")
        if result.errors and form.cleaned_data["annotated"]:
            token = marked_up.marked_up_open(file=upload, filename=upload.name, user_id=request.user.pk)
            transaction.on_commit(lambda: donation_marked_up_build.enqueue(request.user.pk, token))
            context["marked_up_url"] = reverse("donations:import-marked-up", args=[token])
        context.update(file_error=result.file_error, errors=result.error_dicts(), error_count=len(result.errors))
        status = 400
    return render(request, "donations/staff/import.html", context, status=status)


@_perm("add_pledge")
@require_safe
def import_marked_up(request: HttpRequest, token: str) -> HttpResponse:
    """The list with its wrong cells marked once the worker has made it; until then, a page that waits for it."""
    job = marked_up.marked_up_state(user_id=request.user.pk, token=token)
    if job is None:
        raise Http404
    if job["state"] == marked_up.READY:
        file = open(job["path"], "rb")  # noqa: SIM115  (FileResponse closes it once sent)
        response = FileResponse(file, as_attachment=True, filename=marked_up.MARKED_UP_NAME)
        response["Content-Type"] = XLSX
        return response
    return render(request, "donations/staff/import_marked_up.html", {"job": job})
