"""Shared model behaviour: NFC text on save, and slugs that never collide or break links."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from articles.vietnamese import nfc, vn_slugify


@functools.lru_cache(maxsize=8192)
def url_to(name: str, *args: str) -> str:
    """reverse() for the get_absolute_url() methods, remembered: the URLconf is fixed for the
    life of a process, and a reader page asks for the same few URLs again and again."""
    return reverse(name, args=args)


class NormalizedModel(models.Model):
    """Every text field is stored NFC: pasted text is often NFD and would not match."""

    class Meta:
        abstract = True

    def normalize_text(self) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(value))

    def save(self, *args, **kwargs):
        self.normalize_text()
        super().save(*args, **kwargs)


class SlugRedirect(models.Model):
    """An old slug of a category, topic or byline, kept so old links answer 301."""

    model = models.CharField(max_length=40)
    old_slug = models.SlugField(max_length=200)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "old_slug"], name="slugredirect_unique_old")
        ]

    def __str__(self):
        return f"{self.model}:{self.old_slug} -> {self.target_id}"


def unique_slug(model, base: str, *, exclude_pk=None, reserved=frozenset()) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free. One query whatever the count."""
    base = base or "muc"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken |= set(reserved)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class SluggedModel(NormalizedModel):
    """Name plus a unique ASCII slug made on the server. A clash gets a suffix, never an error;
    a rename moves the slug and remembers the old one."""

    name = models.CharField("tên", max_length=200)
    slug = models.SlugField(
        "đường dẫn", max_length=200, unique=True, blank=True,
        help_text="Để trống để tạo tự động từ tên (không dấu, đ → d).",
    )  # fmt: skip

    # Relations a page needs along with the object found by its slug.
    lookup_related: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @classmethod
    def reserved_slugs(cls) -> frozenset[str]:
        return frozenset()

    def clean(self):
        super().clean()
        if self.slug and self.slug in self.reserved_slugs():
            raise ValidationError(
                {"slug": f"Đường dẫn “{self.slug}” trùng với một địa chỉ của hệ thống."}
            )

    def save(self, *args, **kwargs):
        self.normalize_text()
        reserved = self.reserved_slugs()
        if self.slug and self.slug in reserved:
            raise ValidationError(
                {"slug": f"Đường dẫn “{self.slug}” trùng với một địa chỉ của hệ thống."}
            )
        old = None
        if self.pk:
            old = type(self).objects.filter(pk=self.pk).values("name", "slug").first()
        if old and self.slug == old["slug"] and self.name != old["name"]:
            if old["slug"] == unique_slug(type(self), vn_slugify(old["name"]), exclude_pk=self.pk):
                self.slug = ""  # the slug was made from the old name: follow the rename
        if not self.slug:
            self.slug = unique_slug(
                type(self), vn_slugify(self.name), exclude_pk=self.pk, reserved=reserved
            )
        elif type(self).objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
            self.slug = unique_slug(type(self), self.slug, exclude_pk=self.pk, reserved=reserved)
        super().save(*args, **kwargs)
        if old and old["slug"] != self.slug:
            label = self._meta.model_name
            SlugRedirect.objects.update_or_create(
                model=label, old_slug=old["slug"], defaults={"target_id": self.pk}
            )
            SlugRedirect.objects.filter(model=label, old_slug=self.slug).delete()

    @classmethod
    def by_slug_or_redirect(cls, slug: str):
        """(object, moved): the object with this slug, or the one that used to have it."""
        objects = cls.objects.select_related(*cls.lookup_related)
        obj = objects.filter(slug=slug).first()
        if obj is not None:
            return obj, False
        target = SlugRedirect.objects.filter(model=cls._meta.model_name, old_slug=slug).first()
        if target is None:
            return None, False
        return objects.filter(pk=target.target_id).first(), True
