from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from donations.models import Device
from telecom.forms import InspectionForm, RepairForm
from telecom.inspections import (
    devices_awaiting_inspection,
    inspection_record,
    inspections_awaiting_repair,
    repair_record,
)
from telecom.models import DeviceInspection, Provider
from telecom.views.common import requires

VIEW_DEVICES = ("donations.view_device", "telecom.view_deviceinspection")


@requires(*VIEW_DEVICES)
@require_safe
def device_list(request):
    own = DeviceInspection.objects.editable_by(request.user)
    return render(
        request,
        "telecom/device_list.html",
        {
            "awaiting": devices_awaiting_inspection()[:500],
            "awaiting_count": devices_awaiting_inspection().count(),
            "to_repair": inspections_awaiting_repair(own),
            "recent": DeviceInspection.objects.select_related("device", "provider", "inspector", "repaired_by")[:50],
            "can_inspect": request.user.has_perm("telecom.add_deviceinspection")
            and Provider.objects.editable_by(request.user).exists(),
        },
    )


@requires(*VIEW_DEVICES, "telecom.add_deviceinspection")
@require_http_methods(["GET", "HEAD", "POST"])
def device_inspect(request, device_id: int):
    device = get_object_or_404(devices_awaiting_inspection(), pk=device_id)
    providers = Provider.objects.editable_by(request.user)
    if not providers.exists():
        raise PermissionDenied
    form = InspectionForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: inspection_record(
                user=request.user,
                device_id=device.pk,
                provider=form.cleaned_data["provider"],
                result=form.cleaned_data["result"],
                notes=form.cleaned_data["notes"],
                data_wiped=form.cleaned_data["data_wiped"],
            ),
            form=form,
            success_message=_("Inspection of %(device)s recorded.") % {"device": device},
            redirect_to="telecom:devices",
        )
        if done is not None:
            return done
    return render(request, "telecom/device_inspect.html", {"device": device, "form": form})


@requires(*VIEW_DEVICES, "telecom.change_deviceinspection")
@require_http_methods(["GET", "HEAD", "POST"])
def device_repair(request, inspection_id: int):
    inspection = get_object_or_404(
        inspections_awaiting_repair(DeviceInspection.objects.editable_by(request.user)), pk=inspection_id
    )
    form = RepairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: repair_record(
                user=request.user,
                inspection_id=inspection.pk,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                data_wiped=form.cleaned_data["data_wiped"],
            ),
            form=form,
            success_message=_("Repair of %(device)s recorded.") % {"device": inspection.device},
            redirect_to="telecom:devices",
        )
        if done is not None:
            return done
    return render(request, "telecom/device_repair.html", {"inspection": inspection, "form": form})


@requires(*VIEW_DEVICES)
@require_safe
def device_detail(request, device_id: int):
    device = get_object_or_404(Device, pk=device_id)
    return render(
        request,
        "telecom/device_detail.html",
        {
            "device": device,
            "inspections": device.inspections.select_related("provider", "inspector", "repaired_by"),
            "history": device.history.select_related("history_user")[:30],
        },
    )
