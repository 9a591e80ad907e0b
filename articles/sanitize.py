"""The HTML cleaner, and the only place in the project that marks HTML as safe.

Article bodies arrive from the rich-text editor, from imports and from fixtures. Whatever the
path, they are cleaned here with nh3 (ammonia) before they are stored, so what is stored can
be shown as HTML. Nothing else in the project calls mark_safe on stored text.
"""

import json
import re

import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from articles.vietnamese import nfc

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "u", "s", "sub", "sup", "a",
    "ul", "ol", "li", "blockquote", "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "data-file"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
_DIGITS = re.compile(r"^[0-9]{1,12}$")
# An <img> the filter left with neither a source of ours nor a library id: a foreign picture.
_BARE_IMG = r'<img(?![^>]*\b(?:src|data-file)=")[^>]*>'
_BARE_IMG_ALONE = re.compile(rf"<p>\s*(?:{_BARE_IMG}\s*)+</p>|{_BARE_IMG}")
_FIGURE = re.compile(r"<figure>(.*?)</figure>", re.S)
_FIGCAPTION = re.compile(r"<figcaption>.*?</figcaption>", re.S)
# A caption written when the credit still carried its own "Ảnh:" ("(Ảnh: Ảnh: X.T)").
_DOUBLE_CREDIT = re.compile(r"\(Ảnh:\s*Ảnh\s*:\s*", re.IGNORECASE)
_SIZES = re.compile(r"^[0-9a-z(),:. %-]{1,200}$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """Keep only images served from our own media, numeric ids and plain numbers."""
    if tag == "img":
        if attr in {"src", "srcset"}:
            urls = [part.split()[0] for part in value.split(",") if part.strip()]
            media = settings.MEDIA_URL
            # MEDIA_URL may be a bucket's or a CDN's absolute base (newsroom/storage.py).
            ok = bool(urls) and all(
                u.startswith(media) and "//" not in u[len(media) :] for u in urls
            )
            return value if ok else None
        if attr in {"data-file", "width", "height"}:
            return value if _DIGITS.match(value) else None
        if attr == "loading":
            return value if value in {"lazy", "eager"} else None
        if attr == "sizes":
            return value if _SIZES.match(value) else None
    if attr in {"colspan", "rowspan", "start"}:
        return value if _DIGITS.match(value) else None
    return value


_cleaner = None


def _get_cleaner() -> nh3.Cleaner:
    # Built lazily: MEDIA_URL is a setting and tests may override it.
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=TAGS,
            attributes=ATTRIBUTES,
            attribute_filter=_attribute_filter,
            clean_content_tags={"script", "style"},
            strip_comments=True,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer",
        )
    return _cleaner


def clean_html(value: str | None) -> str:
    """Return `value` as allowlisted HTML. Idempotent: cleaning clean HTML changes nothing."""
    if not value:
        return ""
    html = _without_bare_images(_get_cleaner().clean(nfc(str(value)))).strip()
    html = _DOUBLE_CREDIT.sub("(Ảnh: ", html)
    # The editor always leaves one empty paragraph in an empty document.
    return "" if html in {"<p></p>", "<p><br></p>"} else html


def _without_bare_images(html: str) -> str:
    """Remove what is left of a foreign picture: the <img> (an image with no source is
    invalid HTML, and its missing alt fails accessibility checks), the paragraph it stood
    alone in, and its figure when nothing but a caption remains."""
    if "<img" not in html:
        return html
    html = _BARE_IMG_ALONE.sub("", html)

    def figure(match: re.Match) -> str:
        return "" if not _FIGCAPTION.sub("", match.group(1)).strip() else match.group(0)

    return _FIGURE.sub(figure, html)


def trusted_html(value: str) -> SafeString:
    """Mark stored body HTML safe. Callers pass only values produced by clean_html() (the
    Article.body_html column is written by it on every save path), never reader input."""
    return mark_safe(value)  # noqa: S308 -- value is clean_html() output, see docstring


def stored_render(value: str) -> SafeString:
    """Mark safe HTML rendered by the project's own templates, which escaped every value
    they printed, kept as rendered: an article's stored parts (articles/parts.py), the
    pieces of a drawn form."""
    return mark_safe(value)  # noqa: S308 -- template output, see docstring


def json_ld_script(data) -> SafeString:
    """<script type="application/ld+json"> with <, > and & escaped inside the JSON, so no
    title or sapo can close the script element."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
