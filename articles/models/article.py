"""The article, its ordered bylines and its workflow log."""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from articles import derived
from articles.images import figure_ids
from articles.models.base import NormalizedModel, url_to
from articles.models.site import SiteSettings, absolute_url
from articles.sanitize import clean_html, trusted_html
from articles.search_index import update_search_vectors
from articles.vietnamese import iso, vn_slugify

# What the editor's toolbar offers; the stored HTML is cleaned by articles.sanitize whatever
# the editor sends, so this list and the cleaner's allowlist agree by construction.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
}


class BodyField(ProseEditorField):
    """Rich text that is cleaned on every way into the database: model save and
    bulk_create (pre_save), queryset update() and loaddata (get_db_prep_save)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": BODY_EXTENSIONS})
        kwargs["sanitize"] = clean_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = clean_html(value)
        return super().get_db_prep_save(value, connection)


class SectionField(models.ForeignKey):
    """The top-level category an article falls under: its category, or that category's
    parent. Kept for the listing indexes (a section page is one index range, however many
    child categories it has) and set on every save and bulk_create from `category`;
    Category.save() updates it when a category moves."""

    def __init__(self, *args, **kwargs):
        kwargs.update(
            null=True, editable=False, related_name="+", on_delete=models.PROTECT, db_index=False
        )
        super().__init__("articles.Category", *args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("null", "editable", "related_name", "on_delete", "to", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        if model_instance.category_id is not None:
            model_instance.section_id = model_instance.category.section_id
        return model_instance.section_id


class ArticleQuerySet(derived.DerivedColumnsQuerySet):
    def published(self, at=None):
        """The one definition of what readers see: published, and its time has come (by
        `at`, now unless told). A future published_at is a scheduled article; no job is
        needed to release it."""
        moment = timezone.now() if at is None else at
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=moment)

    def in_category(self, category):
        """A category page's articles: its own, and its children's when it is a section."""
        if category.parent_id:
            return self.filter(category=category)
        return self.filter(section=category)

    def lean(self):
        """Without the large columns (body, its HTML, search text and vector): a list of
        titles must not carry tens of kilobytes per article from the database."""
        return self.defer(*Article.LARGE_FIELDS)

    def for_listing(self):
        """What list widgets and pages need, in one query plus one prefetch."""
        return (
            self.lean()
            .select_related("category", "category__parent", "cover")
            .prefetch_related("cover__renditions")
        )


def new_public_id() -> str:
    return secrets.token_hex(4)[:7]


class Article(NormalizedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Nháp"
        SUBMITTED = "submitted", "Chờ biên tập"
        EDITING = "editing", "Đang biên tập"
        RETURNED = "returned", "Trả lại"
        PENDING_APPROVAL = "pending_approval", "Chờ duyệt"
        PUBLISHED = "published", "Đã xuất bản"
        UNPUBLISHED = "unpublished", "Đã gỡ"

    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField(
        "đường dẫn", max_length=255, blank=True,
        help_text="Tạo tự động từ tiêu đề; cố định khi xuất bản lần đầu.",
    )  # fmt: skip
    public_id = models.CharField(
        "mã bài", max_length=7, unique=True, editable=False, default=new_public_id
    )
    sapo = models.TextField("sapo", blank=True)
    body = BodyField("nội dung", blank=True)
    body_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        "articles.Category", verbose_name="chuyên mục", on_delete=models.PROTECT,
        related_name="articles",
    )  # fmt: skip
    section = SectionField(verbose_name="chuyên mục gốc")
    topics = models.ManyToManyField(
        "articles.Topic", verbose_name="chủ đề", blank=True, related_name="articles"
    )
    bylines = models.ManyToManyField(
        "articles.Byline", through="ArticleByline", verbose_name="bút danh",
        related_name="articles", blank=True,
    )  # fmt: skip
    cover = models.ForeignKey(
        "articles.Image", verbose_name="ảnh đại diện", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    source = models.CharField("nguồn", max_length=200, blank=True, help_text="Ví dụ: Theo TTXVN")
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "thời gian xuất bản", null=True, blank=True,
        help_text="Thời điểm trong tương lai là hẹn giờ xuất bản.",
    )  # fmt: skip
    first_published_at = models.DateTimeField(
        "xuất bản lần đầu", null=True, blank=True, editable=False
    )
    # Optimistic locking (articles/locking.py): bumped on every save, carried by every form
    # and workflow panel, so a save or a move decided on an older page is refused.
    version = models.PositiveIntegerField("phiên bản số", default=1, editable=False)
    # The last recorded edit of live copy (articles/live_edits.py): "Cập nhật lúc …" for
    # readers and the JSON-LD dateModified. Saves before publication leave it empty.
    edited_at = models.DateTimeField("cập nhật nội dung lúc", null=True, blank=True, editable=False)
    correction_note = models.TextField("đính chính", blank=True, editable=False)
    comments_enabled = models.BooleanField("cho phép phản hồi", default=True)
    is_featured = models.BooleanField("tin nổi bật", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="created_articles", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    search_text = models.TextField(editable=False, blank=True)
    # Weighted tsvector (title A, sapo B, body C) on PostgreSQL; stays NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The same words with their tones (config `simple`), read only to rank the matches.
    search_exact = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    # What ArticleQuerySet.lean() leaves out. The reader page needs only body_html.
    LARGE_FIELDS = ("body", "body_html", "search_text", "search_vector", "search_exact")
    # What a link to the article shows and its address is made of (Các tin khác).
    LINK_FIELDS = ("title", "slug", "public_id", "category", "published_at",
                   "first_published_at", "created_at")  # fmt: skip
    # What no reader page shows: load_relations() leaves them in the database.
    UNSHOWN_FIELDS = frozenset({"body", "search_text", "search_vector", "search_exact"})

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", "Duyệt và xuất bản bài"),
            ("unpublish_article", "Gỡ bài đã xuất bản"),
        ]
        indexes = [
            # published(): status + published_at, newest first (home, feeds, Mới nhất)
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
            # child category pages and Các tin khác: one category's articles by date; section
            # pages likewise. With the id, a page deep in the list is read from the index.
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_idx",
            ),
            models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_idx"
            ),
            # featured block on the home page
            models.Index(
                fields=["is_featured", "status", "-published_at"], name="article_featured_idx"
            ),
        ]

    def __str__(self):
        return self.title

    # -- saving -------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        self.normalize_text()
        self._fill_slug()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.published_at and self.status == self.Status.PUBLISHED:
            if self.first_published_at is None:
                self.first_published_at = self.published_at
        derived.fill(self)
        if not self._state.adding:
            self.version = (self.version or 0) + 1
        if self._state.adding and not kwargs.get("force_update"):
            self._insert_with_fresh_public_id(*args, **kwargs)
        else:
            super().save(*args, **kwargs)

        update_search_vectors(
            type(self).objects.filter(pk=self.pk)
        )  # PostgreSQL: one UPDATE; elsewhere a no-op

    def _fill_slug(self):
        """Follow the title until first publication; afterwards keep the slug unless an
        editor typed a new one (old URLs then 301 to the new one via the public id)."""
        if not self.slug or (self.first_published_at is None and self._slug_is_automatic()):
            self.slug = vn_slugify(self.title, max_length=120) or "bai-viet"
        else:
            self.slug = vn_slugify(self.slug, max_length=120) or "bai-viet"

    def _slug_is_automatic(self) -> bool:
        if self._state.adding or not self.pk:
            return False
        old_title = type(self).objects.filter(pk=self.pk).values_list("title", flat=True).first()
        return old_title is not None and self.slug == vn_slugify(old_title, max_length=120)

    def _insert_with_fresh_public_id(self, *args, attempts: int = 8, **kwargs):
        """The public id is random: on the rare collision, draw again inside a savepoint."""
        for attempt in range(attempts):
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                exists = type(self).objects.filter(public_id=self.public_id).exists()
                if not exists or attempt == attempts - 1:
                    raise
                self.public_id = new_public_id()
                self.pk = None
                self._state.adding = True

    # -- reading ------------------------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def modified_at(self):
        """When readers' copy last changed: a recorded live edit, else publication. Internal
        saves (a workflow move, a featured flag) are not news to readers or search engines."""
        return self.edited_at or self.published_at or self.updated_at

    @property
    def cover_in_body(self) -> bool:
        """The cover is also a figure of the body: the page shows it once, in the body."""
        return bool(self.cover_id) and self.cover_id in figure_ids(self.body_html)

    @property
    def reading_minutes(self) -> int:
        from articles.reading import reading_minutes

        return reading_minutes(self.body_html)

    @property
    def body_markup(self):
        # Cleaned again on the way out: a value written past every save path is never
        # served raw (clean_html is idempotent; the rendered text is cached as a fragment).
        return trusted_html(clean_html(self.body_html))

    @property
    def url_month(self) -> str:
        moment = self.first_published_at or self.published_at or self.created_at or timezone.now()
        return f"{timezone.localtime(moment):%Y%m}"

    def get_absolute_url(self) -> str:
        category = self.category
        slug_id = f"{self.slug}-{self.public_id}"
        if category.parent_id:
            return url_to(
                "reader:child_article",
                category.parent.slug,
                category.slug,
                self.url_month,
                slug_id,
            )
        return url_to("reader:article", category.slug, self.url_month, slug_id)

    def cover_url(self, width: int = 1600) -> str:
        return absolute_url(self.cover.url_for(width)) if self.cover_id else ""

    def opengraph_tags(self) -> list[tuple[str, str]]:
        site = SiteSettings.load()
        url = absolute_url(self.get_absolute_url())
        tags = [
            ("og:type", "article"),
            ("og:site_name", site.masthead_name),
            ("og:locale", "vi_VN"),
            ("og:title", self.title),
            ("og:description", self.sapo),
            ("og:url", url),
            ("article:published_time", iso(self.published_at)),
            ("article:modified_time", iso(self.modified_at)),
            ("article:section", self.category.name),
            ("twitter:card", "summary_large_image" if self.cover_id else "summary"),
            ("twitter:title", self.title),
            ("twitter:description", self.sapo),
        ]
        if self.cover_id:
            image = self.cover_url()
            tags += [
                ("og:image", image),
                ("og:image:alt", self.cover.alt),
                ("twitter:image", image),
            ]
        tags += [("article:tag", topic.name) for topic in self.topics.all()]
        return tags

    def json_ld(self) -> list[dict]:
        """NewsArticle plus BreadcrumbList, with the publisher from SiteSettings."""
        site = SiteSettings.load()
        url = absolute_url(self.get_absolute_url())
        authors = [
            {"@type": "Person", "name": link.byline.name,
             "url": absolute_url(link.byline.get_absolute_url())}
            for link in self.ordered_bylines()
        ]  # fmt: skip
        article = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": self.title[:110],
            "description": self.sapo,
            "datePublished": iso(self.published_at),
            "dateModified": iso(self.modified_at),
            "inLanguage": "vi",
            "articleSection": self.category.name,
            "author": authors or [{"@type": "Organization", "name": site.masthead_name}],
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": site.masthead_name,
                "url": absolute_url("/"),
                "parentOrganization": {"@type": "Organization", "name": site.governing_body},
                "email": site.email,
                "telephone": site.phone,
                "address": site.address_lines[0] if site.address_lines else "",
            },
        }
        if self.cover_id:
            article["image"] = [self.cover_url()]
        crumbs = [("Trang chủ", "/")]
        if self.category.parent_id:
            crumbs.append((self.category.parent.name, self.category.parent.get_absolute_url()))
        crumbs.append((self.category.name, self.category.get_absolute_url()))
        breadcrumb = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(path)}
                for n, (name, path) in enumerate(crumbs, start=1)
            ],
        }
        return [article, breadcrumb]

    def load_relations(self, prefetch: bool = True) -> None:
        """For a page that renders the whole article: the columns a lighter query left out
        (one query), the bylines, topics and the cover with its renditions (four; with
        `prefetch` off the caller loads those for many articles at once). A no-op when they
        are loaded already."""
        # Not the stored body, search text or vectors: pages show body_html, and those
        # columns together weigh several times as much.
        if deferred := self.get_deferred_fields() - self.UNSHOWN_FIELDS:
            self.refresh_from_db(fields=deferred)
        if prefetch:
            self.prefetch_relations([self])

    @staticmethod
    def with_categories(articles) -> list:
        """`articles` with their categories from Category.by_id(), not from a join (one
        seconds old, not in the map yet, loads as usual)."""
        from articles.models.taxonomy import Category

        categories = Category.by_id()
        articles = list(articles)
        for article in articles:
            if (category := categories.get(article.category_id)) is not None:
                article.category = category
        return articles

    @staticmethod
    def prefetch_relations(articles) -> None:
        """load_relations() for many articles at once: four queries for all of them."""
        models.prefetch_related_objects(
            articles,
            "cover__renditions",
            models.Prefetch("byline_links", ArticleByline.objects.select_related("byline")),
            "topics",
        )

    def ordered_bylines(self) -> list:
        """ArticleByline rows in order, from the prefetch cache when present."""
        return sorted(self.byline_links.all(), key=lambda link: link.position)


class ArticleByline(models.Model):
    class Role(models.TextChoices):
        NONE = "", "(không ghi)"
        TIN = "tin", "Tin"
        ANH = "anh", "Ảnh"
        TIN_ANH = "tin_anh", "Tin, ảnh"
        BAI_ANH = "bai_anh", "Bài, ảnh"
        VIDEO = "video", "Video"
        THUC_HIEN = "thuc_hien", "Thực hiện"
        DICH = "dich", "Dịch"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="byline_links")
    byline = models.ForeignKey(
        "articles.Byline", verbose_name="bút danh", on_delete=models.PROTECT,
        related_name="article_links",
    )  # fmt: skip
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "bút danh của bài"
        verbose_name_plural = "bút danh của bài"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "byline"], name="articlebyline_unique")
        ]
        indexes = [
            # byline pages: every article carrying this byline, in any position
            models.Index(fields=["byline", "article"], name="articlebyline_byline_idx"),
        ]

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        """ "Tin, ảnh: HOÀNG VIỆT": the role, then the pen name in capitals."""
        name = self.byline.name.upper()
        return f"{self.get_role_display()}: {name}" if self.role else name
