"""The legal masthead (Luật Báo chí, Điều 46) and the admin-managed website links."""

from django.conf import settings
from django.db import models

from articles import lookups
from articles.models.base import NormalizedModel


class SiteSettings(NormalizedModel):
    """One row. Every page shows the masthead; the home page's foot shows the whole block."""

    masthead_name = models.CharField("tên báo", max_length=200, default="Báo Mẫu")
    tagline = models.CharField("khẩu hiệu", max_length=200, blank=True)
    governing_body = models.CharField("cơ quan chủ quản", max_length=300, blank=True)
    domain = models.CharField(
        "tên miền", max_length=200, default="localhost:8000",
        help_text="Không có http://, ví dụ baomau.vn",
    )  # fmt: skip
    license_no = models.CharField("số giấy phép", max_length=200, blank=True)
    license_date = models.CharField("ngày cấp", max_length=100, blank=True)
    license_issuer = models.CharField("nơi cấp", max_length=200, blank=True)
    addresses = models.TextField("địa chỉ", blank=True, help_text="Mỗi địa chỉ một dòng.")
    phone = models.CharField("điện thoại", max_length=100, blank=True)
    fax = models.CharField("fax", max_length=100, blank=True)
    email = models.EmailField("email", blank=True)
    hotline = models.CharField("đường dây nóng", max_length=100, blank=True)
    editor_in_chief = models.CharField("Tổng Biên tập", max_length=200, blank=True)
    deputy_editors = models.TextField(
        "Phó Tổng Biên tập", blank=True, help_text="Mỗi người một dòng."
    )
    copyright_line = models.CharField("dòng bản quyền", max_length=300, blank=True)
    tkts_may_publish = models.BooleanField(
        "Thư ký tòa soạn được xuất bản", default=False,
        help_text="Khi bật, Thư ký tòa soạn được duyệt và xuất bản bài.",
    )  # fmt: skip
    most_read_days = models.PositiveSmallIntegerField("Đọc nhiều: số ngày", default=7)
    comments_close_after_days = models.PositiveSmallIntegerField(
        "đóng phản hồi sau (ngày)", default=30, help_text="0 = không tự đóng."
    )
    comments_post_moderation = models.BooleanField(
        "hậu kiểm phản hồi", default=False,
        help_text=(
            "Đăng ngay phản hồi của người đã có phản hồi được duyệt, trừ khi có luật giữ lại."
        ),
    )  # fmt: skip
    comments_hold_without_diacritics = models.BooleanField(
        "giữ phản hồi viết không dấu", default=True
    )

    class Meta:
        verbose_name = "thông tin tòa soạn"
        verbose_name_plural = "thông tin tòa soạn"

    def __str__(self):
        return self.masthead_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)  # the post_save signal bumps the SITE generation

    @classmethod
    def load(cls) -> "SiteSettings":
        """The settings row, from the shared cache when possible (every page needs it)."""
        # Reading a page never writes: an unconfigured site shows the defaults.
        return lookups.remembered(
            "site-settings", lambda: cls.objects.filter(pk=1).first() or cls(pk=1), timeout=3600
        )

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.addresses.splitlines() if line.strip()]

    @property
    def deputy_lines(self) -> list[str]:
        return [line.strip() for line in self.deputy_editors.splitlines() if line.strip()]


def absolute_url(path: str) -> str:
    """A public URL for feeds, sitemaps, canonical links and JSON-LD: built from SITE_SCHEME
    and SiteSettings.domain, never from the Host header a client sent."""
    if path.startswith(("http://", "https://")):
        return path
    domain = SiteSettings.load().domain.strip().rstrip("/")
    return f"{settings.SITE_SCHEME}://{domain}{path if path.startswith('/') else '/' + path}"


class WebsiteLink(NormalizedModel):
    title = models.CharField("tên website", max_length=200)
    url = models.URLField("địa chỉ", max_length=500)
    position = models.PositiveIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("hiển thị", default=True)

    class Meta:
        verbose_name = "liên kết website"
        verbose_name_plural = "liên kết website"
        ordering = ["position", "title"]

    def __str__(self):
        return self.title
