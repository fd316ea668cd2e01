"""Images stage: the photos articles name → probed `SourceImage`s, their variants, and `<picture>` markup.

Rendering a body only *probes* a photo (its header: size, orientation; its bytes' digest), which is
all the markup needs: variant URLs, `width`/`height`. Encoding the variants is a separate step the
pipeline runs after assembling, over the worker processes, into `.cache/images/`; every variant is
named by the digest of its source's bytes and the settings, so a cached file is never stale and a
warm build encodes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's name for it)
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .config import ImagesConfig, writable_formats
from .errors import Problem
from .model import OutputFile, Picture, SourceImage
from .workers import can_fork, fork_map

MAX_PIXELS = 50_000_000  # decompression-bomb guard: a news photo never needs more
OG_SIZE = (1200, 630)  # Open Graph / Twitter share crop
ENCODER = "1"  # part of every variant's name: change it when encoding changes, so caches do not serve old bytes
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif"}
OUTPUT_DIR = "images"
QUALITY = "quality"  # stands for `[images] quality` in the table below
ENCODE_OPTIONS: dict[str, dict[str, object]] = {
    "jpeg": {"quality": QUALITY, "optimize": True, "progressive": True},
    "webp": {"quality": QUALITY, "method": 4},
    # One thread: the build already runs one encoder per core, and bytes must not depend on scheduling.
    # Speed 8 encodes about four times faster than the default 6 for files some 20% larger.
    "avif": {"quality": QUALITY, "speed": 8, "max_threads": 1},
    "png": {"optimize": False, "compress_level": 9},
}

Stamp = tuple[int, int]


class ImageError(Exception):
    """A photo that cannot be used; the message is for the editor."""


def is_url(ref: str) -> bool:
    return ref.startswith("//") or bool(urlsplit(ref).scheme)


def resolve(ref: str, article: Path, content_dir: Path) -> Path:
    """A photo's path as an article writes it: relative to the article, or from content/ when it starts with '/'."""
    ref = unquote(ref.split("#", 1)[0].split("?", 1)[0])
    path = content_dir / ref.lstrip("/") if ref.startswith("/") else article.parent / ref
    path = Path(os.path.normpath(path))
    if not path.is_relative_to(Path(os.path.normpath(content_dir))):
        raise ImageError(f"photo {ref!r} is outside content/; keep photos in the content folder")
    return path


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


@functools.cache
def formats(config: ImagesConfig) -> tuple[str, ...]:
    return writable_formats(config.formats)


_probed: dict[tuple[str, Stamp | None, ImagesConfig], SourceImage | str] = {}  # per process: one probe per file version


def probe(path: Path, rel: str, config: ImagesConfig) -> SourceImage:
    """The photo's header, checked: raise `ImageError` when it is missing, not an image, or too large."""
    key = (str(path), stamp_of(path), config)
    found = _probed.get(key)
    if found is None:
        try:
            found = _probe(path, rel, config)
        except ImageError as e:
            found = str(e)
        _probed[key] = found
    if isinstance(found, str):
        raise ImageError(found)
    return found


def _probe(path: Path, rel: str, config: ImagesConfig) -> SourceImage:
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"photo {rel} does not exist") from None
    except OSError as e:
        raise ImageError(f"photo {rel} cannot be read ({e.strerror or e})") from None
    try:
        with Image.open(io.BytesIO(data)) as im:
            width, height, kind = im.width, im.height, im.format
            if width * height > MAX_PIXELS:
                raise ImageError(f"photo {rel} is {width}×{height} pixels, over {MAX_PIXELS // 1_000_000} megapixels; "
                                 "resize it before adding it")
            orientation = im.getexif().get(0x0112, 1)
            alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    except Image.DecompressionBombError:
        raise ImageError(f"photo {rel} is over {MAX_PIXELS // 1_000_000} megapixels; resize it before adding it") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageError(f"photo {rel} is not an image Pillow can read (JPEG, PNG, WebP…)") from None
    if orientation in (5, 6, 7, 8):  # turned a quarter: the picture shown is the other way round
        width, height = height, width
    fallback = "jpeg" if kind == "JPEG" or (kind != "PNG" and not alpha) else "png"
    from PIL import __version__ as pillow

    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(repr((ENCODER, pillow, config.quality, sorted(ENCODE_OPTIONS.items()))).encode())
    return SourceImage(str(path), rel, digest.hexdigest()[:20], width, height, fallback)


# ----------------------------------------------------------------------------- variants


def widths(image: SourceImage, config: ImagesConfig) -> tuple[int, ...]:
    """The configured widths the photo can fill without being upscaled (its own width when it is smaller than all)."""
    return tuple(w for w in config.widths if w <= image.width) or (image.width,)


def height_at(image: SourceImage, width: int) -> int:
    return max(1, round(image.height * width / image.width))


def variant_path(image: SourceImage, width: int, fmt: str) -> str:
    return f"{OUTPUT_DIR}/{image.digest}-{width}.{EXTENSIONS[fmt]}"


def og_path(image: SourceImage) -> str:
    return f"{OUTPUT_DIR}/{image.digest}-og.jpg"


def og_size(image: SourceImage) -> tuple[int, int]:
    """The share crop's size: 1200×630, or the largest crop of that shape the photo holds without upscaling."""
    w, h = image.width, image.height
    cw, ch = (round(h * OG_SIZE[0] / OG_SIZE[1]), h) if w * OG_SIZE[1] > h * OG_SIZE[0] else (w, round(w * OG_SIZE[1] / OG_SIZE[0]))
    return (OG_SIZE if cw >= OG_SIZE[0] else (cw, ch))


@dataclass(frozen=True)
class EncodeJob:
    """Every variant one photo needs, encoded from one decode."""

    image: SourceImage
    variants: tuple[tuple[str, int, str], ...]  # (output path, width, format)
    og: bool  # also the share crop
    where: tuple[str, int]  # an article naming the photo, for errors


def plan(pictures: Iterable[Picture], leads: Iterable[Picture], config: ImagesConfig,
         where: dict[str, tuple[str, int]]) -> list[EncodeJob]:
    """One job per distinct photo, in a stable order. `where` maps a photo's digest to an article naming it."""
    lead_digests = {p.image.digest for p in leads}
    images = {p.image.digest: p.image for p in pictures}
    jobs = []
    for digest in sorted(images):
        image = images[digest]
        fmts = (*formats(config), image.fallback)
        variants = tuple((variant_path(image, w, f), w, f) for w in widths(image, config) for f in fmts)
        jobs.append(EncodeJob(image, variants, digest in lead_digests, where.get(digest, (image.rel, 0))))
    return jobs


def job_outputs(job: EncodeJob) -> list[str]:
    return [v[0] for v in job.variants] + ([og_path(job.image)] if job.og else [])


def encode_missing(jobs: list[EncodeJob], cache: Path, config: ImagesConfig, workers: int) -> tuple[int, list[Problem]]:
    """Encode every variant not yet in `cache`; returns how many were encoded and the photos that failed."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = [j for j in jobs if not all((cache / Path(rel).name).is_file() for rel in job_outputs(j))]
    if not todo:
        return 0, []
    shared = (cache, config)
    if workers > 1 and len(todo) > 1 and can_fork():
        results = list(fork_map(_encode_chunk, [[j] for j in todo], shared, min(workers, len(todo))))
    else:
        results = [_encode_chunk(shared, [j]) for j in todo]
    count, problems = 0, []
    for done, failed in results:
        count += done
        problems += failed
    return count, problems


def _encode_chunk(shared: tuple[Path, ImagesConfig], jobs: list[EncodeJob]) -> tuple[int, list[Problem]]:
    cache, config = shared
    count, problems = 0, []
    for job in jobs:
        try:
            count += _encode(job, cache, config)
        except ImageError as e:
            problems.append(Problem(job.where[0], job.where[1] or None, str(e),
                                    fa="این عکس خراب است یا ناقص ذخیره شده است؛ آن را دوباره ذخیره کنید."))
    return count, problems


def decode_missing(jobs: list[EncodeJob], cache: Path, workers: int) -> list[Problem]:
    """The photos `encode_missing` would fail on, found by decoding (not encoding) those whose variants are
    not in `cache` yet: `check` writes nothing, and a photo whose variants exist was decoded whole before."""
    todo = [j for j in jobs if not all((cache / Path(rel).name).is_file() for rel in job_outputs(j))]
    if workers > 1 and len(todo) > 1 and can_fork():
        results = list(fork_map(_decode_chunk, [[j] for j in todo], None, min(workers, len(todo))))
    else:
        results = [_decode_chunk(None, [j]) for j in todo]
    return [p for failed in results for p in failed]


def _decode_chunk(_shared: None, jobs: list[EncodeJob]) -> list[Problem]:
    problems = []
    for job in jobs:
        try:
            _decode(job)
        except ImageError as e:
            problems.append(Problem(job.where[0], job.where[1] or None, str(e),
                                    fa="این عکس خراب است یا ناقص ذخیره شده است؛ آن را دوباره ذخیره کنید."))
    return problems


def _encode(job: EncodeJob, cache: Path, config: ImagesConfig) -> int:
    from PIL import Image

    image = job.image
    pic = _decode(job)
    alpha = pic.mode in ("RGBA", "LA", "PA") or (pic.mode == "P" and "transparency" in pic.info)
    pic = pic.convert("RGBA" if alpha else "RGB")
    count = 0
    for rel, width, fmt in job.variants:
        size = (width, height_at(image, width))
        out = pic if size == pic.size else pic.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        _save(out, fmt, cache / Path(rel).name, config)
        count += 1
    if job.og:
        _save(_og_crop(pic, og_size(image)), "jpeg", cache / Path(og_path(image)).name, config)
        count += 1
    return count


def _decode(job: EncodeJob):  # noqa: ANN202 (a PIL image, imported lazily)
    """The photo's pixels, upright, at the smallest scale its variants allow; `ImageError` when damaged."""
    from PIL import Image, ImageOps

    image = job.image
    biggest = max(w for _, w, _ in job.variants)
    try:
        with Image.open(image.path) as im:
            if im.format == "JPEG":
                # Decode at the smallest scale (1/2, 1/4, 1/8) still at least as large as every output needs:
                # several times faster on a camera's 12 megapixels, and `_encode`'s resize does the rest.
                scale = biggest / image.width
                if job.og:
                    ow, oh = og_size(image)
                    scale = max(scale, ow / min(image.width, image.height * ow / oh))
                need = (-(-image.width * scale // 1), -(-image.height * scale // 1))
                if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                    need = need[::-1]
                im.draft("RGB", (int(need[0]), int(need[1])))
            im.load()
            return ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"photo {image.rel} is damaged or truncated ({e}); save it again") from None


def _og_crop(pic, size: tuple[int, int]):  # noqa: ANN001, ANN202 (PIL images, imported lazily)
    from PIL import Image, ImageOps

    return ImageOps.fit(pic, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _save(pic, fmt: str, target: Path, config: ImagesConfig) -> None:  # noqa: ANN001
    from PIL import Image

    if fmt == "jpeg" and pic.mode != "RGB":  # a JPEG has no transparency: put it on white
        flat = Image.new("RGB", pic.size, (255, 255, 255))
        flat.paste(pic, mask=pic.getchannel("A"))
        pic = flat
    pic = pic.copy()
    pic.info = {}  # no EXIF, XMP, GPS, ICC or comments leave the build: only pixels
    options = {k: (config.quality if v == QUALITY else v) for k, v in ENCODE_OPTIONS[fmt].items()}
    buffer = io.BytesIO()
    pic.save(buffer, fmt.upper(), **options)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, target)


def output_files(jobs: Iterable[EncodeJob], cache: Path, skip: set[str]) -> Iterator[OutputFile]:
    """The variants as output files, read from the cache one at a time (those in `skip` are already in place)."""
    for job in jobs:
        for rel in job_outputs(job):
            if rel not in skip:
                yield OutputFile(rel, (cache / Path(rel).name).read_bytes())


# ----------------------------------------------------------------------------- markup


def picture_element(picture: Picture, config: ImagesConfig, base_path: str, sizes: str, eager: bool = False,
                    figure: bool = True, css: str | None = None) -> etree.Element:
    """`<figure><picture><source…><img…></picture><figcaption>` for one photo; `figure=False`: the `<picture>` alone."""
    image = picture.image
    ws = widths(image, config)

    def srcset(fmt: str) -> str:
        return ", ".join(f"{base_path}{quote(variant_path(image, w, fmt))} {w}w" for w in ws)

    pic = etree.Element("picture")
    for fmt in formats(config):
        etree.SubElement(pic, "source", {"type": MIME[fmt], "srcset": srcset(fmt), "sizes": sizes})
    largest = ws[-1]
    attrs = {"src": base_path + quote(variant_path(image, largest, image.fallback)), "srcset": srcset(image.fallback),
             "sizes": sizes, "alt": picture.alt, "width": str(largest), "height": str(height_at(image, largest))}
    if eager:  # the article's lead photo is what the reader sees first: fetch it before anything else
        attrs.update(fetchpriority="high", decoding="async")
    else:
        attrs.update(loading="lazy", decoding="async")
    etree.SubElement(pic, "img", attrs)
    if not figure:
        if css:
            pic.set("class", css)
        return pic
    fig = etree.Element("figure", {"class": css} if css else {})
    fig.append(pic)
    if picture.caption:
        etree.SubElement(fig, "figcaption").text = picture.caption
    return fig


def picture_html(picture: Picture, config: ImagesConfig, base_path: str, sizes: str, eager: bool = False,
                 figure: bool = True, css: str | None = None) -> str:
    from markdown.serializers import to_html_string

    return to_html_string(picture_element(picture, config, base_path, sizes, eager, figure, css))


def missing_alt(rel: str, line: int, what: str) -> Problem:
    return Problem(rel, line, f"{what} has no alt text: describe it for readers who cannot see it", warning=True,
                   fa="این عکس متن جایگزین (alt) ندارد؛ آن را برای خوانندگانی که عکس را نمی‌بینند توصیف کنید.")
