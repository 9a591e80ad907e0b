"""Search at /tim-kiem/: the same tests on SQLite (folded search_text) and PostgreSQL
(vi_unaccent search_vector), except the trigram typo fallback, which is PostgreSQL only."""

import re
import unicodedata
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search_index
from articles.models import Article
from articles.vietnamese import fold, fold_chars
from reader import search
from tests.conftest import reset_caches
from tests.factories import make_article, make_category, make_image

pytestmark = pytest.mark.django_db
Status = Article.Status
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="trigram similarity needs PostgreSQL"
)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def found(client, q, **params):
    """Titles on the result page, in order."""
    response = client.get("/tim-kiem/", {"q": q, **params})
    assert response.status_code == 200
    return titles_on(response)


def titles_on(response) -> list[str]:
    """The result titles a reader sees, without their <mark>s."""
    html = response.content.decode()
    found = re.findall(r'<h2 class="item__title"><a href="[^"]*">(.*?)</a></h2>', html)
    return [unescape(re.sub(r"</?mark>", "", title)) for title in found]


def ranked(q, **kw) -> list[str]:
    params = search.SearchParams(query=q, **kw)
    results = search.run(params)
    titles = dict(Article.objects.filter(pk__in=results.ids).values_list("pk", "title"))
    return [titles[pk] for pk in results.ids]


class TestFolding:
    @pytest.mark.parametrize(
        ("query", "title"),
        [
            ("hoc tap", "Lan tỏa việc học tập và làm theo Bác"),
            ("dang bo", "Đại hội Đảng bộ phường Nha Trang"),
            ("Khánh Hoà", "Du lịch Khánh Hòa đón khách quốc tế"),  # old tone placement
            ("KHANH HOA", "Du lịch Khánh Hòa đón khách quốc tế"),
            ("da nang", "Đường bay mới tới Đà Nẵng"),
            ("Đà Nẵng", "Đường bay mới tới Đà Nẵng"),
        ],
    )
    def test_tone_case_and_d_insensitive(self, client, query, title):
        make_article(title=title)
        make_article(title="Giá cà phê tăng mạnh")
        assert found(client, query) == [title]

    def test_decomposed_query_finds_composed_text(self, client):
        make_article(title="Học tập suốt đời")
        assert found(client, unicodedata.normalize("NFD", "học tập")) == ["Học tập suốt đời"]

    def test_sapo_and_body_are_searched(self, client):
        make_article(title="Một", sapo="Ngư dân bám biển Trường Sa.")
        make_article(title="Hai", body="<p>Chuyện <strong>bám biển</strong> của ngư dân.</p>")
        assert sorted(found(client, "bam bien")) == ["Hai", "Một"]

    def test_whole_words_only(self, client):
        make_article(title="Mai vàng ngày Tết")
        make_article(title="Ma trận giao thông")
        assert found(client, "ma") == ["Ma trận giao thông"]

    def test_every_word_must_appear(self, client):
        make_article(title="Học sinh giỏi cấp tỉnh")
        make_article(title="Học tập và làm theo")
        assert found(client, "hoc tap") == ["Học tập và làm theo"]

    def test_html_in_the_body_is_not_searched(self, client):
        make_article(title="Ảnh", body='<p><a href="https://example.vn/strong">Xem</a></p>')
        assert found(client, "strong") == []


class TestRanking:
    def test_phrase_before_scattered_words(self):
        make_article(title="Tập huấn kỹ năng học trực tuyến", published_at=hours_ago(1))
        make_article(title="Học tập suốt đời", published_at=hours_ago(50))
        assert ranked("hoc tap") == ["Học tập suốt đời", "Tập huấn kỹ năng học trực tuyến"]

    def test_phrase_across_punctuation_still_counts(self):
        make_article(title="Tập thể lớp học giỏi", published_at=hours_ago(1))
        make_article(title="Chăm học, tập thể dục", published_at=hours_ago(9))
        assert ranked("hoc tap")[0] == "Chăm học, tập thể dục"

    def test_exact_tones_before_folded_match(self):
        make_article(title="Mà sao em vẫn nhớ", published_at=hours_ago(1))
        make_article(title="Má tôi ở quê", published_at=hours_ago(20))
        assert ranked("má") == ["Má tôi ở quê", "Mà sao em vẫn nhớ"]
        assert ranked("mà") == ["Mà sao em vẫn nhớ", "Má tôi ở quê"]

    def test_title_then_sapo_then_body_then_newer(self):
        make_article(title="C thân", body="<p>Vịnh Vân Phong</p>", published_at=hours_ago(1))
        make_article(title="B sapo", sapo="Vịnh Vân Phong", published_at=hours_ago(2))
        make_article(title="A cũ Vịnh Vân Phong", published_at=hours_ago(30))
        make_article(title="A mới Vịnh Vân Phong", published_at=hours_ago(3))
        assert ranked("vinh van phong") == ["A mới Vịnh Vân Phong", "A cũ Vịnh Vân Phong",
                                            "B sapo", "C thân"]  # fmt: skip

    def test_only_the_newest_matches_are_ranked_but_all_are_counted(self, monkeypatch):
        monkeypatch.setattr(search, "RANK_LIMIT", 3)
        make_article(title="Học tập cũ nhất", published_at=hours_ago(100))
        for n in range(4):
            make_article(title=f"Tập huấn {n} học", published_at=hours_ago(n + 1))
        results = search.run(search.SearchParams(query="hoc tap"))
        assert results.total == 5
        assert len(results.ids) == 3  # the older phrase match lies beyond the ranked window

    def test_counting_stops_at_the_count_limit(self, client, monkeypatch):
        monkeypatch.setattr(search, "RANK_LIMIT", 2)
        monkeypatch.setattr(search, "COUNT_LIMIT", 4)
        for n in range(6):
            make_article(title=f"Hải đăng {n}")
        results = search.run(search.SearchParams(query="hai dang"))
        assert results.total == 4 and results.over_count_limit
        assert (
            "Hơn 4 kết quả cho “hai dang”" in client.get("/tim-kiem/?q=hai+dang").content.decode()
        )

    def test_fold_chars_agrees_with_fold(self):
        text = "ĐẢNG BỘ Khánh Hòa, Khánh Hoà; Đà Nẵng – Ưu tiên “hiện đại” ñ ß İ 2026"
        assert fold_chars(text) == fold(text)
        assert fold_chars(unicodedata.normalize("NFD", text)) == fold(text)


class TestPublicOnly:
    def test_draft_scheduled_and_taken_down_are_absent(self, client):
        make_article(title="Biển đảo công khai")
        make_article(title="Biển đảo nháp", status=Status.DRAFT)
        make_article(title="Biển đảo hẹn giờ", published_at=timezone.now() + timedelta(hours=2))
        make_article(title="Biển đảo đã gỡ", status=Status.UNPUBLISHED, published_at=hours_ago(5))
        make_article(title="Biển đảo chờ duyệt", status=Status.PENDING_APPROVAL)
        assert found(client, "bien dao") == ["Biển đảo công khai"]

    def test_article_taken_down_after_ranking_drops_out_of_the_page(self):
        article = make_article(title="Biển đảo")
        params = search.SearchParams(query="bien dao")
        ids = search.run(params).ids
        Article.objects.filter(pk=article.pk).update(status=Status.UNPUBLISHED)
        page = type("Page", (), {"object_list": ids})()
        assert search.load_page(page, params) == []


class TestFilters:
    def test_category_includes_its_children(self, client):
        parent = make_category(name="Kinh tế")
        child = make_category(name="Nông nghiệp", parent=parent)
        other = make_category(name="Thể thao")
        make_article(title="Giá lúa cha", category=parent)
        make_article(title="Giá lúa con", category=child)
        make_article(title="Giá lúa khác", category=other)
        assert sorted(found(client, "gia lua", **{"chuyen-muc": parent.slug})) == [
            "Giá lúa cha",
            "Giá lúa con",
        ]
        assert found(client, "gia lua", **{"chuyen-muc": child.slug}) == ["Giá lúa con"]

    def test_date_range_in_local_days(self, client):
        day = timezone.make_aware(timezone.datetime(2025, 3, 10, 0, 30))  # 00:30 +07:00
        make_article(title="Mưa lớn ngày 10", published_at=day)
        make_article(title="Mưa lớn ngày 9", published_at=day - timedelta(hours=1))
        make_article(title="Mưa lớn ngày 12", published_at=day + timedelta(days=2))
        params = {"tu-ngay": "2025-03-10", "den-ngay": "11/03/2025"}
        assert found(client, "mua lon", **params) == ["Mưa lớn ngày 10"]

    def test_bad_filters_are_ignored(self, client):
        make_article(title="Mưa lớn")
        params = {"tu-ngay": "hôm qua", "den-ngay": "2025-13-45", "chuyen-muc": "khong-co"}
        assert found(client, "mua lon", **params) == ["Mưa lớn"]


class TestPage:
    def test_results_show_title_date_category_and_highlighted_sapo(self, client):
        category = make_category(name="Chính trị")
        make_article(
            title="Đảng bộ tỉnh họp",
            sapo="Sáng nay, Đảng bộ tỉnh <Khánh Hòa> & các đơn vị...",
            category=category,
            published_at=timezone.make_aware(timezone.datetime(2025, 11, 27, 8, 15)),
        )
        html = client.get("/tim-kiem/", {"q": "dang bo"}).content.decode()
        assert "<mark>Đảng bộ</mark> tỉnh họp" in html
        assert "Sáng nay, <mark>Đảng bộ</mark> tỉnh &lt;Khánh Hòa&gt; &amp; các" in html
        assert "27/11/2025 08:15" in html
        assert ">Chính trị</a>" in html
        assert "Khoảng 1 kết quả cho “dang bo”" in html

    def test_is_not_indexed(self, client):
        response = client.get("/tim-kiem/", {"q": "x"})
        assert response["X-Robots-Tag"].startswith("noindex")
        assert '<meta name="robots" content="noindex, follow">' in response.content.decode()
        assert "Disallow: /tim-kiem/" in client.get("/robots.txt").content.decode()

    def test_empty_query_shows_help_without_searching(self, client, django_assert_max_num_queries):
        make_article(title="Học tập")
        for q in ("", "   ", "!!! ???"):
            reset_caches()
            with django_assert_max_num_queries(8):
                response = client.get("/tim-kiem/", {"q": q})
            html = response.content.decode()
            assert response.status_code == 200
            assert "Bạn muốn tìm gì?" in html and "“hoc tap” tìm được “học tập”" in html
            assert titles_on(response) == []

    def test_nothing_found_says_so_in_vietnamese(self, client):
        html = client.get("/tim-kiem/", {"q": "khongcotu"}).content.decode()
        assert "Không tìm thấy bài viết nào cho “khongcotu”." in html

    def test_long_query_is_cut_never_an_error(self, client):
        make_article(title="Học tập")
        response = client.get("/tim-kiem/", {"q": "hoc tap " + "rất dài " * 1000})
        assert response.status_code == 200
        assert len(response.context["params"].query) <= search.MAX_QUERY_LENGTH
        assert "chỉ dùng 200 ký tự đầu tiên" in response.content.decode()

    def test_control_characters_and_nul_are_harmless(self, client):
        make_article(title="Học tập")
        assert found(client, "\x00hoc\x07 tap\x1f") == ["Học tập"]

    def test_pagination_is_capped(self, client, monkeypatch):
        monkeypatch.setattr(search, "PER_PAGE", 2)
        monkeypatch.setattr(search, "MAX_PAGES", 2)
        for n in range(5):
            make_article(title=f"Nông thôn mới {n}", published_at=hours_ago(n + 1))
        first = client.get("/tim-kiem/", {"q": "nong thon"})
        assert "Khoảng 5 kết quả" in first.content.decode()
        assert titles_on(first) == [
            "Nông thôn mới 0",
            "Nông thôn mới 1",
        ]
        last = client.get("/tim-kiem/", {"q": "nong thon", "page": 2})
        assert "Chỉ hiển thị 2 trang kết quả đầu tiên" in last.content.decode()
        assert client.get("/tim-kiem/", {"q": "nong thon", "page": 3}).status_code == 404
        assert client.get("/tim-kiem/", {"q": "nong thon", "page": "x"}).status_code == 404

    def test_thousands_use_a_dot(self):
        assert search.SearchResults(total=1205303).total_display == "1.205.303"

    def test_query_count_does_not_grow_with_results(self, client, django_assert_max_num_queries):
        category, cover = make_category(), make_image()
        make_article(title="Chuyển đổi số 0", category=category, cover=cover)
        reset_caches()  # measure cold: no page, widget or settings cache
        with CaptureQueriesContext(connection) as one:
            assert len(found(client, "chuyen doi so")) == 1
        for n in range(1, 30):
            make_article(title=f"Chuyển đổi số {n}", category=category, cover=cover)
        reset_caches()
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as thirty:
            assert len(found(client, "chuyen doi so")) == search.PER_PAGE
        assert len(thirty) == len(one)


class TestHighlight:
    def test_escapes_then_marks_the_original_letters(self):
        html = search.highlight("A & <b>Đà Nẵng</b>", ("da", "nang"))
        assert html == "A &amp; &lt;b&gt;<mark>Đà Nẵng</mark>&lt;/b&gt;"

    def test_marks_separate_words_and_whole_words_only(self):
        html = search.highlight("Học sinh đi học, mai học tiếp", ("hoc", "ma"))
        assert html == "<mark>Học</mark> sinh đi <mark>học</mark>, mai <mark>học</mark> tiếp"

    def test_no_words_means_just_escaped_text(self):
        assert search.highlight("<i>x</i>", ()) == "&lt;i&gt;x&lt;/i&gt;"


class TestSearchVector:
    def test_edited_title_is_found_after_save(self, client):
        article = make_article(title="Tiêu đề cũ")
        article.title = "Khánh thành cầu mới"
        article.save()
        assert found(client, "khanh thanh") == ["Khánh thành cầu mới"]
        assert found(client, "tieu de cu") == []

    def test_bulk_refresh_is_one_update_for_many_rows(self, django_assert_num_queries):
        articles = [make_article(title=f"Làng nghề {n}") for n in range(3)]
        # Stale rows, written past the article's own update() (which refuses search_vector).
        models.QuerySet.update(Article.objects.all(), search_vector=None, title="Làng chài")
        expected = 1 if connection.vendor == "postgresql" else 0
        with django_assert_num_queries(expected):
            updated = search_index.update_search_vectors(Article.objects.all())
        assert updated == (3 if expected else 0)
        if expected:
            assert ranked("lang chai") and not ranked("lang nghe")
        assert search_index.update_search_vectors(
            Article.objects.filter(pk__in=[a.pk for a in articles])
        ) == (3 if expected else 0)

    @postgres_only
    def test_vector_is_weighted_title_a_sapo_b_body_c(self):
        article = make_article(title="Đảng", sapo="Khánh", body="<p>Hòa</p>")
        vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
        assert vector == "'dang':1A 'hoa':3C 'khanh':2B"

    @postgres_only
    def test_exact_vector_keeps_tones_and_folds_case(self):
        article = make_article(title="Đảng", sapo="Khánh", body="<p>Hòa</p>")
        vector = Article.objects.values_list("search_exact", flat=True).get(pk=article.pk)
        assert vector == "'hòa':3C 'khánh':2B 'đảng':1A"


class TestTypoFallback:
    @postgres_only
    def test_close_title_is_found_when_nothing_matches(self, client):
        make_article(title="Khánh Hòa phát triển du lịch biển")
        make_article(title="Giá vàng hôm nay")
        response = client.get("/tim-kiem/", {"q": "khanh hao"})
        assert titles_on(response) == ["Khánh Hòa phát triển du lịch biển"]
        assert "Các bài có tiêu đề gần giống" in response.content.decode()

    @postgres_only
    def test_fallback_respects_published(self, client):
        make_article(title="Khánh Hòa nháp", status=Status.DRAFT)
        assert found(client, "khanh hao") == []


class TestKeptUntilTheContentChanges:
    def test_a_repeated_search_is_not_ranked_again(self, client, monkeypatch):
        make_article(title="Cầu Trần Phú")
        client.cookies["sessionid"] = "reader"  # past the page cache
        assert found(client, "cầu") == ["Cầu Trần Phú"]
        monkeypatch.setattr(search, "run", lambda params: pytest.fail("ranked again"))
        assert found(client, "cầu") == ["Cầu Trần Phú"]

    def test_a_publish_is_in_the_next_results(self, client):
        make_article(title="Cầu Trần Phú", published_at=hours_ago(5))
        client.cookies["sessionid"] = "reader"
        assert found(client, "cầu") == ["Cầu Trần Phú"]
        make_article(title="Cầu Bóng sửa xong", published_at=hours_ago(1))
        assert found(client, "cầu") == ["Cầu Bóng sửa xong", "Cầu Trần Phú"]

    def test_a_different_section_or_date_is_a_different_search(self, client):
        one, other = make_category(slug="mot"), make_category(slug="hai")
        make_article(title="Cầu mới", category=one)
        make_article(title="Cầu cũ", category=other, published_at=hours_ago(24 * 400))
        client.cookies["sessionid"] = "reader"
        assert found(client, "cầu", **{"chuyen-muc": "mot"}) == ["Cầu mới"]
        assert found(client, "cầu", **{"chuyen-muc": "hai"}) == ["Cầu cũ"]
        last_year = (timezone.localdate() - timedelta(days=400)).isoformat()
        assert found(client, "cầu", **{"tu-ngay": last_year, "den-ngay": last_year}) == ["Cầu cũ"]
