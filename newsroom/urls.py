from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path


def moved_admin(request, model, rest):
    """The comment queue moved from the articles app to its own: old bookmarks follow."""
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/comments/{model}/{rest}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(target)


urlpatterns = [
    re_path(r"^admin/articles/(?P<model>comment|moderationword)/(?P<rest>.*)$", moved_admin),
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("reader.urls")),  # last: category paths take whatever is left
]

if settings.SERVE_MEDIA:
    from django.views.static import serve

    def serve_media(request, path):
        # MEDIA_ROOT is read per request: tests point it at a temporary folder.
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns = [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media), *urlpatterns]

handler404 = "reader.views.page_not_found"
handler500 = "newsroom.outage.server_error"
