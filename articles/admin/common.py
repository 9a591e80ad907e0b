"""Small pieces shared by the admin modules: accent-insensitive search, thumbnails and
read-only records."""

from django.db.models import Q, QuerySet
from django.utils.html import format_html

from articles.vietnamese import fold

MAX_SEARCH_WORDS = 8


def folded_search(queryset: QuerySet, term: str, field: str = "search_text") -> QuerySet:
    """Rows whose folded `field` holds every word of `term`: "da nang" finds "Đà Nẵng",
    "Khánh Hoà" finds "Khánh Hòa". The column is folded on save (NFD, marks dropped,
    đ → d, casefolded), so one contains per word works alike on SQLite and PostgreSQL."""
    query = Q()
    for word in fold(term or "").split()[:MAX_SEARCH_WORDS]:
        query &= Q(**{f"{field}__contains": word})
    return queryset.filter(query)


class FoldedSearchMixin:
    """ModelAdmin search through the folded search_text column instead of icontains over
    accented text (which would miss "Khanh Hoa" for "Khánh Hòa")."""

    search_fields = ["search_text"]  # shows the search box; the lookup below replaces it

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return folded_search(queryset, search_term), False


def thumbnail(image, width: int = 120):
    """An <img> of the smallest rendition, for lists and previews."""
    if image is None:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="newsroom-thumb" loading="lazy">',
        image.url_for(480),
        image.alt,
        width,
    )


class ReadOnlyAdminMixin:
    """For records written only by the code (moves, notifications, the audit log, a
    reporter's own royalties): they can be read, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
