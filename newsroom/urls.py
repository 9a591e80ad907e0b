from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    def serve_media(request, path):
        # MEDIA_ROOT is read per request: tests point it at a temporary folder.
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns = [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media), *urlpatterns]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
