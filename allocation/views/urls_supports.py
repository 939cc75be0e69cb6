"""URLs of the run, supports, settings and commune summary pages (handover pages have their own list)."""

from django.urls import path

from allocation.views import communes, run, supports

urlpatterns = [
    path("", run.run_page, name="run"),
    path("ho-tro/", supports.support_list, name="support-list"),
    path("ho-tro/duyet/", supports.approve_many, name="approve-many"),
    path("ho-tro/<int:support_id>/", supports.support_detail, name="support-detail"),
    path("ho-tro/<int:support_id>/duyet/", supports.approve_one, name="approve-one"),
    path("ho-tro/<int:support_id>/doi/", supports.support_change, name="support-change"),
    path("ho-tro/<int:support_id>/rut/", supports.support_withdraw, name="support-withdraw"),
    path("ho-tro/<int:support_id>/cho-ho-tro-lai/", supports.support_release, name="support-release"),
    path("hoc-sinh/<int:student_id>/ho-tro-moi/", supports.support_create, name="support-create"),
    path("cai-dat/", run.settings_page, name="settings"),
    path("xa/<str:code>/tong-hop/", communes.commune_summary, name="commune-summary"),
]
