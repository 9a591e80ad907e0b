"""Cover and figure pictures for the demo, drawn with Pillow: no downloads, no photos of
anyone. Each picture is a seeded landscape (sky, sea or fields, hills, sun)."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

PALETTES = [
    ((120, 180, 230), (20, 90, 160), (40, 120, 70)),
    ((250, 200, 150), (200, 90, 60), (90, 60, 40)),
    ((170, 210, 240), (30, 140, 170), (210, 190, 130)),
    ((200, 220, 200), (60, 130, 90), (30, 80, 50)),
    ((230, 230, 250), (110, 110, 170), (70, 70, 110)),
]


def draw_picture(seed: int, size=(1600, 900)) -> bytes:
    rng = random.Random(seed)
    sky, sea, land = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.45, 0.65))
    for y in range(horizon):  # sky gradient
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(int(c * (1 - 0.35 * t)) for c in sky))
    r = max(8, int(height * rng.uniform(0.06, 0.12)))
    sun_x = rng.randint(r, width - r)
    sun_y = rng.randint(r, max(r + 1, horizon - r))
    draw.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=(255, 236, 170))
    step = max(10, width // 16)
    for layer in range(3):  # hills
        shade = tuple(max(0, c - 25 * layer) for c in land)
        points = [(0, height)]
        for x in range(0, width + step, step):
            points.append(
                (x, horizon - int(height * rng.uniform(0.02, 0.18)) + layer * height // 15)
            )
        points.append((width, height))
        draw.polygon(points, fill=shade)
    draw.rectangle([0, int(height * 0.8), width, height], fill=sea)  # water or road
    for _ in range(25):
        x, y = rng.randint(0, width), rng.randint(int(height * 0.8), height)
        draw.line(
            [(x, y), (x + rng.randint(width // 80, width // 18), y)], fill=(230, 240, 250), width=3
        )
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
