from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from telecom.views.public import learning_platforms
from vinhtuong_program.core import views as core_views

admin.site.site_header = _("Waves and computers for children — Vĩnh Tường")
admin.site.site_title = _("Programme administration")
admin.site.index_title = _("Programme data")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("can-bo/", core_views.staff_home, name="staff-home"),
    path("can-bo/so-viec-cho.json", core_views.staff_menu_counts, name="staff-menu-counts"),
    path("can-bo/", include("students.urls")),
    path("can-bo/vien-thong/", include("telecom.urls")),
    path("nen-tang-hoc-truc-tuyen/", learning_platforms, name="learning-platforms"),
    path("can-bo/ung-ho/", include("donations.urls")),
    path("can-bo/phan-bo/", include("allocation.urls")),
    path("can-bo/phan-anh/", include("reports.feedback_urls")),
    path("can-bo/bao-cao/", include("reports.urls")),
    path("", include("donations.public_urls")),
    path("", include("reports.public_urls")),
    path("admin/", admin.site.urls),
]
