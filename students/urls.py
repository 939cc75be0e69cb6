from django.urls import path

from students.views import communes, guardian, pupils, schools, uploads

app_name = "students"

urlpatterns = [
    path("xa/<str:code>/", communes.commune_detail, name="commune-detail"),
    path("xa/<str:code>/mau-danh-sach/", uploads.template_download, name="template"),
    path("xa/<str:code>/tai-len/", uploads.upload_create, name="upload"),
    path("xa/<str:code>/tai-len/<int:upload_id>/", uploads.upload_detail, name="upload-detail"),
    path("xa/<str:code>/tai-len/<int:upload_id>/tien-do/", uploads.upload_progress, name="upload-progress"),
    path("xa/<str:code>/tai-len/<int:upload_id>/tep-danh-dau/", uploads.upload_annotated, name="upload-annotated"),
    path("hoc-sinh/", pupils.student_list, name="student-list"),
    path("hoc-sinh/xuat-excel/", pupils.student_export, name="student-export"),
    path("hoc-sinh/<int:student_id>/", pupils.student_detail, name="student-detail"),
    path("hoc-sinh/<int:student_id>/sua/", guardian.student_correct, name="student-correct"),
    path("hoc-sinh/<int:student_id>/yeu-cau/", guardian.guardian_requests, name="guardian-requests"),
    path("hoc-sinh/<int:student_id>/ho-so/", guardian.pupil_record, name="pupil-record"),
    path("truong/tai-len/", schools.school_import, name="school-import"),
    path("truong/mau-danh-sach/", schools.school_template_download, name="school-template"),
    path("xac-minh/", pupils.verification, name="verification"),
    path("trung-lap/", pupils.duplicate_review, name="duplicate-review"),
]
