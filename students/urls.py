from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("xa/<str:code>/", views.commune_detail, name="commune-detail"),
]
