"""A photo chooser for foreign keys to the photo library (article cover, byline photo)."""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Image

# The picker hands its choice back through the CKEditor 4 callback (see media.py). The
# editor's function numbers count down from -1; ours name the input they fill.
CHOOSER_PREFIX = "chooser-"


class ImageChooserWidget(forms.TextInput):
    """The image id in a small text box, a preview, and buttons that open the library
    picker. Without JavaScript the id can still be typed, like a raw-id field."""

    # Rendered by the project's template engine around the plain text input: the form
    # renderer only searches app and form template folders, not templates/.
    chooser_template = "admin/newsroom/image_chooser.html"

    class Media:
        js = ["admin-newsroom/chooser.js"]
        css = {"all": ["admin-newsroom/newsroom.css"]}

    def __init__(self, attrs=None):
        super().__init__({"class": "vForeignKeyRawIdAdminField", "size": 8, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        image = None
        if value not in (None, "") and str(value).isdigit():
            image = Image.objects.filter(pk=value).prefetch_related("renditions").first()
        func_num = CHOOSER_PREFIX + ((attrs or {}).get("id") or name)
        context = {
            "input": super().render(name, value, attrs, renderer),
            "image": image,
            "thumbnail": image.url_for(480) if image else "",
            "func_num": func_num,
            "picker_url": f"{reverse('admin:articles_image_picker')}?CKEditorFuncNum={func_num}",
        }
        return render_to_string(self.chooser_template, context)
