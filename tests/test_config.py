"""site_config.toml → SiteConfig: defaults, validation, and problems that name their key and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from akhbar.config import DEFAULT_TAXONOMIES, SiteConfig, load_config
from akhbar.errors import AkhbarError

REPO = Path(__file__).resolve().parents[1]


def project_with(tmp_path: Path, text: str | bytes | None, themes: tuple[str, ...] = ("default",)) -> Path:
    for name in themes:
        (tmp_path / "themes" / name / "templates").mkdir(parents=True)
    if text is not None:
        path = tmp_path / "site_config.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return tmp_path


def problems_of(root: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(AkhbarError) as info:
        load_config(root)
    return [(p.path, p.line, p.message) for p in info.value.problems]


def test_the_repository_config_loads():
    config = load_config(REPO)
    assert config.theme == "default"
    assert config.tz.key == "Asia/Tehran"
    assert config.page_size > 0
    assert config.theme_dir == REPO / "themes" / "default"
    assert config.content_dir == REPO / "content"


def test_missing_file_means_defaults(tmp_path):
    config = load_config(project_with(tmp_path, None))
    assert config == SiteConfig(root=tmp_path)
    assert (config.base_url, config.base_path, config.theme, config.page_size) == ("/", "/", "default", 10)
    assert config.timezone == "Asia/Tehran"
    assert config.taxonomies == DEFAULT_TAXONOMIES
    assert [t.name for t in config.taxonomies] == ["tags", "sections", "provinces"]
    assert [t.key for t in config.taxonomies] == ["tags", "section", "province"]


def test_every_top_level_setting_is_read(tmp_path):
    root = project_with(tmp_path, """
title = "پایگاه خبری"
description = "آرشیو"
base_url = "https://example.ir/akhbar/"
theme = "plain"
timezone = "Asia/Kabul"
page_size = 7
related_count = 0

[normalize]
enabled = false
digits = "as-written"
seperate_mi = false
""", themes=("default", "plain"))
    config = load_config(root)
    assert config.title == "پایگاه خبری"
    assert config.description == "آرشیو"
    assert config.base_url == "https://example.ir/akhbar/"
    assert config.base_path == "/akhbar/"
    assert config.theme_dir == root / "themes" / "plain"
    assert config.tz.key == "Asia/Kabul"
    assert (config.page_size, config.related_count) == (7, 0)
    assert config.normalize.enabled is False
    assert config.normalize.digits == "as-written"
    assert config.normalize.seperate_mi is False
    assert config.normalize.correct_spacing is True  # untouched options keep their defaults


@pytest.mark.parametrize(("written", "url", "path"), [
    ("https://example.ir/akhbar", "https://example.ir/akhbar/", "/akhbar/"),
    ("https://example.ir", "https://example.ir/", "/"),
    ("/akhbar", "/akhbar/", "/akhbar/"),
    ("/", "/", "/"),
])
def test_base_url_always_ends_in_a_slash(tmp_path, written, url, path):
    config = load_config(project_with(tmp_path, f'base_url = "{written}"\n'))
    assert (config.base_url, config.base_path) == (url, path)


def test_config_is_frozen(tmp_path):
    config = load_config(project_with(tmp_path, "page_size = 5\n"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.page_size = 6  # type: ignore[misc]


def test_custom_taxonomies_replace_the_defaults(tmp_path):
    config = load_config(project_with(tmp_path, """
[[taxonomies]]
name = "tags"
key = "tags"
title = "برچسب‌ها"
singular = "برچسب"

[[taxonomies]]
name = "reporters"
key = "reporter"
title = "خبرنگاران"
singular = "خبرنگار"
"""))
    assert [(t.name, t.key) for t in config.taxonomies] == [("tags", "tags"), ("reporters", "reporter")]


# ----------------------------------------------------------------------------- problems with lines


def test_unknown_key_names_its_line_and_the_known_keys(tmp_path):
    root = project_with(tmp_path, 'title = "x"\n\npage_size = 5\ntheme_colour = "blue"\n')
    [(path, line, message)] = problems_of(root)
    assert (path, line) == ("site_config.toml", 4)
    assert "theme_colour" in message and "page_size" in message  # says what is known


def test_unknown_key_inside_a_table_names_the_table_and_its_line(tmp_path):
    root = project_with(tmp_path, 'title = "x"\n[normalize]\nenabled = true\nspelling = "on"\n')
    [(path, line, message)] = problems_of(root)
    assert (path, line) == ("site_config.toml", 4)
    assert "[normalize]" in message and "spelling" in message


@pytest.mark.parametrize(("line_text", "key"), [
    ('page_size = "10"', "page_size"),
    ("page_size = 0", "page_size"),
    ("page_size = true", "page_size"),
    ("page_size = 2.5", "page_size"),
    ("related_count = -1", "related_count"),
    ("title = 5", "title"),
    ('timezone = "Tehran/Somewhere"', "timezone"),
    ('base_url = "example.ir/akhbar/"', "base_url"),
    ('base_url = "ftp://example.ir/"', "base_url"),
    ("theme = 1", "theme"),
])
def test_wrong_type_names_its_key_and_line(tmp_path, line_text, key):
    root = project_with(tmp_path, f"# settings\n{line_text}\n")  # the bad setting is on line 2
    [(path, line, message)] = problems_of(root)
    assert (path, line) == ("site_config.toml", 2)
    assert key in message


def test_wrong_type_in_normalize_table(tmp_path):
    root = project_with(tmp_path, '[normalize]\nenabled = "yes"\ndigits = "arabic"\n')
    found = problems_of(root)
    assert [(p, line) for p, line, _ in found] == [("site_config.toml", 2), ("site_config.toml", 3)]
    assert "enabled" in found[0][2] and "digits" in found[1][2]


def test_every_problem_is_reported_together_in_line_order(tmp_path):
    root = project_with(tmp_path, 'colour = 1\npage_size = "x"\nrelated_count = -3\n')
    assert [line for _, line, _ in problems_of(root)] == [1, 2, 3]


@pytest.mark.parametrize(("text", "line"), [
    ('title = "x"\npage_size = \n', 2),
    ('title = "x"\n[normalize\nenabled = true\n', 2),
    ('title = "x"\ntitle = "y"\n', 2),
    ('title = "x"\ndescription = "unterminated\n', 2),
    # tomllib says "at end of document" here; the file's last line is where to look
    ('title = "x"\n\ndescription = """never closed\n', 3),
])
def test_invalid_toml_names_its_line(tmp_path, text, line):
    [(path, got, message)] = problems_of(project_with(tmp_path, text))
    assert (path, got) == ("site_config.toml", line)
    assert "TOML" in message


def test_non_utf8_config_names_the_line_of_the_first_bad_byte(tmp_path):
    text = 'page_size = 10\ntitle = "وزارت راه"\n'.encode("cp1256")
    [(path, line, message)] = problems_of(project_with(tmp_path, text))
    assert (path, line) == ("site_config.toml", 2)
    assert "UTF-8" in message


def test_unknown_theme_names_the_theme_line_and_lists_the_themes(tmp_path):
    root = project_with(tmp_path, 'title = "x"\ntheme = "fancy"\n', themes=("default", "plain"))
    [(path, line, message)] = problems_of(root)
    assert (path, line) == ("site_config.toml", 2)
    assert "fancy" in message and "default" in message and "plain" in message


def test_taxonomy_problems(tmp_path):
    root = project_with(tmp_path, """title = "x"
[[taxonomies]]
name = "Tags!"
key = "tags"
title = "t"
singular = "s"

[[taxonomies]]
name = "tags"
""")
    found = problems_of(root)
    messages = " | ".join(m for _, _, m in found)
    assert "name" in messages and "missing" in messages
    assert all(line is not None for _, line, _ in found)


def test_duplicate_taxonomy_names_are_refused(tmp_path):
    block = '[[taxonomies]]\nname = "tags"\nkey = "{key}"\ntitle = "t"\nsingular = "s"\n'
    root = project_with(tmp_path, block.format(key="tags") + block.format(key="labels"))
    [(_, _, message)] = problems_of(root)
    assert "two taxonomies" in message and "tags" in message


def test_search_is_on_unless_the_search_table_turns_it_off(tmp_path):
    assert load_config(project_with(tmp_path, 'title = "x"\n')).search.enabled is True
    root = project_with(tmp_path / "off", '[normalize]\nenabled = true\n\n[search]\nenabled = false\n')
    config = load_config(root)
    assert config.search.enabled is False and config.normalize.enabled is True


@pytest.mark.parametrize(("text", "line", "says"), [
    ('[normalize]\nenabled = true\n[search]\nenabled = "no"\n', 4, "[search] enabled must be true or false (found 'no')"),
    ('title = "x"\n[search]\nenabled = true\nengine = "pagefind"\n', 4, "unknown setting [search] 'engine'; known settings: enabled"),
    ('title = "x"\nsearch = false\n', 2, "search must be a table: [search]"),
])
def test_search_table_problems_name_their_line(tmp_path, text, line, says):
    [(path, found_line, message)] = problems_of(project_with(tmp_path, text))
    assert (path, found_line, message) == ("site_config.toml", line, says)
