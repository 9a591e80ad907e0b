"""Autosave: the article form as a user left it, kept privately for that user.

The editor's page posts the form's fields every ~15 s and when the page is left; one row
per article and user is overwritten each time (the table never grows with autosaves), and
it is deleted when that user saves the article. Reopening the form offers the autosave when
one is there. A new article's form (not saved yet) has one autosave per user, with no
article, offered on the next "add" form."""

import json

from django.http import QueryDict
from django.utils import timezone

from articles import locking
from articles.models import ArticleAutosave

# Fields of the article form that an autosave never carries: tokens, the inline formsets'
# bookkeeping, and the buttons.
_SKIPPED_PREFIXES = ("csrfmiddlewaretoken", "_", "transitions-", "revisions-")
MAX_BYTES = 2_000_000


class TooLarge(ValueError):
    pass


def store(article, user, payload: str, version: int) -> ArticleAutosave:
    """Keep `payload` (a JSON object of field name -> list of values) for this user;
    `article` is None for the form of a new article."""
    if len(payload) > MAX_BYTES:
        raise TooLarge("Bản lưu tự động quá lớn.")
    data = json.loads(payload or "{}")
    if not isinstance(data, dict):
        raise ValueError("Dữ liệu lưu tự động không hợp lệ.")
    cleaned = {
        str(key): [str(v) for v in (values if isinstance(values, list) else [values])]
        for key, values in data.items()
        if not str(key).startswith(_SKIPPED_PREFIXES)
    }
    saved, _ = ArticleAutosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={"data": cleaned, "version": version, "saved_at": timezone.now()},
    )
    if article is not None:
        locking.heartbeat(article, user)
    return saved


def offered(article, user) -> ArticleAutosave | None:
    if not user.is_authenticated:
        return None
    if article is None:
        return ArticleAutosave.objects.filter(article__isnull=True, user=user).first()
    return ArticleAutosave.objects.filter(article=article, user=user).first()


def discard(article, user) -> None:
    if article is None:
        ArticleAutosave.objects.filter(article__isnull=True, user=user).delete()
    else:
        ArticleAutosave.objects.filter(article=article, user=user).delete()


def as_querydict(autosave: ArticleAutosave) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in autosave.data.items():
        data.setlist(key, values)
    return data


def initial_for(form_class, autosave: ArticleAutosave) -> dict:
    """The form's initial values from an autosave, read by each field's own widget (so a
    split date and time, a multiple choice or a checkbox come back as typed)."""
    data = as_querydict(autosave)
    initial = {}
    for name, field in form_class.base_fields.items():
        if name in ("opened_version", "overwrite_version"):
            continue
        if field.widget.value_omitted_from_data(data, {}, name):
            continue
        initial[name] = field.widget.value_from_datadict(data, {}, name)
    initial["opened_version"] = autosave.version
    return initial
