from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("binh-luan/<str:public_id>/", views.post_comment, name="post"),
]
