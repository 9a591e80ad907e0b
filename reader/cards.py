"""Listing cards: how an article shows in the list of a category, byline or topic page.

A card is rendered once per generation of the site and the content (pagecache/generations.py) and
kept as HTML. A page asks for the cards of its ids in one cache round trip and loads from
the database only the articles whose card no cache holds, so a listing's cost does not
depend on how its articles are drawn.
"""

from django.template.loader import render_to_string

from articles.models import Article
from pagecache.fragments import fragments
from pagecache.generations import CONTENT, SITE

TEMPLATES = {"lead": "includes/article_lead.html", "item": "includes/article_item.html"}


def cards(ids, *, lead_first: bool = False, level: int = 3, show_category: bool = False):
    """The cards of the articles `ids`, in that order; the first one big when `lead_first`.
    An article gone since its id was read has an empty card."""
    ids = list(ids)
    kinds = {pk: "lead" if lead_first and n == 0 else "item" for n, pk in enumerate(ids)}
    extras = {pk: f"{kinds[pk]}:{level}:{int(show_category)}:{pk}" for pk in ids}

    def build(missing):
        wanted = {pk for pk, extra in extras.items() if extra in missing}
        found = Article.objects.for_listing().in_bulk(wanted)
        context = {"level": level, "show_category": show_category}
        return {
            extras[pk]: render_to_string(TEMPLATES[kinds[pk]], {**context, "a": found[pk]})
            if pk in found
            else ""
            for pk in wanted
        }

    html = fragments("card", extras.values(), build, scopes=(SITE, CONTENT))
    return [html[extras[pk]] for pk in ids]
