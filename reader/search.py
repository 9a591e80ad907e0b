"""Reader search that ignores tones, case and đ/d, the same on PostgreSQL and SQLite.

Matching: on PostgreSQL the weighted `search_vector` (text-search configuration
`vi_unaccent`, GIN index) and, when nothing matches, trigram similarity on unaccented titles
for typos; elsewhere (SQLite in development and the default test run) the folded
`search_text` column. `uses_postgres()` is the only place that decides.

Ranking: the newest RANK_LIMIT matches are ordered by `rank_key()`, one pure function for
every database, the way a Vietnamese reader expects: the phrase as typed (tones kept), then
the words as typed, then the phrase without tones, then the words without tones; within
each, title before sapo before body; then newer first. "cầu" puts every article with
"cầu" above those that only have "câu" or "cấu". Whether the body has the exact words is
asked of the database (PostgreSQL: `search_exact`, SQLite: the text), title and sapo are
checked here. Work per search is bounded whatever the size of the archive.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Article, Category
from articles.search_index import EXACT_CONFIG, SEARCH_CONFIG, uses_postgres
from articles.vietnamese import (
    fold,
    fold_char_map,
    fold_chars,
    has_diacritics,
    nfc,
    sort_key,
    without_controls,
)
from pagecache.fragments import fragment

MAX_QUERY_LENGTH = 200  # the search boxes say maxlength="200" too
MAX_WORDS = 12
PER_PAGE = 20
# The newest RANK_LIMIT matches are ranked and shown, MAX_PAGES pages of them; past
# COUNT_LIMIT the page says "Hơn 1.000 kết quả". Checking a match reads its search vector,
# so these bound the work of a search for a word that half the archive contains.
RANK_LIMIT = 500
MAX_PAGES = RANK_LIMIT // PER_PAGE
COUNT_LIMIT = 1_000

# Letters and digits; "_" splits words as it does in PostgreSQL's text-search parser.
_WORD = re.compile(r"[^\W_]+")


# -- the query -----------------------------------------------------------------------------


def clean_query(raw: str) -> tuple[str, bool]:
    """NFC, no control characters, single spaces, at most MAX_QUERY_LENGTH characters (cut
    at a space when possible). Returns (query, was_cut)."""
    text = nfc(without_controls((raw or "")[: MAX_QUERY_LENGTH * 4], replacement=" "))
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    cut = text[:MAX_QUERY_LENGTH]
    if " " in cut and not text[MAX_QUERY_LENGTH].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.strip(), True


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _parse_date(value: str) -> date | None:
    """ "2026-11-27" from <input type="date">, or "27/11/2026" typed by hand."""
    value = (value or "").strip()
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


@dataclass
class SearchParams:
    """What the reader asked for, cleaned. Built from the query string; never raises."""

    query: str = ""
    cut: bool = False
    category: Category | None = None
    date_from: date | None = None
    date_to: date | None = None
    categories: list[Category] = field(default_factory=list)

    @classmethod
    def from_querydict(cls, params) -> "SearchParams":
        query, cut = clean_query(params.get("q", ""))
        categories = filter_categories()
        slug = params.get("chuyen-muc", "")
        category = next((c for c in categories if c.slug == slug), None)
        date_from = _parse_date(params.get("tu-ngay", ""))
        date_to = _parse_date(params.get("den-ngay", ""))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(query, cut, category, date_from, date_to, categories)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Folded words of the query, in order, without repeats: "Học tập" -> (hoc, tap)."""
        return _unique(_WORD.findall(fold(self.query)))[:MAX_WORDS]

    @cached_property
    def exact_words(self) -> tuple[str, ...]:
        """The words as typed, tones kept, case folded: for the exact-tone ranking."""
        return _unique(_WORD.findall(self.query.casefold()))[:MAX_WORDS]

    @cached_property
    def word_patterns(self) -> list[re.Pattern]:
        return [re.compile(_word_regex(word)) for word in self.words]

    @cached_property
    def exact_patterns(self) -> list[re.Pattern]:
        return [re.compile(_word_regex(word)) for word in self.exact_words]

    @cached_property
    def phrase_pattern(self) -> re.Pattern:
        return re.compile(_phrase_regex(self.words))

    @cached_property
    def exact_phrase_pattern(self) -> re.Pattern:
        return re.compile(_phrase_regex(self.exact_words))

    @cached_property
    def toned(self) -> bool:
        """The reader typed tones or marks: then what they typed ranks first. Without any,
        every spelling is equally what they meant (and no exact-tone check is paid for)."""
        return has_diacritics(self.query)

    @property
    def is_empty(self) -> bool:
        return not self.words

    @property
    def cache_key(self) -> str:
        """What the results depend on besides the content, as a short fixed-size key."""
        asked = [
            self.query,
            self.category.pk if self.category else "",
            self.date_from,
            self.date_to,
        ]
        return hashlib.blake2b("\0".join(map(str, asked)).encode(), digest_size=16).hexdigest()


def filter_categories() -> list[Category]:
    """Categories for the filter select: each top-level one followed by its children."""
    rows = list(Category.by_id().values())

    def menu_order(category):
        return (category.position, sort_key(category.name))

    ordered = []
    for top in sorted((c for c in rows if c.parent_id is None), key=menu_order):
        ordered.append(top)
        ordered += sorted((c for c in rows if c.parent_id == top.pk), key=menu_order)
    return ordered


# -- matching ------------------------------------------------------------------------------


def _word_regex(word: str) -> str:
    return rf"\b{re.escape(word)}\b"


def _phrase_regex(words) -> str:
    """Words next to each other, whatever punctuation or spaces sit between them."""
    return r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b"


def _matches_all_words(words) -> Q:
    if uses_postgres():
        return Q(search_vector=SearchQuery(" ".join(words), config=SEARCH_CONFIG))
    q = Q()
    for word in words:
        # LIKE narrows cheaply; the regular expression then insists on whole words.
        q &= Q(search_text__contains=word, search_text__regex=_word_regex(word))
    return q


def _matches_phrase(words) -> Q:
    if uses_postgres():
        phrase = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="phrase")
        return Q(search_vector=phrase)
    return Q(search_text__regex=_phrase_regex(words))


def _has_exact(params: SearchParams, phrase: bool) -> Q:
    """The words as typed (tones kept, any case) anywhere in the article: next to each other
    when `phrase`, else each somewhere. PostgreSQL reads search_exact; SQLite the text."""
    if uses_postgres():
        kind = "phrase" if phrase else "plain"
        return Q(search_exact=SearchQuery(params.query, config=EXACT_CONFIG, search_type=kind))
    patterns = (
        [_phrase_regex(params.exact_words)] if phrase else map(_word_regex, params.exact_words)
    )
    q = Q()
    for pattern in patterns:
        q &= Q(title__iregex=pattern) | Q(sapo__iregex=pattern) | Q(body__iregex=pattern)
    return q


def _flag(q: Q, always: bool = False):
    return Value(True) if always else Case(When(q, then=Value(True)), default=Value(False))


def _filtered(params: SearchParams) -> QuerySet:
    articles = Article.objects.published()
    if params.category is not None:
        articles = articles.in_category(params.category)
    if params.date_from:
        start = timezone.make_aware(datetime.combine(params.date_from, time.min))
        articles = articles.filter(published_at__gte=start)
    if params.date_to:
        end = timezone.make_aware(datetime.combine(params.date_to + timedelta(days=1), time.min))
        articles = articles.filter(published_at__lt=end)
    return articles


def _unaccented_title() -> Func:
    # Must read exactly like the expression of the index article_title_trgm_idx.
    return Func(F("title"), function="f_unaccent", output_field=TextField())


# -- ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A match to rank: its title and sapo, and what the database found in the whole text."""

    pk: int
    title: str
    sapo: str
    phrase: bool  # the folded words next to each other somewhere
    exact_phrase: bool = False  # the words as typed, next to each other somewhere
    exact_words: bool = False  # the words as typed, each somewhere


# What a reader means first: the phrase as typed, the words as typed, the phrase without
# tones, the words without tones. Within each: title, then sapo, then body.
EXACT_PHRASE, EXACT_WORDS, FOLDED_PHRASE, FOLDED_WORDS = range(4)
TITLE, SAPO, BODY = range(3)


def _has_all(text: str, patterns) -> bool:
    return all(pattern.search(text) for pattern in patterns)


def rank_key(candidate: Candidate, params: SearchParams) -> tuple[int, int]:
    """(kind of match, where), smallest first. Title and sapo are checked here, the body by
    the database (the candidate's flags). Candidates arrive newest first and the sort is
    stable, so equal keys stay newest first."""
    exact_title, exact_sapo = candidate.title.casefold(), candidate.sapo.casefold()
    folded_title, folded_sapo = fold_chars(candidate.title), fold_chars(candidate.sapo)
    kinds = (
        (EXACT_PHRASE, [params.exact_phrase_pattern], exact_title, exact_sapo,
         candidate.exact_phrase),
        (EXACT_WORDS, params.exact_patterns, exact_title, exact_sapo,
         candidate.exact_words or candidate.exact_phrase),
        (FOLDED_PHRASE, [params.phrase_pattern], folded_title, folded_sapo,
         candidate.phrase or candidate.exact_phrase),
        (FOLDED_WORDS, params.word_patterns, folded_title, folded_sapo, True),
    )  # fmt: skip
    for kind, patterns, title, sapo, in_body in kinds[0 if params.toned else FOLDED_PHRASE :]:
        if _has_all(title, patterns):
            return kind, TITLE
        if _has_all(sapo, patterns):
            return kind, SAPO
        if in_body:
            return kind, BODY
    return FOLDED_WORDS, BODY


@dataclass
class SearchResults:
    ids: list[int] = field(default_factory=list)  # ranked, at most MAX_PAGES pages
    total: int = 0
    approximate: bool = False  # typo fallback: titles that look alike

    @property
    def over_count_limit(self) -> bool:
        return self.total >= COUNT_LIMIT

    @property
    def capped(self) -> bool:
        """More matches than the pages show."""
        return self.total > len(self.ids)

    @property
    def total_display(self) -> str:
        """ "1.205": Vietnamese thousands separator."""
        return f"{self.total:,}".replace(",", ".")


def results_for(params: SearchParams) -> SearchResults:
    """run(), kept until the content changes: a word many readers look for is ranked once
    per content generation (pagecache/generations.py), not once per reader."""
    if params.is_empty:
        return SearchResults()
    return fragment("search", lambda: run(params), extra=params.cache_key)


def run(params: SearchParams) -> SearchResults:
    """Match, rank the newest RANK_LIMIT matches, cap to MAX_PAGES pages. Two queries in the
    common case; one more to count past RANK_LIMIT; one more for the typo fallback."""
    if params.is_empty:
        return SearchResults()
    words = params.words
    base = _filtered(params)
    matches = base.filter(_matches_all_words(words))
    single, toned = len(words) == 1, params.toned
    rows = (
        matches.annotate(
            phrase_hit=_flag(_matches_phrase(words), always=single),
            exact_phrase=_flag(_has_exact(params, phrase=True)) if toned else Value(False),
            # One word: its phrase is the word; the flag above says it all.
            exact_words=_flag(_has_exact(params, phrase=False))
            if toned and not single
            else Value(False),
        )
        .order_by("-published_at", "-pk")
        .values_list("pk", "title", "sapo", "phrase_hit", "exact_phrase", "exact_words")[
            :RANK_LIMIT
        ]
    )
    candidates = [
        Candidate(pk, title, sapo, bool(hit), bool(exact_phrase), bool(exact_words))
        for pk, title, sapo, hit, exact_phrase, exact_words in rows
    ]
    if candidates:
        candidates.sort(key=lambda c: rank_key(c, params))
        # Counting every hit of a common word costs more than the search; stop at COUNT_LIMIT.
        total = (
            len(candidates)
            if len(candidates) < RANK_LIMIT
            else matches.order_by()[:COUNT_LIMIT].count()
        )
        return SearchResults([c.pk for c in candidates][: MAX_PAGES * PER_PAGE], total)
    if uses_postgres():
        return _typo_fallback(base, params)
    return SearchResults()


def _typo_fallback(base: QuerySet, params: SearchParams) -> SearchResults:
    """Titles whose unaccented words look like the query ("khanh hao" -> "Khánh Hòa"), most
    alike first. `%>` is pg_trgm's word-similarity operator and uses the trigram index."""
    phrase = " ".join(params.words)
    ids = list(
        base.annotate(title_unaccent=_unaccented_title())
        .filter(title_unaccent__trigram_word_similar=phrase)
        .annotate(similarity=TrigramWordSimilarity(phrase, _unaccented_title()))
        .order_by("-similarity", "-published_at", "-pk")
        .values_list("pk", flat=True)[: MAX_PAGES * PER_PAGE]
    )
    return SearchResults(ids, len(ids), approximate=bool(ids))


# -- a page of results ---------------------------------------------------------------------


def page_html(page, params: SearchParams) -> str:
    """A page of results as HTML, kept like the ranking: drawn once per content generation."""
    if not page.object_list:
        return ""
    return fragment(
        "search:page",
        lambda: render_to_string(
            "articles/search_results.html", {"articles": load_page(page, params)}
        ),
        extra=f"{params.cache_key}:{page.number}",
    )


def load_page(page, params: SearchParams) -> list[Article]:
    """The articles of a page of ranked ids, in rank order, with highlighted title and sapo.
    Two queries (articles with category and cover, cover renditions) whatever the page size.
    Re-filtered through published(): an article taken down since the ranking drops out."""
    ids = list(page.object_list)
    found = Article.objects.published().for_listing().in_bulk(ids)
    articles = [found[pk] for pk in ids if pk in found]
    for article in articles:
        article.title_marked = highlight(article.title, params.words)
        article.sapo_marked = highlight(article.sapo, params.words)
    return articles


def highlight(text: str, words) -> str:
    """`text` escaped, with each matched word wrapped in <mark>. Matching runs on the folded
    text; fold_char_map() gives each folded character's origin, so the marks land on the
    original accented letters. Adjacent hits ("Đảng bộ") share one mark."""
    if not text or not words:
        return format_html("{}", text or "")
    folded, origin = fold_char_map(text)
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
    )
    spans: list[list[int]] = []
    for match in pattern.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1  # a stray combining mark belongs to the letter before it
        if spans and not text[spans[-1][1] : start].strip():
            spans[-1][1] = end
        else:
            spans.append([start, end])
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    pieces.append(text[position:])
    # format_html_join escapes the plain pieces and keeps the <mark> pieces as they are.
    return format_html_join("", "{}", ((piece,) for piece in pieces))
