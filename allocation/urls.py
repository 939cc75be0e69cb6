"""Staff pages of the allocation, mounted at /can-bo/phan-bo/ (namespace "allocation")."""

from allocation.views.urls_handover import urlpatterns as handover_urls

app_name = "allocation"

urlpatterns = [*handover_urls]
