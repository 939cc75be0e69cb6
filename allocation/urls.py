from allocation.views.urls_supports import urlpatterns as supports_urls

app_name = "allocation"
urlpatterns = [*supports_urls]
