"""A small newspaper for the browser tests: enough that every widget on every reader page has
something to show (featured, Mới nhất, Đọc nhiều, category bands, topics, website links,
Các tin khác), in well under a second. Photos are small; renditions are made on save."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from articles import roles
from articles.models import Article, ArticleView, Category, SiteSettings
from tests import factories as f

PASSWORD = "mat-khau-e2e"


@dataclass
class Newsroom:
    reporter: object
    editor: object
    chief: object
    moderator: object
    thoi_su: Category
    xa_hoi: Category
    articles: list


def user(username, group, first_name, last_name):
    account = f.make_user(username, group, first_name=first_name, last_name=last_name)
    account.set_password(PASSWORD)
    account.save(update_fields=["password"])
    return account


def body(title: str, photo) -> str:
    """A paragraph, a figure from the library (as the picker inserts it) and a paragraph."""
    return (
        f"<p>{title}. Nội dung bài viết mẫu cho thử nghiệm trên trình duyệt.</p>"
        f'<figure class="figure"><img src="{photo.url_for(960)}" alt="{photo.alt}" '
        f'data-file="{photo.pk}"><figcaption class="figure-caption">{photo.caption} '
        f"(Ảnh: {photo.credit})</figcaption></figure><p>Đoạn kết của bài viết.</p>"
    )


def seed_newsroom() -> Newsroom:
    roles.sync_groups()
    site = SiteSettings.load()
    site.masthead_name = "Báo Mẫu"
    site.tagline = "Tin tức tỉnh nhà"
    site.governing_body = "Cơ quan của Tỉnh ủy"
    site.domain = "baomau.example.vn"
    site.hotline = "0912 345 678"
    site.editor_in_chief = "Nguyễn Văn Tổng"
    site.license_no = "123/GP-BTTTT"
    site.save()

    reporter = user("phongvien", roles.REPORTER, "An", "Minh")
    editor = user("bientapvien", roles.EDITOR, "Bình", "Trần")
    chief = user("tongbientap", roles.CHIEF, "Tổng", "Nguyễn Văn")
    moderator = user("kiemduyet", roles.MODERATOR, "Duyệt", "Lê")

    thoi_su = f.make_category(name="Thời sự", position=1)
    xa_hoi = f.make_category(name="Xã hội", position=2)
    f.make_category(name="Giáo dục", parent=xa_hoi, position=1)
    thoi_su.editors.add(editor)

    f.make_byline(name="Minh An", user=reporter)
    f.make_byline(name="Thu Hà")
    f.make_byline(name="Quốc Việt")
    topic = f.make_topic(name="Chuyển đổi số")
    f.make_link(title="Cổng thông tin điện tử tỉnh", url="https://tinh.example.vn")
    f.make_link(title="Báo Nhân Dân", url="https://nhandan.example.vn")

    colors = [(200, 60, 40), (40, 140, 90), (30, 90, 170)]
    photos = [
        f.make_image(
            file=f.upload(data=f.jpeg_bytes(640, 360, color)),
            alt=f"Ảnh minh họa số {n}",
            caption=f"Quang cảnh số {n}",
        )
        for n, color in enumerate(colors, start=1)
    ]
    titles = [
        ("Tỉnh khởi công tuyến đường ven biển dài 40 km", thoi_su, True),
        ("Hội nghị tổng kết công tác chuyển đổi số năm 2025", thoi_su, True),
        ("Nông dân thu hoạch lúa đông xuân được mùa, được giá", thoi_su, False),
        ("Trường học vùng cao đón học sinh trở lại sau lũ", xa_hoi, True),
        ("Bệnh viện tỉnh đưa vào sử dụng khu điều trị mới", xa_hoi, False),
        ("Thanh niên tình nguyện giúp dân sửa nhà sau bão", xa_hoi, False),
    ]
    now = timezone.now()
    articles = []
    for n, (title, category, featured) in enumerate(titles):
        article = f.make_article(
            title=title,
            sapo=f"{title}: sapo của bài viết, tóm tắt nội dung chính cho bạn đọc.",
            body=body(title, photos[(n + 1) % len(photos)]),
            category=category,
            cover=photos[n % len(photos)],
            is_featured=featured,
            published_at=now - timedelta(hours=3 + n),
            topics=[topic] if n % 2 == 0 else [],
        )
        articles.append(article)
        ArticleView.objects.create(article=article, day=timezone.localdate(), views=100 - 10 * n)
    f.make_comment(articles[0], name="Bạn đọc Hải Phòng", content="Bài viết rất hữu ích.")
    return Newsroom(reporter, editor, chief, moderator, thoi_su, xa_hoi, articles)


def published(title: str) -> Article:
    return Article.objects.get(title=title, status=Article.Status.PUBLISHED)
