from django.urls import path

from telecom.views import coverage, devices, hamlets, offers

app_name = "telecom"

urlpatterns = [
    path("", coverage.index, name="index"),
    path("phu-song/", coverage.coverage_matrix, name="coverage"),
    path("phu-song/phu-song.xlsx", coverage.coverage_export, name="coverage-export"),
    path("phu-song/thon/<int:hamlet_id>/<slug:provider_code>/", coverage.coverage_hamlet, name="coverage-hamlet"),
    path("hoc-sinh-chua-co-song/", coverage.blocked_pupils, name="blocked-pupils"),
    path("thon/", hamlets.hamlet_list, name="hamlets"),
    path("thon/nhap/", hamlets.hamlet_import, name="hamlet-import"),
    path("thon/gop/", hamlets.hamlet_merge_view, name="hamlet-merge"),
    path("goi-cuoc/", offers.offer_list, name="offers"),
    path("goi-cuoc/them/", offers.offer_create, name="offer-create"),
    path("goi-cuoc/tu-cam-ket/<int:line_id>/", offers.offer_create, name="offer-from-pledge"),
    path("goi-cuoc/<int:offer_id>/", offers.offer_detail, name="offer-detail"),
    path("goi-cuoc/<int:offer_id>/sua/", offers.offer_edit, name="offer-edit"),
    path("goi-cuoc/<int:offer_id>/sim.xlsx", offers.sim_export, name="sim-export"),
    path("goi-cuoc/<int:offer_id>/nhap-sim/", offers.sim_upload, name="sim-upload"),
    path("thiet-bi/", devices.device_list, name="devices"),
    path("thiet-bi/<int:device_id>/", devices.device_detail, name="device-detail"),
    path("thiet-bi/<int:device_id>/kiem-tra/", devices.device_inspect, name="device-inspect"),
    path("thiet-bi/sua-chua/<int:inspection_id>/", devices.device_repair, name="device-repair"),
]
