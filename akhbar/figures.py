"""Markdown photos → `<figure><picture>` markup, while the body renders.

A treeprocessor after `persian_prose` (6, which has normalized the alt text) and `toc` (5). It only
probes each photo (`images.probe`: the header and the bytes' digest), never encodes: the variants'
URLs and the `<img>`'s `width`/`height` follow from the photo's size and the settings alone. What
it finds (the photos, their files' stamps, problems) it keeps for `BodyRenderer.render_article`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .config import ImagesConfig
from .errors import Problem
from .files import shown
from .images import ImageError, Stamp, is_url, missing_alt, picture_element, probe, resolve, stamp_of
from .model import Picture, RawArticle


@dataclass
class PhotoContext:
    """One article's render: where its photos are looked up, and what was found."""

    raw: RawArticle
    content_dir: Path
    root: Path
    config: ImagesConfig
    base_path: str
    normalize: Callable[[str], str]
    pictures: list[Picture] = field(default_factory=list)
    files: dict[str, Stamp | None] = field(default_factory=dict)  # every photo file named → its stamp
    problems: list[Problem] = field(default_factory=list)

    def picture(self, ref: str, alt: str, caption: str, line: int, what: str) -> Picture | None:
        """The photo `ref` names, probed; None (and a problem) when it cannot be used."""
        rel = self.raw.source.rel
        if not alt.strip():
            self.problems.append(missing_alt(rel, line, what))
        try:
            path = resolve(ref, self.raw.source.path, self.content_dir)
        except ImageError as e:
            self.problems.append(Problem(rel, line, str(e), fa="عکس باید در پوشهٔ content باشد."))
            return None
        self.files[str(path)] = stamp_of(path)
        where = shown(path, self.root)
        try:
            image = probe(path, where, self.config)
        except ImageError as e:
            self.problems.append(Problem(rel, line, str(e),
                                         fa="عکس پیدا نشد، عکس نیست یا بیش از اندازه بزرگ است."))
            return None
        return Picture(image, alt, caption, line)


class PictureTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.context: PhotoContext | None = None  # set for each article; None leaves images as they are (fmt)

    def run(self, root: etree.Element) -> None:
        ctx = self.context
        if ctx is None:
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        lines = ctx.raw.body.split("\n")
        after = 0
        for img in [el for el in root.iter("img")]:
            src = img.get("src", "")
            line, after = line_of(lines, src, after)
            line += ctx.raw.body_line
            if src.startswith("data:") or is_url(src):  # not ours to resize; still no reason to block the page
                img.set("loading", "lazy")
                img.set("decoding", "async")
                if not img.get("alt", "").strip():
                    ctx.problems.append(missing_alt(ctx.raw.source.rel, line, f"photo {src}"))
                continue
            caption = ctx.normalize(img.get("title", "").strip())
            picture = ctx.picture(src, img.get("alt", ""), caption, line, f"photo {src}")
            if picture is None:
                continue
            ctx.pictures.append(picture)
            parent = parents[img]
            alone = parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() and not (img.tail or "").strip()
            if alone and parent in parents:  # a paragraph of its own: the photo becomes a figure
                fig = picture_element(picture, ctx.config, ctx.base_path, ctx.config.sizes)
                grand = parents[parent]
                fig.tail = parent.tail
                grand[list(grand).index(parent)] = fig
            else:  # inside a sentence or a link: a figure cannot go there, the caption stays a title
                pic = picture_element(picture, ctx.config, ctx.base_path, ctx.config.sizes, figure=False)
                if caption:
                    pic.find("img").set("title", caption)
                pic.tail = img.tail
                parent[list(parent).index(img)] = pic


def line_of(lines: list[str], src: str, after: int) -> tuple[int, int]:
    """The body line (from 0) naming `src`, looking from `after` first (a photo may appear twice)."""
    for start in (after, 0):
        for i in range(start, len(lines)):
            if src and src in lines[i]:
                return i, i + 1
    return 0, after


class PictureExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.processor: PictureTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        self.processor = PictureTreeprocessor(md)
        md.treeprocessors.register(self.processor, "pictures", 4)
