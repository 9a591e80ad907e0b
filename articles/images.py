"""Photo uploads: strict decoding, renditions, and responsive attributes for body figures."""

import io
import re
import secrets
import warnings
from html import escape, unescape

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageOps

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
DEFAULT_WIDTH = 960

# WebP (the renditions' first format) cannot encode a side longer than this.
WEBP_MAX_SIDE = 16383
# A strip longer than this many times its width (or the other way round) is no photo.
MAX_ASPECT = 60

REFUSED = "Tệp không phải ảnh hợp lệ. Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF."
TRUNCATED = (
    "Tệp ảnh bị hỏng hoặc không đầy đủ (có thể việc tải lên bị ngắt giữa chừng). "
    "Vui lòng tải lại tệp ảnh gốc."
)
SHAPE = (
    "Ảnh quá dài hoặc quá hẹp ({width} × {height} điểm ảnh): cạnh dài không được quá "
    "{limit} lần cạnh ngắn."
)
TOO_LARGE = "Ảnh quá lớn ({pixels:,} điểm ảnh). Giới hạn là {limit:,} điểm ảnh."


def decode_upload(uploaded) -> PILImage.Image:
    """Open and fully decode an upload, or raise ValidationError with a clear message.

    verify() alone accepts truncated files, so the pixels are actually loaded. Pillow's
    decompression-bomb warning is raised as an error, with the limit taken from settings."""
    PILImage.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
    try:
        uploaded.seek(0)
    except (AttributeError, OSError, ValueError):
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(uploaded)
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(REFUSED, code="format")
            _check_shape(*image.size)
            try:
                image.load()
            except (OSError, SyntaxError, ValueError) as exc:  # a cut or damaged stream
                raise ValidationError(TRUNCATED, code="truncated") from exc
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        width_height = getattr(exc, "args", [""])
        raise ValidationError(
            "Ảnh quá lớn để xử lý an toàn (nghi là ảnh bom nén).", code="bomb"
        ) from (exc if width_height else None)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any decoder failure means "not an image"
        raise ValidationError(REFUSED, code="invalid") from exc
    finally:
        try:
            uploaded.seek(0)
        except (AttributeError, OSError, ValueError):
            pass
    return image


def _check_shape(width: int, height: int) -> None:
    if max(width, height) > MAX_ASPECT * max(1, min(width, height)):
        message = SHAPE.format(width=width, height=height, limit=MAX_ASPECT)
        raise ValidationError(message, code="shape")


def validate_image_file(uploaded) -> None:
    """Model field validator: the admin form and full_clean() run it on every upload. A file
    already stored (an edit of the alt text or caption) was checked when it came in."""
    if getattr(uploaded, "_committed", False):
        return
    decode_upload(uploaded)


_METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment")


def strip_metadata(field_file) -> bool:
    """Re-encode a new upload without its metadata (EXIF with GPS and camera, XMP,
    comments), its orientation applied, so the public original tells no more than the
    renditions. An image with no metadata is kept byte for byte. True when re-encoded."""
    image = decode_upload(field_file)
    if not image.getexif() and not any(key in image.info for key in _METADATA):
        return False
    if getattr(image, "n_frames", 1) > 1:
        return False  # animated GIF/WebP: Pillow writes no EXIF for them unless asked
    upright = ImageOps.exif_transpose(image)
    options = {"icc_profile": image.info.get("icc_profile")}
    if image.format == "JPEG":
        options.update(quality=95, optimize=True)
    elif image.format == "WEBP":
        options.update(quality=95, lossless=image.info.get("lossless", False))
    buffer = io.BytesIO()
    upright.save(buffer, image.format, **{k: v for k, v in options.items() if v is not None})
    field_file.file = ContentFile(buffer.getvalue(), name=field_file.name)
    return True


def upload_path(instance, filename: str) -> str:
    """Dated folder, random name: an uploader's file name never reaches a URL or the disk."""
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if ext not in {"jpg", "jpeg", "png", "webp", "gif"}:
        ext = "jpg"
    return f"images/{now:%Y/%m}/{secrets.token_hex(8)}.{ext}"


def _flatten(image: PILImage.Image) -> PILImage.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.split()[-1])
        return background
    return image.convert("RGB")


def render_variants(source: PILImage.Image):
    """Yield (width, height, ext, bytes) for each rendition: 480/960/1600 px wide in WebP and
    JPEG, never wider than the original (the original width stands in when it is smaller)."""
    base = _flatten(source)
    # A tall image's height must stay within WebP's limit: narrower renditions, then.
    cap = max(1, base.width * WEBP_MAX_SIDE // base.height)
    widths = sorted({min(w, base.width, cap) for w in RENDITION_WIDTHS})
    for width in widths:
        height = max(1, round(base.height * width / base.width))
        resized = base if width == base.width else base.resize((width, height), PILImage.LANCZOS)
        for ext, (fmt, options) in RENDITION_FORMATS.items():
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            yield width, height, ext, buffer.getvalue()


def make_renditions(image) -> None:
    """Create the renditions of an `articles.Image` once; later saves reuse them."""
    Rendition = image.renditions.model  # noqa: N806  (the models module imports this one)
    if image.renditions.exists():
        return
    image.file.open("rb")
    try:
        source = decode_upload(image.file)
        stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        rows = []
        for width, height, ext, data in render_variants(source):
            rendition = Rendition(image=image, width=width, height=height, format=ext)
            rendition.bytes = len(data)
            rendition.file.save(f"{stem}-{width}.{ext}", ContentFile(data), save=False)
            rows.append(rendition)
        Rendition.objects.bulk_create(rows)
    finally:
        image.file.close()


_FIGURE_IMG = re.compile(r"<img\b[^>]*\bdata-file=\"(\d+)\"[^>]*>")
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def figure_ids(html: str) -> set[int]:
    return {int(m) for m in _FIGURE_IMG.findall(html or "")}


def img_attributes(
    image, *, lazy: bool = True, sizes: str = "(min-width: 60em) 720px, 100vw"
) -> dict:
    """Attributes for a body <img>: JPEG src, WebP srcset, intrinsic size, lazy loading."""
    sources = picture_sources(image, lazy=lazy, sizes=sizes)
    attrs = {key: sources[key] for key in ("src", "width", "height", "alt")}
    if sources["webp_srcset"]:
        attrs["srcset"] = sources["webp_srcset"]
        attrs["sizes"] = sizes
    if lazy:
        attrs["loading"] = "lazy"
    return attrs


def enrich_figures(html: str, images: dict | None = None) -> str:
    """Give each library image in a body its renditions, dimensions and lazy loading.
    `images` ({pk: Image} with renditions) spares the query when many bodies are drawn."""
    Image = apps.get_model("articles", "Image")  # noqa: N806  (models import this module)
    ids = figure_ids(html)
    if not ids:
        return html
    if images is None:
        found = Image.objects.filter(pk__in=ids).prefetch_related("renditions")
        images = {i.pk: i for i in found}

    def replace(match: re.Match) -> str:
        image = images.get(int(match.group(1)))
        if image is None:
            return match.group(0)
        existing = dict(_ATTR.findall(match.group(0)))
        attrs = img_attributes(image)
        if existing.get("alt"):
            attrs["alt"] = unescape(existing["alt"])
        attrs["data-file"] = str(image.pk)
        inner = " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attrs.items())
        return f"<img {inner}>"

    return _FIGURE_IMG.sub(replace, html)


def picture_sources(image, *, lazy: bool = True, sizes: str = "100vw") -> dict:
    """What a template's <picture> needs: a WebP srcset for <source>, a JPEG srcset and src
    for <img>, intrinsic size and alt. Strings only, never localised numbers."""
    renditions = image.rendition_map()
    by_format: dict[str, list] = {"webp": [], "jpg": []}
    for (_width, fmt), rendition in sorted(renditions.items()):
        by_format.setdefault(fmt, []).append(rendition)
    jpgs = by_format["jpg"]
    src = next((r for r in jpgs if r.width >= DEFAULT_WIDTH), jpgs[-1] if jpgs else None)
    return {
        "webp_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in by_format["webp"]),
        "jpg_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpgs),
        "src": src.file.url if src else image.file.url,
        "width": str(src.width if src else image.width),
        "height": str(src.height if src else image.height),
        "alt": image.alt,
        "sizes": sizes,
        "loading": "lazy" if lazy else "eager",
    }
