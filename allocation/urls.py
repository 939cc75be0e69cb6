from allocation.views.urls_handover import urlpatterns as handover_urls
from allocation.views.urls_supports import urlpatterns as supports_urls

app_name = "allocation"
urlpatterns = [*supports_urls, *handover_urls]
