"""The photo library: every picture in an article comes from here, with alt, caption, credit."""

import re

from django.conf import settings
from django.core.files.images import get_image_dimensions
from django.db import models, transaction

from articles import signals
from articles.images import enrich_figures, make_renditions, upload_path, validate_image_file
from articles.models.base import NormalizedModel
from articles.sanitize import clean_html
from articles.vietnamese import fold

# "Ảnh: X.T", "ảnh - X.T": a credit typed with the word the caption adds itself.
_CREDIT_WORD = re.compile(r"^\s*ảnh\s*[:\-–]\s*", re.IGNORECASE)


def credit_name(credit: str) -> str:
    return _CREDIT_WORD.sub("", credit or "").strip()


class Image(NormalizedModel):
    file = models.ImageField(
        "tệp ảnh", upload_to=upload_path, validators=[validate_image_file],
        width_field="width", height_field="height",
        help_text="JPEG, PNG, WebP hoặc GIF.",
    )  # fmt: skip
    alt = models.CharField(
        "mô tả ảnh (alt)", max_length=300,
        help_text="Mô tả ngắn nội dung ảnh cho người khiếm thị và máy tìm kiếm.",
    )  # fmt: skip
    caption = models.TextField("chú thích", blank=True)
    credit = models.CharField("tác giả ảnh", max_length=200, blank=True)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = "ảnh"
        verbose_name_plural = "thư viện ảnh"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.caption[:80] or self.alt[:80] or self.file.name

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        stored = image.__dict__.get("file")
        image._stored_file = str(getattr(stored, "name", stored) or "")  # to see a replaced file
        return image

    def save(self, *args, **kwargs):
        self.normalize_text()
        self.credit = credit_name(self.credit)
        self.search_text = fold(" ".join([self.alt, self.caption, self.credit]))
        existed = self.pk is not None and not self._state.adding
        replaced = existed and self._file_replaced()
        if replaced or (self.file and not (self.width and self.height)):
            self.width, self.height = get_image_dimensions(self.file) or (0, 0)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if replaced:
                self.renditions.all().delete()  # their files go with them (apps.py)
            make_renditions(self)  # once: a no-op when this image already has them
            if replaced:
                refresh_bodies_showing(self)
            self._stored_file = str(self.file.name)
            if existed:
                signals.image_changed.send(sender=Image, image=self)

    def _file_replaced(self) -> bool:
        stored = getattr(self, "_stored_file", None)
        return stored is not None and stored != str(self.file.name or "")

    @property
    def credit_line(self) -> str:
        """ "Ảnh: MINH AN", whether or not the credit was typed with its own "Ảnh:"."""
        name = credit_name(self.credit)
        return f"Ảnh: {name}" if name else ""

    @property
    def caption_line(self) -> str:
        """The one caption format, for covers and body figures alike:
        "Lễ khai mạc hội nghị (Ảnh: MINH AN)"."""
        caption, credit = self.caption.strip(), self.credit_line
        if caption and credit:
            return f"{caption} ({credit})"
        return caption or credit

    def rendition_map(self) -> dict:
        """{(width, format): Rendition}, from the prefetch cache when there is one."""
        return {(r.width, r.format): r for r in self.renditions.all()}

    def url_for(self, width: int = 960, fmt: str = "jpg") -> str:
        candidates = sorted(
            (r for (w, f), r in self.rendition_map().items() if f == fmt), key=lambda r: r.width
        )
        for rendition in candidates:
            if rendition.width >= width:
                return rendition.file.url
        return candidates[-1].file.url if candidates else self.file.url


def refresh_bodies_showing(image: Image) -> int:
    """Articles store their body's HTML with each figure's renditions written in: draw it
    again for every article showing `image` (after its file was replaced or deleted)."""
    from articles.models.article import Article

    marker = f'data-file="{image.pk}"'
    count = 0
    for pk, body in Article.objects.filter(body__contains=marker).values_list("pk", "body"):
        Article.objects.filter(pk=pk).update(body_html=clean_html(enrich_figures(body)))
        count += 1
    return count


def image_deleted(sender, instance, **kwargs):
    """A deleted photo leaves the bodies that showed it (covers and pen-name photos are
    cleared by SET_NULL); listeners hear image_changed."""
    refresh_bodies_showing(instance)
    signals.image_changed.send(sender=Image, image=instance)


def rendition_deleted(sender, instance, **kwargs):
    """No file outlives its row (a replaced original's renditions, a deleted photo's)."""
    if instance.file:
        instance.file.delete(save=False)


class Rendition(models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=5)
    file = models.ImageField(upload_to="renditions/%Y/%m/", width_field=None)
    bytes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="rendition_unique_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}px {self.format}"
