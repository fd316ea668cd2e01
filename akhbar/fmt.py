"""`fmt`: rewrite article files in their normalized form, changing nothing but prose.

The body is not normalized by regexes over Markdown. It is rendered with the build's own Markdown
and prose treeprocessor, which records every text run before and after normalization; each changed
run is then found, in document order, in the source and replaced there. The result is accepted only
if it renders to exactly the HTML the original renders to, so `fmt` can never change the site.
Front-matter values are replaced inside their YAML scalars; keys, order, comments and quoting stay.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .body import BodyRenderer
from .config import SiteConfig
from .errors import AkhbarError, Problem
from .read import _BOUNDARY, _Loader, discover, is_content_file, load_source, parse_article

PROSE_KEYS = ("title", "lead", "tags", "section", "province")
_PLACEHOLDER = re.compile(r"\x02[^\x03]*\x03")


@dataclass
class FmtResult:
    text: str  # the new file text (LF line endings)
    changes: Counter[str] = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)


def classify(before: str, after: str, counts: Counter[str]) -> None:
    """Count what normalization did to one run, by kind, for the editor's report."""
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        old, new = before[i1:i2], after[j1:j2]
        if "\u200c" in new and "\u200c" not in old:
            counts["ZWNJ restored"] += new.count("\u200c")
        elif any(c in "يكىة" for c in old):
            counts["Arabic letters"] += sum(c in "يكىة" for c in old)
        elif any(c.isdigit() for c in old + new):
            counts["digits"] += max(sum(c.isdigit() for c in old), 1)
        elif (old + new).strip(" \n\u200c") == "":
            counts["spacing"] += 1
        else:
            counts["punctuation and other"] += 1


class Formatter:
    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.renderer = BodyRenderer(config.normalize)

    def format_text(self, text: str, rel: str, path: Path) -> FmtResult:
        """Normalized text of one article file, or raise `AkhbarError` if it cannot be parsed."""
        from .model import SourceFile

        raw = parse_article(SourceFile(str(path), rel, text), self.config.tz)
        if isinstance(raw, list):
            raise AkhbarError(raw)
        result = FmtResult(text)
        if not raw.meta.normalize or not self.config.normalize.enabled:
            return result
        bounds = list(_BOUNDARY.finditer(text))
        fm_start, fm_end = bounds[0].end(), bounds[1].start()
        head = self._front_matter(text[fm_start:fm_end], rel, result)
        body_start = bounds[1].end()
        body = self._body(text[body_start:], rel, raw.body_line, result)
        result.text = text[:fm_start] + head + text[fm_end:body_start] + body
        return result

    def _front_matter(self, fm: str, rel: str, result: FmtResult) -> str:
        node = yaml.compose(fm, Loader=_Loader)
        if not isinstance(node, yaml.MappingNode):
            return fm
        edits: list[tuple[int, int, str]] = []
        first_line = 0  # file line of the first value changed (the text starts on the '---' line)
        expected = yaml.load(fm, Loader=_Loader)
        for key_node, value_node in node.value:
            if key_node.value not in PROSE_KEYS:
                continue
            scalars = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            loaded = expected.get(key_node.value)
            loaded_items = loaded if isinstance(value_node, yaml.SequenceNode) and isinstance(loaded, list) else [loaded]
            new_values = []
            for i, scalar in enumerate(scalars):
                if not isinstance(scalar, yaml.ScalarNode) or scalar.tag != "tag:yaml.org,2002:str":
                    # not text (a number such as `tags: [بودجه, 1403]`): expect it back as YAML loads it
                    new_values.append(loaded_items[i] if i < len(loaded_items) else scalar.value)
                    continue
                new = self.renderer.prose_text(scalar.value)
                new_values.append(new)
                if new != scalar.value:
                    classify(scalar.value, new, result.changes)
                    start, end = scalar.start_mark.index, scalar.end_mark.index
                    edits.append((start, end, _yaml_scalar(new, scalar.style, fm[start:end])))
                    first_line = first_line or key_node.start_mark.line + 1
            if isinstance(value_node, yaml.SequenceNode):
                expected[key_node.value] = new_values
            elif new_values:
                expected[key_node.value] = new_values[0]
        out = fm
        for start, end, replacement in sorted(edits, reverse=True):
            out = out[:start] + replacement + out[end:]
        try:
            ok = yaml.load(out, Loader=_Loader) == expected
        except yaml.YAMLError:
            ok = False
        if not ok:
            result.warnings.append(Problem(rel, first_line or 2,
                                           "front matter left as written: it could not be normalized safely", True))
            return fm
        return out

    def _body(self, body: str, rel: str, body_line: int, result: FmtResult) -> str:
        before_html = self.renderer.markdown(body)
        processor = self.renderer.prose.processor
        assert processor is not None
        runs = list(processor.runs)
        out, cursor, counts = body, 0, Counter()
        spans = _markup_spans(body)
        for old_run, new_run in runs:
            old_pieces, new_pieces = _pieces(old_run), _pieces(new_run)
            if len(old_pieces) != len(new_pieces):
                continue
            for old, new in zip(old_pieces, new_pieces, strict=True):
                if not old:
                    continue
                at = _find_prose(out, old, cursor, spans)
                if at < 0:
                    continue
                if old != new:
                    out = out[:at] + new + out[at + len(old):]
                    classify(old, new, counts)
                    delta = len(new) - len(old)
                    spans = [(a + delta, b + delta) if a > at else (a, b) for a, b in spans]
                cursor = at + len(new)
        if out == body:
            return body
        if self.renderer.markdown(out) != before_html:
            result.warnings.append(Problem(rel, body_line, "body left as written: normalizing it in place would "
                                           "change the page; check unusual Markdown here", True))
            return body
        result.changes.update(counts)
        return out


# Source that is markup, never prose: fenced code, code spans, link and image targets, reference
# definitions, autolinks and HTML tags. A text run is never looked for inside them.
_MARKUP = re.compile(
    r"^(```|~~~).*?^\1[^\n]*$"
    r"|(`+).+?\2"
    r"|\]\([^)\n]*\)"
    r"|^ {0,3}\[[^\]\n]+\]:[^\n]*$"
    r"|<[^>\n]+>",
    re.M | re.S,
)


def _markup_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _MARKUP.finditer(text)]


def _find_prose(text: str, piece: str, start: int, spans: list[tuple[int, int]]) -> int:
    """First occurrence of `piece` at or after `start` that does not overlap markup."""
    at = text.find(piece, start)
    while at >= 0:
        end = at + len(piece)
        if not any(a < end and at < b for a, b in spans):
            return at
        at = text.find(piece, at + 1)
    return -1


def _pieces(run: str) -> list[str]:
    """A text run split where the source has markup or line prefixes, each piece stripped."""
    return [line.strip() for part in _PLACEHOLDER.split(run) for line in part.split("\n")]


def _yaml_scalar(value: str, style: str | None, source: str) -> str:
    """`value` written as a YAML scalar in the style the editor used; the caller verifies it reads back."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style in ("|", ">"):
        header, _, rest = source.partition("\n")
        indent = re.match(r"[ \t]*", rest).group() if rest else "  "  # type: ignore[union-attr]
        lines = value.split("\n") if style == "|" else [value.replace("\n", " ").strip()]
        tail = "\n" if source.endswith("\n") else ""
        return header + "\n" + "\n".join(indent + line if line else "" for line in lines).rstrip("\n ") + tail
    if style is None:
        try:
            if yaml.load(value, Loader=_Loader) == value and "\n" not in value:
                return value
        except yaml.YAMLError:
            pass
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _targets(config: SiteConfig, paths: list[Path]) -> list[Path]:
    if not paths:
        return discover(config.content_dir)
    found: list[Path] = []
    for p in paths:
        p = p if p.is_absolute() else Path.cwd() / p
        found += discover(p) if p.is_dir() else [p] if is_content_file(p) or p.exists() else []
    return sorted(set(found))


def run_fmt(config: SiteConfig, paths: list[Path], check: bool) -> int:
    formatter = Formatter(config)
    problems: list[Problem] = []
    totals: Counter[str] = Counter()
    changed = 0
    for path in _targets(config, paths):
        if not path.exists():
            problems.append(Problem(str(path), None, "no such file"))
            continue
        raw_bytes = path.read_bytes()
        src = load_source(path, config.root)
        if isinstance(src, Problem):
            problems.append(src)
            continue
        try:
            result = formatter.format_text(src.text, src.rel, path)
        except AkhbarError as e:
            problems.extend(e.problems)
            continue
        for w in result.warnings:
            print(w, file=sys.stderr)
        if result.text == src.text:
            continue
        changed += 1
        totals.update(result.changes)
        crlf = b"\r\n" in raw_bytes
        bom = raw_bytes.startswith(b"\xef\xbb\xbf")
        new_text = result.text.replace("\n", "\r\n") if crlf else result.text
        if check:
            diff = difflib.unified_diff(src.text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                                        f"a/{src.rel}", f"b/{src.rel}")
            sys.stdout.writelines(diff)
        else:
            _atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
    verb = "would change" if check else "changed"
    summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(totals.items())) or "nothing to fix"
    print(f"fmt: {changed} file{'s' if changed != 1 else ''} {verb} ({summary})", file=sys.stderr)
    if problems:
        raise AkhbarError(problems)
    return 1 if check and changed else 0
