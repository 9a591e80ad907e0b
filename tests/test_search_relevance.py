"""Search relevance on the demo paper: queries with tones, without, mixed, phrases and names,
with the top results a Vietnamese reader expects. The same set runs on SQLite and on
PostgreSQL (DATABASE_URL), each against an independent reading of the rule: the phrase as
typed, the words as typed, the phrase without tones, the words without tones; title, then
sapo, then body; newer first. A query typed without any tone or mark starts at "the phrase
without tones": every spelling is what the reader meant."""

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Category
from articles.vietnamese import fold
from demo.management.commands.seed_demo import DEMO_DIR, SCHEDULED, WORKFLOW_STATES, render_body
from reader import search


@pytest.fixture(scope="module")
def demo_paper(django_db_setup, django_db_blocker):
    """The demo paper's published articles (text only: no pictures are drawn), loaded once
    for the module and removed after it."""
    entries = []
    for path in sorted(DEMO_DIR.glob("articles_*.json")):
        entries.extend(json.loads(path.read_text(encoding="utf-8")))
    stand_in = SimpleNamespace(pk=0, alt="", url_for=lambda width: "/media/demo.jpg")
    now = timezone.now()
    with django_db_blocker.unblock():
        category = Category.objects.create(name="Demo", slug="demo-relevance")
        for index, entry in enumerate(entries):
            if index in WORKFLOW_STATES or index in SCHEDULED:
                continue
            Article(
                title=entry["title"], sapo=entry["sapo"],
                body=render_body(entry["body"], stand_in), category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(days=entry["days_ago"], minutes=index),
            ).save()  # fmt: skip
        articles = list(Article.objects.filter(category=category))
        yield articles
        Article.objects.filter(category=category).delete()
        category.delete()


def titles(query: str, limit: int) -> list[str]:
    results = search.run(search.SearchParams(query=query))
    by_pk = dict(Article.objects.filter(pk__in=results.ids).values_list("pk", "title"))
    return [by_pk[pk] for pk in results.ids[:limit]]


# -- an independent reading of the rule, over plain text -----------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def _phrase_in(words: list[str], text_words: list[str]) -> bool:
    n = len(words)
    return any(text_words[i : i + n] == words for i in range(len(text_words) - n + 1))


def expected_order(query: str, articles) -> list[str]:
    """Every matching article's title, best first, worked out without reader.search."""
    typed = _words(query.casefold())
    folded = _words(fold(query))
    graded = []
    for article in articles:
        fields = [article.title, article.sapo, strip_tags(article.body)]
        exact = [_words(f.casefold()) for f in fields]
        plain = [_words(fold(f)) for f in fields]
        if not set(folded) <= set(sum(plain, [])):
            continue  # not a match at all: some word is missing
        everything_exact, everything_plain = sum(exact, []), sum(plain, [])
        tests = [
            (lambda ws: _phrase_in(typed, ws), exact, _phrase_in(typed, everything_exact)),
            (lambda ws: set(typed) <= set(ws), exact, set(typed) <= set(everything_exact)),
            (lambda ws: _phrase_in(folded, ws), plain, _phrase_in(folded, everything_plain)),
            (lambda ws: set(folded) <= set(ws), plain, True),
        ]
        grade = (4, 0)
        toned = fold(query) != query.casefold()  # no tones typed: every spelling is equal
        for kind, (holds, per_field, anywhere) in enumerate(tests):
            if kind < 2 and not toned:
                continue
            where = next((i for i in (0, 1) if holds(per_field[i])), 2 if anywhere else None)
            if where is not None:
                grade = (kind, where)
                break
        graded.append((grade, -article.published_at.timestamp(), article.title))
    return [title for *_, title in sorted(graded)]


# -- the set --------------------------------------------------------------------------------

# (query, the titles that must open the results, in this order)
EXPECTED_TOP = [
    # "cầu" (bridge, pray): every article with "cầu" before "Câu lạc bộ…" (câu) and others.
    ("cầu", [
        "Làng chài ven biển phục dựng lễ hội cầu ngư sau nhiều năm gián đoạn",
        "Lãnh đạo UBND tỉnh kiểm tra tiến độ dự án đường ven biển phía nam",
    ]),
    # without tones the reader gets every spelling, title hits first
    ("cau", ["Câu lạc bộ liên thế hệ, điểm tựa của người cao tuổi ở Nha Trang"]),
    ("khánh hòa", [
        "Khánh Hòa tăng tốc tiêm vắc xin sởi cho trẻ trước mùa tựu trường",
        "Khánh Hòa đẩy mạnh phát triển du lịch cộng đồng ở vùng núi",
    ]),
    ("Khanh Hoa", [
        "Khánh Hòa tăng tốc tiêm vắc xin sởi cho trẻ trước mùa tựu trường",
        "Khánh Hòa đẩy mạnh phát triển du lịch cộng đồng ở vùng núi",
    ]),
    ("khánh hoa", [  # mixed: tones on one word only
        "Khánh Hòa tăng tốc tiêm vắc xin sởi cho trẻ trước mùa tựu trường",
        "Khánh Hòa đẩy mạnh phát triển du lịch cộng đồng ở vùng núi",
    ]),
]  # fmt: skip
QUERIES = [q for q, _ in EXPECTED_TOP] + [
    "học sinh", "hoc sinh", "Nha Trang", "nha trang", "Cam Lâm", "Cam Ranh", "Ninh Hòa", "Khánh Sơn", "đảng bộ",
    "dang bo", "biển", "bien", "du lịch cộng đồng", "người cao tuổi", "Đảng bộ xã Cam Lâm",
    "tiêm vắc xin", "an toàn giao thông", "mùa xoài",
]  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "top"), EXPECTED_TOP)
def test_reader_expectations_open_the_results(demo_paper, query, top):
    assert titles(query, len(top)) == top


def test_cau_ranks_every_article_with_cau_above_those_without(demo_paper):
    ranked = titles("cầu", 100)
    with_it = [
        a.title
        for a in demo_paper
        if "cầu" in _words(" ".join([a.title, a.sapo, strip_tags(a.body)]).casefold())
    ]
    assert len(with_it) >= 3
    assert set(ranked[: len(with_it)]) == set(with_it)


@pytest.mark.parametrize("query", QUERIES)
def test_ranking_follows_the_rule(demo_paper, query):
    expected = expected_order(query, demo_paper)
    assert expected, f"the demo paper has nothing for {query!r}"
    assert titles(query, len(expected) + 5) == expected
