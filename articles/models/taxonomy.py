"""Where an article belongs and who wrote it: categories, topics and bylines (pen names)."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import URLResolver, get_resolver

from articles import lookups, signals
from articles.models.base import SluggedModel, url_to

# Never a category, whether or not a route uses them today.
ALWAYS_RESERVED = frozenset({"home", "print", "static", "media", "admin"})
_PATTERN_CHARS = set("<([?*+\\$")


@cache
def route_prefixes() -> frozenset[str]:
    """Every literal first path segment of the URLconf (tac-gia, chu-de, rss, admin, ...).
    A category with one of these slugs would be shadowed by that route."""
    prefixes = set()
    pending = list(get_resolver().url_patterns)
    while pending:
        pattern = pending.pop()
        head = str(pattern.pattern).lstrip("^/").split("/", 1)[0]
        if not head and isinstance(pattern, URLResolver):
            pending.extend(pattern.url_patterns)  # include() mounted at the root
        elif head and not (_PATTERN_CHARS & set(head)):
            prefixes.add(head)
    return frozenset(prefixes) | ALWAYS_RESERVED


class Category(SluggedModel):
    parent = models.ForeignKey(
        "self", verbose_name="chuyên mục cha", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )  # fmt: skip
    position = models.PositiveIntegerField("thứ tự", default=0)
    show_in_menu = models.BooleanField("hiện trên menu", default=True)
    description = models.TextField("mô tả", blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="biên tập viên phụ trách", blank=True,
        related_name="edited_categories",
    )  # fmt: skip

    lookup_related = ("parent",)

    class Meta:
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"
        ordering = ["position", "name"]
        indexes = [
            # the menu: top-level categories in order, then their children
            models.Index(fields=["parent", "position"], name="category_menu_idx"),
        ]

    @classmethod
    def reserved_slugs(cls) -> frozenset[str]:
        return route_prefixes()

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "Chuyên mục không thể là cha của chính nó."})
            if self.parent.parent_id:
                raise ValidationError({"parent": "Chuyên mục chỉ có hai cấp."})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": "Chuyên mục này đã có chuyên mục con nên không thể làm mục con."}
                )

    def save(self, *args, **kwargs):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Chuyên mục chỉ có hai cấp."})
        moved = (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk).exclude(parent=self.parent_id).exists()
        )
        with transaction.atomic():
            super().save(*args, **kwargs)
            if moved:  # its articles now fall under another section
                self.articles.update(section_id=self.section_id)
                signals.category_moved.send(sender=type(self), category=self)

    @classmethod
    def by_id(cls) -> dict[int, "Category"]:
        """Every category, each with its parent attached, kept per site generation: a reader
        page takes its article's category from here instead of joining it in. The objects
        are shared by every request of the process; pages only read them."""

        def build():
            rows = {category.pk: category for category in cls.objects.all()}
            for category in rows.values():
                if category.parent_id:
                    category.parent = rows[category.parent_id]
            return rows

        return lookups.remembered("categories", build)

    @property
    def section_id(self) -> int | None:
        """The top-level category this one belongs to (itself when it is one)."""
        return self.parent_id or self.pk

    @property
    def path(self) -> str:
        """ "chinh-tri" or "chinh-tri/doi-ngoai": the URL prefix of its articles."""
        return f"{self.parent.slug}/{self.slug}" if self.parent_id else self.slug

    def get_absolute_url(self) -> str:
        if self.parent_id:
            return url_to("reader:child_category", self.parent.slug, self.slug)
        return url_to("reader:category", self.slug)


class Topic(SluggedModel):
    """Chủ đề: a running theme across categories."""

    description = models.TextField("giới thiệu", blank=True)
    show_on_home = models.BooleanField("hiện ở trang chủ", default=False)
    position = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "chủ đề"
        verbose_name_plural = "chủ đề"
        ordering = ["position", "name"]

    def get_absolute_url(self) -> str:
        return url_to("reader:topic", self.slug)


class Byline(SluggedModel):
    """Bút danh: a pen name. One staff member may own several; contributors own none;
    a group ("Nhóm phóng viên") is a byline too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="bylines",
    )  # fmt: skip
    bio = models.TextField("giới thiệu", blank=True)
    photo = models.ForeignKey(
        "articles.Image", verbose_name="ảnh", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    lookup_related = ("photo",)

    class Meta:
        verbose_name = "bút danh"
        verbose_name_plural = "bút danh"
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return url_to("reader:byline", self.slug)
