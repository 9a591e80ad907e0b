"""The photo library (Thư viện ảnh) and the picker the body editor and cover chooser open.

The picker speaks the CKEditor 4 file-browser protocol that django-prose-editor's Figure
extension uses (editor.js, figure `pickerUrl`): the editor opens
`<pickerUrl>?CKEditorFuncNum=<n>` in a popup and waits for the popup to call
`window.opener.CKEDITOR.tools.callFunction(n, url, data)`. It then puts `url` in the image
field, keeps `String(data.id)` as the image's `data-file`, and pre-fills the alt text from
`data.alternative_text` and the caption from `data.caption`. The image chooser of
widgets.py listens on the same callback with its own function numbers."""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from articles.admin.common import FoldedSearchMixin, folded_search, thumbnail
from articles.images import DEFAULT_WIDTH
from articles.models import Image

PICKER_PAGE_SIZE = 24
# The editor's numbers (negative integers) or a chooser's "chooser-<input id>".
FUNC_NUM = re.compile(r"^(-?[0-9]{1,9}|chooser-[A-Za-z0-9_-]{1,80})$")


def figure_caption(image: Image) -> str:
    """The caption a body figure starts with: the library caption plus the credit, as
    newspapers print it: "Lễ khai mạc hội nghị (Ảnh: MINH AN)"."""
    return image.caption_line


def picker_payload(image: Image) -> dict:
    """What the popup hands back: the editor reads url, id, alternative_text and caption;
    the rest is for the image chooser's preview."""
    return {
        "id": image.pk,
        "url": image.url_for(DEFAULT_WIDTH),
        "alternative_text": image.alt,
        "caption": figure_caption(image),
        "credit": image.credit,
        "thumbnail": image.url_for(480),
    }


class PickerUploadForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit"]
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 2}),
            "alt": forms.TextInput(attrs={"size": 60}),
        }


@admin.register(Image)
class ImageAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["preview", "caption_or_alt", "credit", "size", "uploaded_by", "uploaded_at"]
    list_display_links = ["preview", "caption_or_alt"]
    list_filter = [("uploaded_at", admin.DateFieldListFilter)]
    list_select_related = ["uploaded_by"]
    list_per_page = 40
    fields = ["file", "large_preview", "alt", "caption", "credit", "size", "uploaded_by"]
    readonly_fields = ["large_preview", "size", "uploaded_by"]
    search_help_text = "Tìm theo chú thích, mô tả hoặc tác giả ảnh, gõ có dấu hay không dấu."

    class Media:
        css = {"all": ["admin-newsroom/newsroom.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="ảnh")
    def preview(self, image):
        return thumbnail(image, 96)

    @admin.display(description="xem ảnh")
    def large_preview(self, image):
        return thumbnail(image, 480) if image.pk else "—"

    @admin.display(description="chú thích", ordering="caption")
    def caption_or_alt(self, image):
        return (image.caption or image.alt)[:120]

    @admin.display(description="kích thước")
    def size(self, image):
        return format_html("{} × {} px", image.width, image.height) if image.width else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    # -- the picker ------------------------------------------------------------------------

    def get_urls(self):
        picker = self.admin_site.admin_view(self.picker_view)
        return [path("picker/", picker, name="articles_image_picker"), *super().get_urls()]

    def picker_view(self, request):
        """Search the library or upload a photo, then hand one back to the opener."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        func_num = request.GET.get("CKEditorFuncNum", "")
        if not FUNC_NUM.match(func_num):
            return HttpResponseBadRequest("Thiếu hoặc sai tham số CKEditorFuncNum.")
        may_upload = self.has_add_permission(request)
        form = PickerUploadForm() if may_upload else None
        if request.method == "POST":
            if not may_upload:
                raise PermissionDenied
            form = PickerUploadForm(request.POST, request.FILES)
            if form.is_valid():
                image = form.save(commit=False)
                image.uploaded_by = request.user
                image.save()
                self.log_addition(request, image, [{"added": {}}])
                return self.picker_choice(request, image, func_num)
        elif request.GET.get("choose", "").isdigit():
            image = get_object_or_404(Image, pk=request.GET["choose"])
            return self.picker_choice(request, image, func_num)
        query = request.GET.get("q", "").strip()
        images = folded_search(self.get_queryset(request), query)
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Chọn ảnh từ Thư viện ảnh",
            "opts": self.opts,
            "is_popup": True,
            "func_num": func_num,
            "query": query,
            "page": page,
            "form": form,
            "open_upload": request.method == "POST",
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)

    def picker_choice(self, request, image, func_num):
        """A page whose script calls the opener back with the chosen image and closes."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Đã chọn ảnh",
            "opts": self.opts,
            "is_popup": True,
            "image": image,
            "payload": {"funcNum": func_num, **picker_payload(image)},
        }
        return TemplateResponse(request, "admin/articles/image/picker_choice.html", context)
