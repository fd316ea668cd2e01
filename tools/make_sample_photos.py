"""Draw the sample site's photos (made by us for this repository: no licence to track).

Deterministic: running it again writes the same files. Smooth shapes and gradients keep each JPEG
near 100 KB, so the photos in git stay well under 2 MB together.

    .venv/bin/python tools/make_sample_photos.py
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

CONTENT = Path(__file__).resolve().parents[1] / "content"


def landscape(size: tuple[int, int], seed: int, sky: tuple[int, int, int], ground: tuple[int, int, int]) -> Image.Image:
    """A road running to the horizon under a sky, with hills and buildings: enough detail to look like a photo."""
    rnd = random.Random(seed)
    w, h = size
    im = Image.new("RGB", size)
    d = ImageDraw.Draw(im)
    horizon = int(h * rnd.uniform(0.42, 0.55))
    for y in range(horizon):  # sky: darker at the top
        t = y / horizon
        d.line([(0, y), (w, y)], fill=tuple(int(c * (0.65 + 0.35 * t)) for c in sky))
    for y in range(horizon, h):
        t = (y - horizon) / (h - horizon)
        d.line([(0, y), (w, y)], fill=tuple(int(c * (0.8 + 0.2 * t)) for c in ground))
    sun = (int(w * rnd.uniform(0.15, 0.85)), int(horizon * rnd.uniform(0.2, 0.5)))
    r = int(min(w, h) * 0.06)
    d.ellipse([sun[0] - r, sun[1] - r, sun[0] + r, sun[1] + r], fill=(255, 236, 180))
    for _ in range(5):  # hills
        cx, hw, hh = rnd.uniform(0, w), rnd.uniform(w * 0.15, w * 0.4), rnd.uniform(h * 0.05, h * 0.15)
        shade = tuple(int(c * rnd.uniform(0.55, 0.8)) for c in ground)
        d.polygon([(cx - hw, horizon), (cx, horizon - hh), (cx + hw, horizon)], fill=shade)
    x = 0.0
    while x < w:  # a skyline
        bw, bh = rnd.uniform(w * 0.02, w * 0.06), rnd.uniform(h * 0.03, h * 0.16)
        grey = rnd.randint(90, 190)
        d.rectangle([x, horizon - bh, x + bw, horizon], fill=(grey, grey, grey + 10))
        x += bw + rnd.uniform(0, w * 0.05)
    vx = w * rnd.uniform(0.4, 0.6)  # the road, in perspective
    d.polygon([(vx - w * 0.01, horizon), (vx + w * 0.01, horizon), (w * 0.85, h), (w * 0.15, h)], fill=(70, 70, 74))
    for i in range(12):
        t0, t1 = (i / 12) ** 1.6, ((i + 0.5) / 12) ** 1.6
        y0, y1 = horizon + (h - horizon) * t0, horizon + (h - horizon) * t1
        d.polygon([(vx - 1 - 6 * t0, y0), (vx + 1 + 6 * t0, y0), (vx + 1 + 6 * t1, y1), (vx - 1 - 6 * t1, y1)],
                  fill=(235, 220, 120))
    return im.filter(ImageFilter.GaussianBlur(1.2))


def badge(size: int) -> Image.Image:
    """A round emblem on a transparent background (a PNG with an alpha channel)."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse([8, 8, size - 8, size - 8], fill=(11, 94, 59, 255))
    d.ellipse([size * 0.18, size * 0.18, size * 0.82, size * 0.82], fill=(255, 255, 255, 230))
    d.polygon([(size * 0.5, size * 0.26), (size * 0.72, size * 0.7), (size * 0.28, size * 0.7)], fill=(11, 94, 59, 255))
    d.rectangle([size * 0.46, size * 0.5, size * 0.54, size * 0.7], fill=(255, 255, 255, 255))
    return im


PHOTOS = {
    # path under content/ → how it is drawn
    "photos/nowruz-road.jpg": lambda: landscape((1600, 1000), 1, (110, 160, 225), (150, 140, 100)),
    "photos/nowruz-police.jpg": lambda: landscape((1400, 933), 2, (130, 170, 215), (120, 150, 90)),
    "photos/nowruz-traffic.jpg": lambda: landscape((1400, 933), 3, (200, 150, 120), (140, 120, 90)),
    "photos/nowruz-rest-area.jpg": lambda: landscape((1400, 933), 4, (120, 180, 230), (160, 150, 110)),
    "photos/nowruz-night.jpg": lambda: landscape((1400, 933), 5, (40, 50, 100), (60, 60, 70)),
    "1401/tehran-shomal-tunnel.jpg": lambda: landscape((1800, 1000), 6, (140, 170, 200), (110, 120, 100)),
    "1398/lorestan-bridge.jpg": lambda: landscape((900, 1350), 7, (120, 150, 190), (110, 130, 90)),  # portrait
    "photos/mashhad-ring-road.jpg": lambda: landscape((1600, 1067), 8, (150, 190, 235), (180, 160, 120)),
    "photos/bandar-abbas-port.jpg": lambda: landscape((1600, 1000), 9, (100, 170, 220), (190, 170, 130)),
    "1396/ika-iso-badge.png": lambda: badge(480),
}


def main() -> None:
    for rel, draw in PHOTOS.items():
        path = CONTENT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        image = draw()
        if path.suffix == ".png":
            image.save(path, optimize=True)
        else:
            image.save(path, quality=78, optimize=True, progressive=True)
        print(f"{path.relative_to(CONTENT.parent)}: {image.width}×{image.height}, {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
