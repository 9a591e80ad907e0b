"""What a reader sees: URLs, statuses, the article page's anatomy, errors."""

import json
import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article, SiteSettings
from tests.factories import (
    make_article,
    make_byline,
    make_category,
    make_image,
    make_link,
    make_topic,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def politics():
    parent = make_category(name="Chính trị", slug="chinh-tri")
    return make_category(name="Đối ngoại", slug="doi-ngoai", parent=parent)


def friday_morning():
    return datetime(2026, 11, 27, 8, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


class TestArticleUrls:
    def test_canonical_url_answers_200(self, client, politics):
        article = make_article(title="Lan tỏa việc học", category=politics)
        url = f"/chinh-tri/doi-ngoai/{article.url_month}/lan-toa-viec-hoc-{article.public_id}/"
        assert article.get_absolute_url() == url
        assert client.get(url).status_code == 200

    @pytest.mark.parametrize(
        "stale",
        [
            "/chinh-tri/doi-ngoai/{month}/ten-cu-{id}/",  # slug edited
            "/chinh-tri/{month}/lan-toa-viec-hoc-{id}/",  # category moved
            "/xa-hoi/doi-ngoai/{month}/lan-toa-viec-hoc-{id}/",  # wrong parent
            "/chinh-tri/doi-ngoai/201901/lan-toa-viec-hoc-{id}/",  # wrong month
            "/chinh-tri/doi-ngoai/{month}/{id}/",  # id alone
        ],
    )
    def test_stale_url_redirects_permanently_to_the_canonical_one(self, client, politics, stale):
        article = make_article(title="Lan tỏa việc học", category=politics)
        response = client.get(stale.format(month=article.url_month, id=article.public_id))
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()

    @pytest.mark.parametrize(
        "status",
        [Status.DRAFT, Status.SUBMITTED, Status.EDITING, Status.RETURNED, Status.PENDING_APPROVAL],
    )
    def test_articles_not_yet_published_are_404_to_readers(self, client, status):
        article = make_article(status=status)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()

    def test_taken_down_article_answers_410_in_vietnamese_with_noindex(self, client):
        article = make_article()
        url = article.get_absolute_url()
        Article.objects.filter(pk=article.pk).update(status=Status.UNPUBLISHED)
        response = client.get(url)
        assert response.status_code == 410
        html = response.content.decode()
        assert "Bài viết đã được gỡ" in html and 'content="noindex"' in html

    def test_scheduled_article_is_404_until_its_time_then_200_with_no_job(self, client):
        start = timezone.now()
        article = make_article(published_at=start + timedelta(minutes=30))
        url = article.get_absolute_url()
        assert client.get(url).status_code == 404
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=31)):
            assert client.get(url).status_code == 200

    def test_staff_preview_is_never_cached_and_noindex(self, client, admin_user):
        article = make_article(status=Status.DRAFT)
        client.force_login(admin_user)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert "Bản xem trước" in response.content.decode()


class TestListPages:
    def test_category_page_lists_children_articles_20_a_page(self, client, politics):
        for n in range(23):
            make_article(category=politics, title=f"Tin đối ngoại {n}")
        first = client.get("/chinh-tri/")
        assert first.status_code == 200
        html = first.content.decode()
        assert html.count('class="item"') + html.count('class="lead-item"') == 20
        assert 'href="?page=2"' in html
        second = client.get("/chinh-tri/?page=2").content.decode()
        assert second.count('class="item"') == 3

    @pytest.mark.parametrize("page", ["99", "abc", "0", "-1", "1e9"])
    def test_bad_page_numbers_are_404_not_500(self, client, politics, page):
        make_article(category=politics)
        assert client.get(f"/chinh-tri/?page={page}").status_code == 404

    def test_unknown_category_is_404(self, client):
        assert client.get("/khong-co/").status_code == 404

    def test_renamed_category_redirects(self, client):
        category = make_category(name="Kinh tế")
        category.name = "Kinh tế - Tài chính"
        category.save()
        response = client.get("/kinh-te/")
        assert response.status_code == 301 and response["Location"] == "/kinh-te-tai-chinh/"

    def test_byline_page_lists_every_article_with_the_byline_in_any_position(self, client):
        pen = make_byline(name="Xuân Thành")
        first = make_article(bylines=[pen])
        second = make_article(bylines=[make_byline(), (pen, "anh")])
        make_article(bylines=[pen], status=Status.DRAFT)
        html = client.get("/tac-gia/xuan-thanh/").content.decode()
        assert first.title in html and second.title in html
        assert html.count('class="item"') == 2

    def test_topic_page_shows_intro_and_articles(self, client):
        topic = make_topic(name="Chuyển đổi số", description="Chính quyền số.")
        article = make_article(topics=[topic])
        html = client.get("/chu-de/chuyen-doi-so/").content.decode()
        assert "Chính quyền số." in html and article.title in html

    def test_print_view_has_the_article_and_no_widgets(self, client):
        article = make_article(source="Theo TTXVN")
        response = client.get(f"/print/{article.public_id}/")
        html = response.content.decode()
        assert response.status_code == 200 and 'content="noindex"' in html
        assert article.title in html and "(Theo TTXVN)" in html
        assert "Mới nhất" not in html and "Phản hồi" not in html and "<nav" not in html


class TestArticlePage:
    def test_anatomy_from_breadcrumb_to_widgets(self, client, politics):
        make_link(title="Báo Chính phủ", url="https://baochinhphu.vn")
        cover = make_image(caption="Quang cảnh hội nghị", credit="HOÀNG VIỆT")
        article = make_article(
            title="Hội nghị đối ngoại",
            category=politics,
            sapo="Sapo in đậm.",
            cover=cover,
            published_at=friday_morning(),
            source="Theo TTXVN",
            bylines=[(make_byline(name="Hoàng Việt"), "tin_anh"), make_byline(name="Thu Hà")],
            topics=[make_topic(name="Đối ngoại nhân dân")],
        )
        html = client.get(article.get_absolute_url()).content.decode()
        order = [
            'class="breadcrumb"',
            "Trang chủ</a>",
            ">Chính trị</a>",
            ">Đối ngoại</a>",
            "<h1",
            "Thứ Sáu, 27/11/2026, 08:15 (GMT+7)",
            '<p class="article__sapo">Sapo in đậm.</p>',
            "Quang cảnh hội nghị",
            "Ảnh: HOÀNG VIỆT",
            "Tin, ảnh: HOÀNG VIỆT</a> - <a",
            "THU HÀ",
            "(Theo TTXVN)",
            "Đối ngoại nhân dân",
            "Phản hồi",
            "Các tin khác",
            "Mới nhất",
            "Đọc nhiều",
            "Liên kết website",
        ]
        cursor = 0
        for piece in order:  # each piece appears after the one before it
            found = html.find(piece, cursor)
            assert found >= 0, f"{piece!r} missing or out of order"
            cursor = found
        assert html.count("<h1") == 1
        assert "facebook.com/sharer" in html and "zalo.me/share" in html
        assert f"/print/{article.public_id}/" in html

    def test_head_has_title_description_canonical_og_and_json_ld(self, client, politics):
        SiteSettings.objects.update_or_create(
            pk=1, defaults={"masthead_name": "Báo Mẫu", "domain": "baomau.vn"}
        )
        article = make_article(
            title="Tiêu đề <b>thử</b>",
            sapo="Mô tả ngắn",
            category=politics,
            cover=make_image(width=2000, height=1200),
            published_at=friday_morning(),
            bylines=[make_byline(name="Minh An")],
        )
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<title>Tiêu đề &lt;b&gt;thử&lt;/b&gt; - Báo Mẫu</title>" in html
        assert '<meta name="description" content="Mô tả ngắn">' in html
        canonical = f"http://baomau.vn{article.get_absolute_url()}"
        assert f'<link rel="canonical" href="{canonical}">' in html
        assert 'property="article:published_time" content="2026-11-27T08:15:00+07:00"' in html
        assert 'property="og:image" content="http://baomau.vn/media/' in html
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        news, crumbs = json.loads(blocks[0])
        assert news["@type"] == "NewsArticle" and news["headline"] == "Tiêu đề <b>thử</b>"
        assert news["datePublished"] == "2026-11-27T08:15:00+07:00"
        assert news["dateModified"].endswith("+07:00")
        assert news["author"][0]["name"] == "Minh An"
        assert news["publisher"]["name"] == "Báo Mẫu"
        assert news["articleSection"] == "Đối ngoại"
        assert [item["name"] for item in crumbs["itemListElement"]] == [
            "Trang chủ",
            "Chính trị",
            "Đối ngoại",
        ]
        assert "<b>thử</b>" not in blocks[0]  # escaped inside the script element

    def test_large_image_attributes_are_not_localised(self, client, settings):
        settings.USE_THOUSAND_SEPARATOR = True
        image = make_image(width=2400, height=1600)
        article = make_article(cover=image)
        html = client.get(article.get_absolute_url()).content.decode()
        assert " 1600w" in html and 'width="960"' in html and 'height="640"' in html
        assert "1.600" not in html and "2.400" not in html

    def test_every_media_img_has_dimensions_alt_and_webp(self, client):
        image = make_image(alt="Cảng cá")
        body = f'<p>a</p><figure><img src="/media/x.jpg" data-file="{image.pk}" alt="Cảng cá"><figcaption>c</figcaption></figure>'
        article = make_article(cover=make_image(alt="Bìa"), body=body)
        html = client.get(article.get_absolute_url()).content.decode()
        imgs = re.findall(r"<img [^>]*>", html)
        assert imgs
        for tag in imgs:
            assert "width=" in tag and "height=" in tag and "alt=" in tag
        assert 'type="image/webp"' in html  # <picture> source for the cover
        body_img = next(t for t in imgs if "data-file" in t)
        assert ".webp" in body_img and 'loading="lazy"' in body_img

    def test_cover_shown_once_when_it_is_also_a_body_figure(self, client):
        image = make_image(caption="Một lần thôi")
        body = f'<figure><img src="/media/x.jpg" data-file="{image.pk}" alt="a"><figcaption>Một lần thôi</figcaption></figure>'
        article = make_article(cover=image, body=body)
        html = client.get(article.get_absolute_url()).content.decode()
        assert html.count("Một lần thôi") == 1

    def test_share_row_appears_once(self, client):
        html = client.get(make_article().get_absolute_url()).content.decode()
        assert html.count('class="share"') == 1
        assert html.count("facebook.com/sharer") == 1

    @pytest.mark.parametrize("credit", ["X.T", "Ảnh: X.T", "ảnh:X.T", "Ảnh - X.T"])
    def test_cover_caption_has_one_format_and_one_credit_word(self, client, credit):
        cover = make_image(caption="Lễ khai mạc", credit=credit)
        html = client.get(make_article(cover=cover).get_absolute_url()).content.decode()
        assert "<figcaption>Lễ khai mạc (Ảnh: X.T)</figcaption>" in html

    def test_cover_caption_without_caption_text_is_just_the_credit(self, client):
        cover = make_image(caption="", credit="Ảnh: X.T")
        html = client.get(make_article(cover=cover).get_absolute_url()).content.decode()
        assert "<figcaption>Ảnh: X.T</figcaption>" in html

    def test_foreign_picture_leaves_nothing_on_the_page(self, client):
        body = (
            '<p>Đoạn đầu.</p><figure><img src="https://evil.example/x.jpg" alt="">'
            "<figcaption>Ảnh ngoài</figcaption></figure><p>Đoạn cuối.</p>"
        )
        html = client.get(make_article(body=body).get_absolute_url()).content.decode()
        body_html = html.split('class="article__body">', 1)[1].split("</div>", 1)[0]
        assert body_html == "<p>Đoạn đầu.</p><p>Đoạn cuối.</p>"


class TestEveryPage:
    def test_masthead_menu_search_and_footer(self, client):
        SiteSettings.objects.update_or_create(
            pk=1,
            defaults={
                "masthead_name": "Báo Mẫu",
                "governing_body": "Cơ quan của Tỉnh ủy (mẫu)",
                "domain": "baomau.vn",
                "license_no": "Giấy phép số 000/GP-DEMO",
                "editor_in_chief": "Nguyễn Văn A (tên mẫu)",
            },
        )
        parent = make_category(name="Kinh tế")
        make_category(name="Nông nghiệp", parent=parent)
        with mock.patch("django.utils.timezone.now", return_value=friday_morning()):
            home = client.get("/").content.decode()
        assert "Báo Mẫu" in home and "Cơ quan của Tỉnh ủy (mẫu)" in home
        masthead = home.split('class="masthead"', 1)[1].split("</header>", 1)[0]
        assert "baomau.vn" not in masthead  # the domain is in the address bar already
        assert "Thứ Sáu, 27/11/2026" in home
        assert 'href="/kinh-te/nong-nghiep/"' in home
        assert 'action="/tim-kiem/"' in home
        assert "Giấy phép số 000/GP-DEMO" in home and "Nguyễn Văn A (tên mẫu)" in home
        category_page = client.get("/kinh-te/").content.decode()
        assert "Báo Mẫu" in category_page and "Cơ quan của Tỉnh ủy (mẫu)" in category_page

    def test_favicon_is_a_static_file_not_a_data_url(self, client):
        html = client.get("/").content.decode()
        icon = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', html)
        assert icon and icon.group(1).startswith("/static/") and icon.group(1).endswith(".svg")
        assert "data:image" not in html

    def test_home_shows_vietnamese_empty_states(self, client):
        html = client.get("/").content.decode()
        assert "Chưa có tin nổi bật." in html and "Chưa có bài viết." in html

    def test_404_page_is_vietnamese(self, client):
        response = client.get("/khong/co/trang/nay/")
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()

    def test_500_page_makes_no_database_query(self, rf, django_assert_num_queries):
        from reader.views import server_error

        with django_assert_num_queries(0):
            response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert "đã có lỗi xảy ra" in response.content.decode()

    def test_robots_txt_points_at_sitemaps_and_hides_search(self, client):
        text = client.get("/robots.txt").content.decode()
        assert "Disallow: /tim-kiem/" in text
        assert "/sitemap.xml" in text and "/sitemap-news.xml" in text
