from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("binh-luan/ma-trinh-duyet/", views.browser_token_view, name="browser_token"),
    path("binh-luan/huy-thong-bao/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("binh-luan/<str:public_id>/", views.post_comment, name="post"),
]
