"""Prose-only normalization in the Markdown tree (akhbar/prose.py, akhbar/body.py).

Each case is Markdown source → the exact HTML the build produces, in the spirit of Python-Markdown's
own `assertMarkdownRenders`: text nodes, headings, table cells, blockquotes, emphasis, link text and
image alt are normalized; code spans and blocks, raw HTML, link and image targets, titles and every
other attribute are left exactly as written.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from akhbar.body import BodyRenderer
from akhbar.config import NormalizeConfig
from akhbar.model import RawArticle, SourceFile
from akhbar.read import parse_article

ZW = "\u200c"
TZ = ZoneInfo("Asia/Tehran")


@pytest.fixture(scope="module", autouse=True)
def _one_hazm_per_setting(shared_hazm):
    """Every Formatter/TextNormalizer here reuses the hazm normalizer built for its settings."""


RENDERER = BodyRenderer(NormalizeConfig())  # one Markdown + one normalizer, reused like the build does


def assert_renders(source: str, expected: str, enabled: bool = True) -> None:
    assert RENDERER.markdown(source, enabled) == expected


def render_case(id_: str, source: str, expected: str):
    return pytest.param(source, expected, id=id_)


NORMALIZED = [
    render_case("paragraph", "اين كتاب ها 3.5 درصد گران تر شد.",
                f"<p>این کتاب{ZW}ها ۳٫۵ درصد گران{ZW}تر شد.</p>"),
    render_case("heading-text-and-its-toc-id", "## اين خبر", '<h2 id="این-خبر">این خبر</h2>'),
    render_case("emphasis", "*اين* و **كتاب** و ***كتاب ها***",
                f"<p><em>این</em> و <strong>کتاب</strong> و <strong><em>کتاب{ZW}ها</em></strong></p>"),
    render_case("link-text-only", '[اين كتاب](https://x.ir/news/64048 "عنوان ي")',
                '<p><a href="https://x.ir/news/64048" title="عنوان ي">این کتاب</a></p>'),
    render_case("reference-link", '[اين كتاب][r] 12\n\n[r]: https://x.ir/كتاب/3.5 "عنوان ي"',
                '<p><a href="https://x.ir/كتاب/3.5" title="عنوان ي">این کتاب</a> ۱۲</p>'),
    render_case("image-alt-only", '![تصوير ها 12](/img/كتاب_3.5.jpg "عنوان ي")',
                f'<p><img alt="تصویر{ZW}ها ۱۲" src="/img/كتاب_3.5.jpg" title="عنوان ي"></p>'),
    render_case("table-cells-not-alignment", "| ستون اول | عدد |\n|:--|--:|\n| كتاب ها | 3.5 |",
                '<table>\n<thead>\n<tr>\n<th style="text-align: left;">ستون اول</th>\n'
                '<th style="text-align: right;">عدد</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
                f'<td style="text-align: left;">کتاب{ZW}ها</td>\n<td style="text-align: right;">۳٫۵</td>\n'
                "</tr>\n</tbody>\n</table>"),
    render_case("blockquote", "> اين كتاب ها", f"<blockquote>\n<p>این کتاب{ZW}ها</p>\n</blockquote>"),
    render_case("lists", "* مورد اول كتاب\n* مورد 2\n\n1. مورد سوم",
                "<ul>\n<li>مورد اول کتاب</li>\n<li>مورد ۲</li>\n</ul>\n<ol>\n<li>مورد سوم</li>\n</ol>"),
    render_case("hard-line-break", "سطر اول كتاب  \nسطر دوم كتاب", "<p>سطر اول کتاب<br>\nسطر دوم کتاب</p>"),
    render_case("entity-kept", "اين &amp; كتاب", "<p>این &amp; کتاب</p>"),
    render_case("backslash-escapes-kept", r"اين \*كتاب\*", "<p>این *کتاب*</p>"),
    render_case("inline-html-attributes-kept", 'اين <span class="ك 3.5" title="اين">كتاب</span> 3.5',
                # text between inline tags is Markdown text (emphasis works there too), so it is prose
                '<p>این <span class="ك 3.5" title="اين">کتاب</span> ۳٫۵</p>'),
    render_case("inline-br-placeholder", "اين<br>كتاب", "<p>این<br>کتاب</p>"),
    render_case("footnote-text", "متن كتاب[^1]\n\n[^1]: پانوشت كتاب 3.5",
                '<p>متن کتاب<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">۱</a></sup></p>\n'
                '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">\n<p>پانوشت کتاب ۳٫۵&#160;'
                '<a class="footnote-backref" href="#fnref:1" title="Jump back to footnote 1 in the text">&#8617;</a>'
                "</p>\n</li>\n</ol>\n</div>"),
    render_case("markdown-inside-html-block", '<div markdown="1" class="ك">\nاين كتاب\n</div>',
                '<div class="ك">\n<p>این کتاب</p>\n</div>'),
    render_case("urls-and-email-in-prose", "نشانی https://mrud.ir/news/64048 و www.mrud.ir و info@mrud.ir است",
                "<p>نشانی <bdi>https://mrud.ir/news/64048</bdi> و <bdi>www.mrud.ir</bdi> و <bdi>info@mrud.ir</bdi> است</p>"),
    # Latin runs are isolated (akhbar/bidi.py): a sentence's full stop and comma stay outside the run.
    render_case("latin-runs-isolated", "سازمان WHO و زبان C++، و ISO 9001:2015 (به نقل از BBC News).",
                "<p>سازمان <bdi>WHO</bdi> و زبان <bdi>C++</bdi>، و <bdi>ISO 9001:2015</bdi> "
                "(به نقل از <bdi>BBC News</bdi>).</p>"),
    render_case("latin-run-in-emphasis-and-its-tail", "**گواهی ISO** و Wi-Fi 6E.",
                "<p><strong>گواهی <bdi>ISO</bdi></strong> و <bdi>Wi-Fi 6E</bdi>.</p>"),
    render_case("issue-link", "[متن](https://x.ir/news/64048)", '<p><a href="https://x.ir/news/64048">متن</a></p>'),
    render_case("ezafe-kept", "شناسهٔ خبر و خانۀ ملت", "<p>شناسهٔ خبر و خانۀ ملت</p>"),
]

UNTOUCHED = [
    render_case("code-span", "متن `اين 3.5 ي` متن", "<p>متن <code>اين 3.5 ي</code> متن</p>"),
    render_case("fenced-code", "```\nاين 3.5 كتاب\n```", "<pre><code>اين 3.5 كتاب\n</code></pre>"),
    render_case("fenced-code-with-language", "```python\nx = 'ي 3.5'\n```",
                '<pre><code class="language-python">x = \'ي 3.5\'\n</code></pre>'),
    render_case("indented-code", "    اين 3.5 كتاب", "<pre><code>اين 3.5 كتاب\n</code></pre>"),
    render_case("raw-html-block", '<div class="ك 3.5" title="اين">\nاين 3.5 كتاب\n</div>',
                '<div class="ك 3.5" title="اين">\nاين 3.5 كتاب\n</div>'),
    render_case("html-comment", "<!-- توضيح 3.5 -->", "<!-- توضيح 3.5 -->"),
    render_case("autolinks", "<https://mrud.ir/a/3.5>", '<p><a href="https://mrud.ir/a/3.5">https://mrud.ir/a/3.5</a></p>'),
]


@pytest.mark.parametrize(("source", "expected"), NORMALIZED + UNTOUCHED)
def test_renders(source, expected):
    assert_renders(source, expected)


@pytest.mark.parametrize(("source", "expected"), UNTOUCHED)
def test_untouched_parts_render_the_same_without_normalization(source, expected):
    assert_renders(source, expected, enabled=False)


def test_disabled_renderer_leaves_all_text():
    assert_renders("اين كتاب ها 3.5", "<p>اين كتاب ها 3.5</p>", enabled=False)


def test_toc_links_follow_the_normalized_heading_id():
    assert_renders("[TOC]\n\n## مسکن ملي",
                   '<div class="toc">\n<ul>\n<li><a href="#مسکن-ملی">مسکن ملی</a></li>\n</ul>\n</div>\n'
                   '<h2 id="مسکن-ملی">مسکن ملی</h2>')


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("## عنوان كتاب {: .cls-ي #id2 }", '<h2 class="cls-ي" id="id2">عنوان کتاب</h2>', id="heading"),
    pytest.param('پاراگراف كتاب\n{: .lead data-x="ي 3.5" }', '<p class="lead" data-x="ي 3.5">پاراگراف کتاب</p>',
                 id="paragraph"),
    pytest.param("*متن كتاب*{: .em }", '<p><em class="em">متن کتاب</em></p>', id="inline"),
])
def test_attr_list_syntax_reaches_attr_list_intact(source, expected):
    """Regression: normalization ran before attr_list and turned `{: .cls}` into `{: . cls}`, so the page
    got `class="" cls-ی` instead of `class="cls-ي"` (prose.py now registers after attr_list)."""
    assert_renders(source, expected)


def test_abbreviation_written_with_arabic_letters_is_still_found():
    """Regression: normalizing text before `abbr` ran made «شركت» → «شرکت», so the <abbr> vanished."""
    source = "اين شركت بزرگ است.\n\n*[شركت]: شرکت سهامی"
    assert_renders(source, '<p>اين <abbr title="شرکت سهامی">شركت</abbr> بزرگ است.</p>', enabled=False)
    assert_renders(source, '<p>این <abbr title="شرکت سهامی">شركت</abbr> بزرگ است.</p>')


def test_renderer_is_reusable_between_documents():
    assert_renders("```\nكد\n```", "<pre><code>كد\n</code></pre>")
    assert_renders("كتاب", "<p>کتاب</p>")
    footnoted = "كتاب[^1]\n\n[^1]: x"
    assert RENDERER.markdown(footnoted) == RENDERER.markdown(footnoted)  # footnote state is reset


def test_processor_records_every_changed_run_in_document_order():
    RENDERER.markdown("اين *كتاب* و `كد` و [كتاب ها](https://x.ir/كد)")
    runs = [(before, after) for before, after in RENDERER.prose.processor.runs if before.strip()]
    assert runs == [("اين ", "این "), ("كتاب", "کتاب"), (" و ", " و "), (" و ", " و "), ("كتاب ها", f"کتاب{ZW}ها")]


# ----------------------------------------------------------------------------- whole articles

ARTICLE = """---
title: "اين خبر 3.5 درصد"
date: 1400-01-01
tags: [مسكن ملي, "سال 1400"]
lead: "كتاب ها"
{flag}---

اين كتاب ها `كد 3.5` و [ي](https://x.ir/كتاب).
"""


def raw_article(flag: str = "") -> RawArticle:
    text = ARTICLE.format(flag=flag)
    raw = parse_article(SourceFile("/x/a.md", "content/a.md", text), TZ)
    assert not isinstance(raw, list), raw
    return raw


KEYS = ("tags", "section", "province")


def test_render_normalizes_title_lead_tags_and_body():
    body = RENDERER.render(raw_article(), KEYS)
    assert body.title == "این خبر ۳٫۵ درصد"
    assert body.lead == f"کتاب{ZW}ها"
    assert body.terms["tags"] == ("مسکن ملی", "سال ۱۴۰۰")
    assert body.html == f'<p>این کتاب{ZW}ها <code>كد 3.5</code> و <a href="https://x.ir/كتاب">ی</a>.</p>'


def test_front_matter_normalize_false_opts_the_article_out():
    body = RENDERER.render(raw_article("normalize: false\n"), KEYS)
    assert body.title == "اين خبر 3.5 درصد"
    assert body.lead == "كتاب ها"
    assert body.terms["tags"] == ("مسكن ملي", "سال 1400")
    assert body.html == '<p>اين كتاب ها <code>كد 3.5</code> و <a href="https://x.ir/كتاب">ي</a>.</p>'
    # and the shared renderer is not left switched off for the next article
    assert RENDERER.render(raw_article(), KEYS).title == "این خبر ۳٫۵ درصد"


def test_normalize_true_is_the_default_and_can_be_written_out():
    assert RENDERER.render(raw_article("normalize: true\n"), KEYS) == RENDERER.render(raw_article(), KEYS)


def test_lead_from_first_paragraph_is_normalized():
    text = "---\ntitle: t\ndate: 1400-01-01\n---\n\n```\nكد\n```\n\nاين   كتاب ها\nادامه.\n\nدوم.\n"
    raw = parse_article(SourceFile("/x/b.md", "content/b.md", text), TZ)
    assert RENDERER.render(raw, KEYS).lead == f"این کتاب{ZW}ها ادامه."


def test_site_wide_switch_turns_everything_off():
    renderer = BodyRenderer(NormalizeConfig(enabled=False))
    body = renderer.render(raw_article(), KEYS)
    assert body.title == "اين خبر 3.5 درصد"
    assert body.terms["tags"] == ("مسكن ملي", "سال 1400")
    assert "اين كتاب ها" in body.html


def test_normalize_false_must_be_a_boolean():
    text = ARTICLE.format(flag='normalize: "no"\n')
    problems = parse_article(SourceFile("/x/a.md", "content/a.md", text), TZ)
    assert isinstance(problems, list)
    assert [(p.path, p.line) for p in problems] == [("content/a.md", 6)]
    assert "normalize must be true or false" in problems[0].message
