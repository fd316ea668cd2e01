"""Make a Pagefind bundle depend only on the pages indexed, so the same site gives the same bytes.

Pagefind 1.5 writes the values of each filter, and the list of filters in its metadata file, in the
order of a Rust hash map, which is seeded anew in every run (Pagefind issue #638; later versions sort
both). Everything else it writes is already stable. So each filter index gets its values sorted and a
name taken from its new content, the metadata file lists the filters sorted by name under those names
and is itself renamed after its content, and `pagefind-entry.json` points at it. Sorting already sorted
data changes nothing, so this stays correct once Pagefind sorts by itself. A bundle whose layout is not
the one described here is returned as it was: search still works, and the tests that build twice and
compare the bytes say that this step needs updating.

The files are gzip-compressed CBOR after a `pagefind_dcd` signature. Only unsigned integers, text and
arrays occur in the parts read here, so a few lines of CBOR suffice.
"""

from __future__ import annotations

import gzip
import hashlib
import json

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
FILTERS = 3  # position of the filter list in the metadata's top-level array
Span = tuple[int, int]


def stable_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` (bundle-relative path → bytes) with filters sorted and the renamed files it implies."""
    try:
        return _stable(dict(files))
    except (KeyError, IndexError, ValueError, TypeError, EOFError, gzip.BadGzipFile, UnicodeDecodeError):
        return files


def _stable(files: dict[str, bytes]) -> dict[str, bytes]:
    entry = files[ENTRY].decode("utf-8")
    for language, info in json.loads(entry)["languages"].items():
        old_meta = info["hash"]
        meta = _gunzip(files.pop(f"pagefind.{old_meta}.pf_meta"))
        start, end = _array(meta, len(SIGNATURE))[FILTERS]
        listed = []
        for item in _array(meta, start):
            name, old = (_text(meta, span) for span in _array(meta, item[0]))
            data = _sorted_filter(_gunzip(files.pop(f"filter/{old}.pf_filter")))
            new = _name(language, data)
            files[f"filter/{new}.pf_filter"] = _gzip(data)
            listed.append((name, new))
        filters = _head(4, len(listed)) + b"".join(_head(4, 2) + _str(n) + _str(h) for n, h in sorted(listed))
        meta = meta[:start] + filters + meta[end:]
        new_meta = _name(language, meta)
        files[f"pagefind.{new_meta}.pf_meta"] = _gzip(meta)
        if entry.count(f'"{old_meta}"') != 1:
            raise ValueError("the metadata hash is not named exactly once in the entry file")
        entry = entry.replace(f'"{old_meta}"', f'"{new_meta}"')
    files[ENTRY] = entry.encode("utf-8")
    return files


def _sorted_filter(data: bytes) -> bytes:
    """A filter index `[name, [[value, [pages…]], …]]` with its values in order."""
    _, values = _array(data, len(SIGNATURE))
    # by value, as Rust compares strings: UTF-8 bytes, which is the order of code points
    entries = sorted(_array(data, values[0]), key=lambda v: _text(data, _array(data, v[0])[0]))
    return data[: _first_item(data, values[0])] + b"".join(data[s:e] for s, e in entries) + data[values[1] :]


def _name(language: str, data: bytes) -> str:
    return f"{language}_{hashlib.blake2b(data, digest_size=5).hexdigest()}"


def _gunzip(data: bytes) -> bytes:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return raw


def _gzip(raw: bytes) -> bytes:
    return gzip.compress(raw, compresslevel=9, mtime=0)


# ----------------------------------------------------------------------------- a little CBOR


def _read_head(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(major type, argument, position after the head) of the item at `pos`."""
    major, info = buf[pos] >> 5, buf[pos] & 31
    if info < 24:
        return major, info, pos + 1
    if info > 27:
        raise ValueError("indefinite-length or reserved CBOR item")
    size = 1 << (info - 24)
    return major, int.from_bytes(buf[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def _end(buf: bytes, pos: int) -> int:
    major, arg, pos = _read_head(buf, pos)
    if major in (2, 3):
        return pos + arg
    if major in (4, 5):
        for _ in range(arg * (2 if major == 5 else 1)):
            pos = _end(buf, pos)
    elif major == 6:
        pos = _end(buf, pos)
    return pos


def _array(buf: bytes, pos: int) -> list[Span]:
    """The (start, end) of every item of the array at `pos`."""
    major, count, pos = _read_head(buf, pos)
    if major != 4:
        raise ValueError("expected a CBOR array")
    spans = []
    for _ in range(count):
        end = _end(buf, pos)
        spans.append((pos, end))
        pos = end
    return spans


def _first_item(buf: bytes, pos: int) -> int:
    return _read_head(buf, pos)[2]


def _text(buf: bytes, span: Span) -> str:
    major, length, pos = _read_head(buf, span[0])
    if major != 3:
        raise ValueError("expected CBOR text")
    return buf[pos : pos + length].decode("utf-8")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("CBOR argument too large")


def _str(text: str) -> bytes:
    data = text.encode("utf-8")
    return _head(3, len(data)) + data
