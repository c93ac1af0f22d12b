"""Write the hostile-input corpus: feeds msguide must refuse, and feeds whose text must stay inert.

Run `python tests/hostile/make_corpus.py` to regenerate the committed files (deterministic):
- refused/NAME.json: `msguide import` must exit 3 with one sentence and change nothing;
  expected.json maps NAME to words the error must contain (for wrong types: its JSON path).
- inert/NAME.json: accepted, with HTML, control and direction-override characters kept as
  harmless literal text (tests/reliability/test_hostile_corpus.py checks what is stored).
Files too large to commit (million-item feeds, megabyte strings, deep nesting) come from
`HUGE` at test time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from feedmaker import feed_document, item  # noqa: E402

Document = dict[str, Any]


def compact(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def base() -> Document:
    """A small valid feed: a resource with tags and an attachment, and a contact."""
    resource = item(
        "guide",
        "Guide",
        tags=["nrm"],
        publisher="Home Office",
        format="pdf",
        pinned=True,
        language="en-GB",
        date_published="2025-01-01T00:00:00Z",
        attachments=[
            {
                "url": "https://example.org/guide.pdf",
                "mime_type": "application/pdf",
                "title": "Guide",
                "size_in_bytes": 1000,
                "_msguide": {"sha256": "a" * 64},
            }
        ],
    )
    contact = item(
        "line", "Helpline", kind="contact", phone="0800 000", email="help@example.org", hours="24/7"
    )
    doc = feed_document(items=[resource, contact])
    doc["description"] = "Test."
    doc["feed_url"] = "https://example.org/feed.json"
    doc["_msguide"]["expires"] = "2030-01-01T00:00:00Z"
    doc["_msguide"]["about"] = "https://example.org/about"
    return doc


def with_value(path: tuple[Any, ...], value: Any) -> Document:
    doc = base()
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def show(path: tuple[Any, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out.lstrip(".")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def wrong_type(value: Any) -> Any:
    """A value of another JSON type than `value`."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return 7
    if isinstance(value, list):
        return {"0": value[0]} if value else {}
    return ["an object was expected"]


def wrong_types() -> Iterator[tuple[str, bytes, str]]:
    """Every field of the base feed, once, with a value of the wrong type.

    Once per field: list entries count as one, except the two items (a resource, a contact).
    """
    seen: set[str] = set()
    for path in _paths(base()):
        shape = show(tuple(0 if isinstance(s, int) and n > 1 else s for n, s in enumerate(path)))
        if shape in seen:
            continue
        seen.add(shape)
        original: Any = base()
        for step in path:
            original = original[step]
        name = "wrong-type-" + show(path).replace("[", "-").replace("]", "").replace(".", "-")
        yield name, compact(with_value(path, wrong_type(original))), show(path) + ":"


def _text(raw: bytes, old: bytes, new: bytes) -> bytes:
    assert old in raw, old
    return raw.replace(old, new, 1)


def link(where: tuple[Any, ...], url: str) -> bytes:
    return compact(with_value(where, url))


ITEM_URL = ("items", 0, "url")
# Why each link is refused, as msguide says it (the sentence names the field, then the reason).
NOT_ALLOWED = "is not an allowed link; use an https:// address"
BAD_CHARACTERS = "contains spaces or characters not allowed in a link"
LINKS = {
    "link-javascript": (ITEM_URL, "javascript:alert(document.domain)", NOT_ALLOWED),
    "link-javascript-mixed-case": (ITEM_URL, "JaVaScRiPt:alert(1)", NOT_ALLOWED),
    "link-javascript-leading-space": (ITEM_URL, " javascript:alert(1)", BAD_CHARACTERS),
    "link-javascript-tab": (ITEM_URL, "java\tscript:alert(1)", BAD_CHARACTERS),
    "link-javascript-entity": (ITEM_URL, "javascript&colon;alert(1)", NOT_ALLOWED),
    "link-vbscript": (ITEM_URL, "vbscript:msgbox(1)", NOT_ALLOWED),
    "link-file": (ITEM_URL, "file:///C:/Windows/System32/calc.exe", NOT_ALLOWED),
    "link-file-share": (ITEM_URL, "file://fileserver/share/payload.exe", NOT_ALLOWED),
    "link-unc-path": (ITEM_URL, "\\\\fileserver\\share\\payload.exe", BAD_CHARACTERS),
    "link-scheme-relative": (ITEM_URL, "//evil.example/payload", NOT_ALLOWED),
    "link-data": (
        ITEM_URL,
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        NOT_ALLOWED,
    ),
    "link-smb": (ITEM_URL, "smb://fileserver/share/payload.exe", NOT_ALLOWED),
    "link-ms-msdt": (ITEM_URL, "ms-msdt:/id PCWDiagnostic /skip force", BAD_CHARACTERS),
    "link-ms-msdt-no-space": (ITEM_URL, "ms-msdt:/id", NOT_ALLOWED),
    "link-search-ms": (
        ITEM_URL,
        "search-ms:query=invoice&crumb=location:\\\\evil\\share",
        BAD_CHARACTERS,
    ),
    "link-ms-settings": (ITEM_URL, "ms-settings:privacy", NOT_ALLOWED),
    "link-ms-officecmd": (ITEM_URL, "ms-officecmd:{}", BAD_CHARACTERS),
    "link-chrome": (ITEM_URL, "chrome://settings", NOT_ALLOWED),
    "link-about": (ITEM_URL, "about:blank", NOT_ALLOWED),
    "link-credentials": (
        ITEM_URL,
        "https://user:secret@example.org/",
        "carries a user name or password",
    ),
    "link-bidi": (ITEM_URL, "https://example.org/\u202efdp.exe", BAD_CHARACTERS),
    "link-too-long": (
        ITEM_URL,
        "https://example.org/" + "a" * 3000,
        "the most allowed for a link is 2048",
    ),
    "link-in-attachment": (
        ("items", 0, "attachments", 0, "url"),
        "file:///etc/passwd",
        NOT_ALLOWED,
    ),
    "link-mailto-in-attachment": (
        ("items", 0, "attachments", 0, "url"),
        "mailto:a@b.org",
        NOT_ALLOWED,
    ),
    "link-in-contact": (("items", 1, "url"), "search-ms:query=x", NOT_ALLOWED),
    "link-home-page": (("home_page_url",), "javascript:alert(1)", NOT_ALLOWED),
    "link-feed-url": (("feed_url",), "file:///etc/passwd", NOT_ALLOWED),
    "link-about-url": (("_msguide", "about"), "data:,hello", NOT_ALLOWED),
}


def refused() -> Iterator[tuple[str, bytes, str]]:
    """(name, bytes, words the error must contain)."""
    valid = compact(base())
    yield "nan", _text(valid, b'"sequence":1', b'"sequence":NaN'), "NaN is not a number"
    yield "infinity", _text(valid, b'"sequence":1', b'"sequence":Infinity'), "Infinity is not"
    yield "minus-infinity", _text(valid, b'"pinned":true', b'"pinned":-Infinity'), "-Infinity"
    yield "huge-exponent", _text(valid, b'"sequence":1', b'"sequence":1e999'), "too large"
    yield (
        "digits-5000",
        _text(valid, b'"sequence":1', b'"sequence":' + b"9" * 5000),
        "5000 digits is too long",
    )
    yield "nested-arrays-10000", b"[" * 10_000 + b"]" * 10_000, "nested too deeply"
    yield (
        "duplicate-key-top",
        _text(valid, b'{"version"', b'{"items":[],"version"'),
        'the key "items" appears twice',
    )
    yield (
        "duplicate-key-item",
        _text(valid, b'"id":"guide"', b'"url":"javascript:alert(1)","id":"guide"'),
        'the key "url" appears twice',
    )
    yield (
        "duplicate-key-msguide",
        _text(valid, b'"sequence":1', b'"sequence":1,"sequence":99'),
        'the key "sequence" appears twice',
    )
    yield "invalid-utf8", _text(valid, b'"Guide"', b'"Gu\xffide"'), "not valid UTF-8"
    yield "overlong-utf8", _text(valid, b'"Guide"', b'"\xc0\xafGuide"'), "not valid UTF-8"
    yield "utf8-surrogate", _text(valid, b'"Guide"', b'"\xed\xa0\x80Guide"'), "not valid UTF-8"
    yield "latin1", _text(valid, b'"Guide"', b'"Caf\xe9 guide"'), "not valid UTF-8"
    yield "utf16", "\ufeff".encode("utf-16-le") + valid.decode().encode("utf-16-le"), "UTF-16"
    yield "nul-bytes", b"\x00" * 16 + valid, "not valid JSON"
    yield "raw-control-in-string", _text(valid, b'"Guide"', b'"Gu\x01ide"'), "not valid JSON"
    yield "trailing-garbage", valid + b"<script>", "not valid JSON"
    yield "comment", b"// a feed\n" + valid, "not valid JSON"
    yield "single-quotes", valid.replace(b'"', b"'"), "not valid JSON"
    yield "truncated", valid[: len(valid) // 2], "truncated"
    yield "empty", b"", "the file is empty"
    yield "only-whitespace", b" \r\n\t ", "the file is empty"
    yield "not-an-object", b"[]", "a feed is a JSON object"
    yield "null", b"null", "a feed is a JSON object"
    yield "number", b"12", "a feed is a JSON object"
    for name, (where, url, reason) in LINKS.items():
        # " … " stands for the quoted link between the field and the reason.
        yield name, link(where, url), f"{show(where)}: … {reason}"
    yield "id-bidi", link(("items", 0, "id"), "guide\u202eexe.pdf"), "direction-changing"
    yield "id-control", link(("items", 0, "id"), "guide\x07"), "direction-changing"
    yield "id-empty", link(("items", 0, "id"), " "), "is empty"
    yield "source-id-traversal", link(("_msguide", "source", "id"), "../../etc"), "lower-case"
    yield "title-too-long", link(("items", 0, "title"), "T" * 301), "the most allowed is 300"
    yield (
        "tags-too-many",
        compact(with_value(("items", 0, "tags"), [f"t{n}" for n in range(31)])),
        "items[0].tags:",
    )
    yield (
        "sha256-not-hex",
        link(("items", 0, "attachments", 0, "_msguide", "sha256"), "Z" * 64),
        ("hexadecimal"),
    )
    # Valid dates whose UTC time falls outside years 1-9999 (Python's datetime overflowed).
    yield (
        "date-before-year-1-in-utc",
        link(("_msguide", "published"), "0001-01-01T00:30:00+05:00"),
        "_msguide.published: the date 0001-01-01T00:30:00+05:00 is before the year 1",
    )
    yield (
        "date-after-year-9999-in-utc",
        link(("items", 0, "date_published"), "9999-12-31T23:00:00-12:00"),
        "items[0].date_published: the date 9999-12-31T23:00:00-12:00 is after the year 9999",
    )
    yield from wrong_types()


INERT_TITLE_HTML = '<b>bold</b> <img src=file:///etc/passwd onerror="alert(1)">'


def inert() -> Iterator[tuple[str, bytes]]:
    doc = base()
    first = doc["items"][0]
    first["title"] = INERT_TITLE_HTML
    first["summary"] = "<script>alert(document.cookie)</script><style>*{display:none}</style>"
    first["content_text"] = '<a href="javascript:alert(1)">click</a> <iframe src="smb://x/y">'
    first["content_html"] = "<script>alert(1)</script>"  # not part of the format: ignored
    first["tags"] = ["<i>tag</i>", "&lt;b&gt;"]
    yield "html-in-text", compact(doc)

    doc = base()
    first = doc["items"][0]
    first["title"] = "Invoice \u202egpj.exe and \u2066isolated\u2069 \u202aembedded\u202c"
    first["summary"] = "Right-to-left \u202bembedding\u202c and \u2067isolate\u2069."
    first["tags"] = ["\u202etag"]
    doc["title"] = "Feed \u202etitle"
    yield "bidi-in-text", compact(doc)

    doc = base()
    first = doc["items"][0]
    first["title"] = "Bell\x07 escape\x1b[31mred\x1b[0m del\x7f next\x85 nul\x00 end"
    first["summary"] = "line\r\nbreaks\u2028and\u2029paragraphs\x0bvertical\x0cfeed"
    first["content_text"] = "tab\tkept\nnewline kept\x00nul"
    doc["items"][1]["_msguide"]["phone"] = "0800\x1b]8;;javascript:alert(1)\x07"
    yield "controls-in-text", compact(doc)

    doc = base()
    doc["items"][0]["title"] = "lone \ud800 surrogate \udfff"
    raw = json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    yield "lone-surrogate-escapes", raw


MEGABYTE = 1024 * 1024


def _nested_inside_item() -> bytes:
    deep = b'"x":' + b"[" * 10_000 + b"]" * 10_000 + b',"id":"guide"'
    return _text(compact(base()), b'"id":"guide"', deep)


def _million(element: bytes) -> bytes:
    head = compact(base())[:-1].replace(b'"items":[', b'"ignored":[', 1)
    return head + b',"items":[' + b",".join([element] * 1_000_000) + b"]}"


def _huge_title() -> bytes:
    doc = base()
    doc["items"][0]["title"] = "T" * (15 * MEGABYTE)
    return compact(doc)


def _huge_escaped_content() -> bytes:
    doc = base()
    doc["items"][0]["content_text"] = "\u202e" * (3 * MEGABYTE)
    return json.dumps(doc, ensure_ascii=True).encode("ascii")  # 18 MB of \u202e escapes


# Too large to commit, made at test time: name -> (make the bytes, words the error must contain).
HUGE: dict[str, tuple[Callable[[], bytes], str]] = {
    "nested-objects-10000": (
        lambda: b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        "nested too deeply",
    ),
    "nested-inside-item": (_nested_inside_item, "nested too deeply"),
    "million-items-objects": (lambda: _million(b'{"id":"x"}'), "far more objects"),
    "million-items-arrays": (lambda: _million(b"[]"), "far more lists"),
    "million-items-numbers": (lambda: _million(b"1.5"), "far more numbers"),
    "million-items-strings": (
        lambda: _million(b'"ab"'),
        "has 1000000 items; the most allowed is 100000",
    ),
    "million-items-nulls": (
        lambda: _million(b"null"),
        "has 1000000 items; the most allowed is 100000",
    ),
    "huge-title": (_huge_title, "characters long; the most allowed is 300"),
    "huge-escaped-content": (_huge_escaped_content, "the most allowed is 20000"),
    "over-size": (
        lambda: compact(base()) + b" " * (21 * MEGABYTE),
        "the most allowed is 20 MB",
    ),
}


def main() -> None:
    expected: dict[str, str] = {}
    for folder in ("refused", "inert"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).glob("*.json"):
            old.unlink()
    for name, raw, words in refused():
        assert name not in expected, name
        (HERE / "refused" / f"{name}.json").write_bytes(raw)
        expected[name] = words
    for name, raw in inert():
        (HERE / "inert" / f"{name}.json").write_bytes(raw)
    (HERE / "expected.json").write_text(
        json.dumps(dict(sorted(expected.items())), indent=1, ensure_ascii=True) + "\n"
    )
    print(f"wrote {len(expected)} refused and {len(list(inert()))} inert files into {HERE}")


if __name__ == "__main__":
    main()
