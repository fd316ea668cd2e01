"""`new`: a fresh article file with its front matter filled in (now, Jalali, the site's time zone)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .config import SiteConfig
from .dates import jalali
from .errors import AkhbarError, Problem
from .slugs import term_slug
from .write import safe_rel_path

TEMPLATE = """---
title: {title}
date: {date}
tags: []
section:
province:
news_id:
lead:
draft: false
---

متن خبر را اینجا بنویسید.
"""


def new_article(config: SiteConfig, title: str, slug: str | None = None) -> Path:
    if not title.strip():
        raise AkhbarError(Problem("new", None, "the title is empty: give the article a title, such as "
                                  "build.py new \"عنوان خبر\""))
    slug = slug or term_slug(title)
    rel = f"content/{slug}.md"
    safe_rel_path(rel)
    path = config.root / rel
    now = jalali(datetime.now(config.tz))
    text = TEMPLATE.format(title=json.dumps(title, ensure_ascii=False), date=now.strftime("%Y-%m-%d %H:%M"))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
            f.write(text)
    except FileExistsError:
        raise AkhbarError(Problem(rel, None, "already exists; choose another title or --slug")) from None
    return path
