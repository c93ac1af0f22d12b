"""Deterministic generator of realistic msguide feeds of any size, for the benchmarks.

Same arguments, same bytes: the text is drawn with a seeded `random.Random` from a fixed
vocabulary whose word frequencies follow Zipf's law (a few words everywhere, a long tail of rare
ones), like real prose. Usage: `python benchmarks/generate.py 100000 -o feed.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import tempfile
from bisect import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED = 20250401
# Bump when the generated text changes, so cached feeds are rebuilt.
GENERATOR_VERSION = 1


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _words(
    "the of and to a in for is on that by this with as be are from or at it an not can "
    "should their they which will if you who may has have any been all other must also "
    "where when more such about into these there than this what its under each was were "
    "but how some those only one two first would could after before between through "
    "during within without over them his her our your we do does both most very"
)

# Real words of the domain and of everyday guidance text, in rough order of frequency. Several
# share prefixes on purpose ("exp…", "ref…", "chi…"): prefix search as you type meets them all.
DOMAIN_WORDS = _words(
    "modern slavery exploitation victims support child children adult adults referral "
    "national mechanism guidance council police people services professionals safeguarding "
    "trafficking human risk local information help report partnership agency agencies "
    "young labour criminal county lines first responder responders duty notify consent "
    "abuse care health housing home office case cases staff training toolkit framework "
    "assessment practitioners identify identification indicators concerns harm protection "
    "community communities legal advice work workers rights employment employer employers "
    "domestic servitude sexual forced criminal exploited exploit exploiters exploitative "
    "experience experienced expert experts expected explain explains explore express "
    "expenses expansion expiry exposure experiment explicit exploring explanation "
    "referrals referred refer reference reflect reform refuge refugee refused region "
    "regional multi-agency partners coordinator coordination decision decisions competent "
    "authority single helpline contact phone email hours office access recovery "
    "accommodation financial debt bondage control coercion threats violence vulnerable "
    "vulnerability signs spot recognise respond response responses procedure procedures "
    "policy policies statutory legislation act section offence offences prosecution court "
    "courts sentencing survivors survivor independent advocate advocates advocacy guardian "
    "guardianship interpreter language languages translation immigration status asylum "
    "nationality british foreign overseas organised crime groups network networks gang "
    "gangs drugs cannabis nail bars car washes agriculture construction hospitality "
    "factories warehouses supply chains transparency statement business businesses "
    "charity charities voluntary sector volunteers education schools teachers college "
    "university hospital nhs gp nurses midwives social worker workers team teams manager "
    "managers board boards review reviews lessons learned serious case annual data "
    "statistics figures quarterly published publication research evidence study findings "
    "report reports briefing webinar course e-learning module session sessions event "
    "conference awareness campaign leaflet poster resources resource pack guide checklist "
    "flowchart template form forms online website portal app phone text whatsapp "
    "hampshire isle wight portsmouth southampton winchester basingstoke newport "
    "england wales scotland northern ireland uk government minister commissioner "
    "café naïve rôle façade résumé coördinate"
)

PHRASES = (
    "modern slavery",
    "county lines",
    "national referral mechanism",
    "child exploitation",
    "first responder",
    "duty to notify",
    "criminal exploitation",
    "forced labour",
    "domestic servitude",
    "sexual exploitation",
    "human trafficking",
    "single competent authority",
    "independent child trafficking guardian",
    "supply chains",
    "safe house",
    "reflection and recovery period",
)

SYLLABLES = _words(
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi ho "
    "ja je jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu "
    "ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi ya yo za zo "
    "bra bre cla cle dra fra gra pla pre pro sta ste str tra tre tri ver con dis com "
    "ment tion ness able ing ed er al ous ive ly"
)

AUDIENCES = (
    ("adults", "Adults"),
    ("children", "Children and young people"),
    ("professionals", "Professionals"),
    ("police", "Police"),
    ("health", "Health"),
    ("education", "Education"),
    ("businesses", "Businesses"),
    ("public", "The public"),
)
CATEGORIES = (
    ("nrm", "Identification & referral (NRM)"),
    ("toolkits", "Toolkits"),
    ("training", "Training"),
    ("legislation", "Legislation"),
    ("statistics", "Statistics"),
    ("helplines", "Helplines"),
    ("county-lines", "County lines"),
    ("labour", "Labour exploitation"),
    ("sexual", "Sexual exploitation"),
    ("criminal", "Criminal exploitation"),
    ("domestic", "Domestic servitude"),
    ("supply-chains", "Supply chains"),
    ("support", "Victim support"),
    ("research", "Research"),
    ("local", "Local pathways"),
)
PUBLISHERS = (
    "Home Office",
    "Hampshire County Council",
    "Isle of Wight Council",
    "Portsmouth City Council",
    "Southampton City Council",
    "Hampshire & Isle of Wight Constabulary",
    "NHS England",
    "Salvation Army",
    "Unseen",
    "Hope for Justice",
    "Independent Anti-Slavery Commissioner",
    "Gangmasters & Labour Abuse Authority",
    "National Crime Agency",
    "Crown Prosecution Service",
    "Barnardo’s",
    "NSPCC",
    "Local Government Association",
    "Modern Slavery & Human Rights Policy and Evidence Centre",
)
FORMATS = ("web", "pdf", "toolkit", "training", "data", "video")


def _listing(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


TAGS = _listing(
    "NRM, referral, county lines, CSE, CCE, labour, forced labour, debt bondage, "
    "safeguarding, adults, children, duty to notify, first responders, training, "
    "toolkit, helpline, statistics, legislation, section 45, survivors, housing, health, "
    "police, education, business, supply chains, transparency, cannabis, nail bars, "
    "car washes, hospitality, agriculture, construction, domestic, servitude, "
    "sexual exploitation, criminal exploitation, ICTG, SCA, IASC, GLAA, MSHT, Hampshire, "
    "Isle of Wight, Portsmouth, Southampton, webinar, e-learning, leaflet, poster, "
    "checklist, flowchart, research, data"
)


@dataclass(frozen=True)
class Vocabulary:
    """Words ranked by frequency with Zipf weights (weight of rank r is 1/r)."""

    words: tuple[str, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        words, cumulative = self.words, self.cumulative
        total = cumulative[-1]
        return [words[bisect(cumulative, rng.random() * total)] for _ in range(count)]


def vocabulary(size: int = 30_000) -> Vocabulary:
    rng = random.Random(SEED)
    ranked: list[str] = list(FUNCTION_WORDS[:40])
    rest_function = list(FUNCTION_WORDS[40:])
    domain = list(DOMAIN_WORDS)
    # Interleave the rest of the function words with the domain words: guidance text is full
    # of both, the domain's own words first among them.
    while rest_function or domain:
        if domain:
            ranked.append(domain.pop(0))
        if rest_function and len(ranked) % 3 == 0:
            ranked.append(rest_function.pop(0))
    seen = set(ranked)
    while len(ranked) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            ranked.append(word)
    cumulative = tuple(itertools.accumulate(1.0 / rank for rank in range(1, len(ranked) + 1)))
    return Vocabulary(tuple(ranked), cumulative)


# The domain's words with a flatter spread than prose (weight 1/(rank + 10)): titles vary.
TITLE_WORDS = Vocabulary(
    tuple(DOMAIN_WORDS),
    tuple(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(DOMAIN_WORDS)))),
)


def _sentence(rng: random.Random, vocab: Vocabulary, low: int, high: int) -> str:
    words = vocab.draw(rng, rng.randint(low, high))
    if rng.random() < 0.35:
        words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _title(rng: random.Random, vocab: Vocabulary) -> str:
    # Titles name the subject: mostly the domain's own words, the odd rarer one.
    words = TITLE_WORDS.draw(rng, rng.randint(2, 7))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words) + 1), vocab.draw(rng, 1)[0])
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _content(rng: random.Random, vocab: Vocabulary) -> str:
    # Lengths spread like real pages: most a few hundred words, some short, a few long.
    target = int(min(1200, max(40, rng.lognormvariate(5.0, 0.6))))
    paragraphs: list[str] = []
    written = 0
    while written < target:
        if rng.random() < 0.2:
            lines = ["- " + _sentence(rng, vocab, 3, 9)[:-1] for _ in range(rng.randint(2, 5))]
            paragraphs.append("\n".join(lines))
            written += sum(len(line.split()) for line in lines)
        else:
            sentences = [_sentence(rng, vocab, 8, 24) for _ in range(rng.randint(2, 5))]
            paragraphs.append(" ".join(sentences))
            written += sum(len(s.split()) for s in sentences)
    return "\n\n".join(paragraphs)


def _date(rng: random.Random) -> str:
    return (
        f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}:00Z"
    )


def _slug(text: str, number: int) -> str:
    words = [w for w in text.lower().split() if w.isascii() and w.isalnum()][:5]
    return "-".join([*words, str(number)])


def make_item(rng: random.Random, vocab: Vocabulary, number: int) -> dict[str, Any]:
    roll = rng.random()
    kind = "resource" if roll < 0.85 else "news" if roll < 0.95 else "contact"
    title = _title(rng, vocab)
    item_id = _slug(title, number)
    out: dict[str, Any] = {"id": item_id}
    if kind != "contact" or rng.random() < 0.7:
        out["url"] = f"https://www.example.org/{rng.choice(('guidance', 'news', 'help'))}/{item_id}"
    out["title"] = title
    out["summary"] = " ".join(_sentence(rng, vocab, 10, 25) for _ in range(rng.randint(1, 2)))
    out["content_text"] = _content(rng, vocab)
    if kind == "news" or rng.random() < 0.3:
        out["date_published"] = _date(rng)
        if rng.random() < 0.3:
            out["date_modified"] = _date(rng)
    tags = rng.sample(TAGS, rng.choice((0, 1, 2, 2, 3, 3, 4, 5)))
    if tags:
        out["tags"] = tags
    if rng.random() < 0.1:
        out["language"] = "en-GB"
    if kind == "resource" and rng.random() < 0.03:
        out["attachments"] = [
            {
                "url": f"https://www.example.org/files/{item_id}-{n}.pdf",
                "mime_type": "application/pdf",
                "title": f"{title} (PDF)",
                "size_in_bytes": rng.randint(20_000, 5_000_000),
                "_msguide": {"sha256": hashlib.sha256(f"{item_id}/{n}".encode()).hexdigest()},
            }
            for n in range(rng.randint(1, 2))
        ]
    extension: dict[str, Any] = {"kind": kind}
    extension["audiences"] = [a for a, _ in rng.sample(AUDIENCES, rng.randint(1, 3))]
    categories = [c for c, _ in rng.sample(CATEGORIES, rng.choice((0, 1, 1, 2)))]
    if categories:
        extension["categories"] = categories
    extension["publisher"] = rng.choice(PUBLISHERS)
    if kind == "resource":
        extension["format"] = rng.choice(FORMATS)
    if kind == "contact":
        extension["phone"] = f"0{rng.randint(1000, 9999)} {rng.randint(100000, 999999)}"
        if rng.random() < 0.6:
            extension["email"] = f"team{number}@example.org"
        extension["hours"] = rng.choice(("24/7", "Mon–Fri 9am–5pm", "Weekdays 8:30–17:00"))
    if rng.random() < 0.001:
        extension["pinned"] = True
    out["_msguide"] = extension
    return out


def feed_document(count: int, *, sequence: int = 1, seed: int = SEED) -> dict[str, Any]:
    """A valid feed of `count` items; the same arguments always give the same document."""
    rng = random.Random(seed)
    vocab = vocabulary()
    items = [make_item(rng, vocab, number) for number in range(count)]
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Benchmark feed",
        "home_page_url": "https://www.example.org/",
        "feed_url": "https://www.example.org/feed.json",
        "description": f"{count} generated items for msguide's benchmarks.",
        "language": "en-GB",
        "_msguide": {
            "format": 1,
            "source": {"id": "bench", "name": "Benchmark source"},
            "sequence": sequence,
            "published": "2025-04-01T09:00:00Z",
            "audiences": [{"id": i, "label": label} for i, label in AUDIENCES],
            "categories": [{"id": i, "label": label} for i, label in CATEGORIES],
        },
        "items": items,
    }


def changed_document(
    document: dict[str, Any], fraction: float, *, seed: int = SEED + 1
) -> dict[str, Any]:
    """The next publication: `fraction` of the items edited, the sequence one higher.

    Of the touched items, half get a new summary, a quarter a new title, an eighth are
    replaced by new items and an eighth are removed: the mix a real update has.
    """
    rng = random.Random(seed)
    vocab = vocabulary()
    items = [dict(i) for i in document["items"]]
    touched = rng.sample(range(len(items)), int(len(items) * fraction))
    removed: set[int] = set()
    for n, index in enumerate(touched):
        share = n % 8
        if share < 4:
            items[index]["summary"] = _sentence(rng, vocab, 10, 25)
        elif share < 6:
            items[index]["title"] = _title(rng, vocab)
        elif share == 6:
            items[index] = make_item(rng, vocab, len(items) + n)
        else:
            removed.add(index)
    out = dict(document)
    out["_msguide"] = dict(document["_msguide"], sequence=document["_msguide"]["sequence"] + 1)
    out["items"] = [item for index, item in enumerate(items) if index not in removed]
    return out


def to_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def cached_feed(count: int, *, changed: float = 0.0, folder: Path | None = None) -> Path:
    """The feed file for `count` items (and optionally its update), generated once per machine."""
    folder = folder or Path(tempfile.gettempdir()) / "msguide-bench"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-changed{changed:g}" if changed else ""
    path = folder / f"feed-{count}-v{GENERATOR_VERSION}{suffix}.json"
    if not path.exists():
        document = feed_document(count)
        if changed:
            document = changed_document(document, changed)
        partial = path.with_suffix(".partial")
        partial.write_bytes(to_bytes(document))
        partial.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many items")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--changed", type=float, default=0.0, help="fraction of items to edit (an update feed)"
    )
    args = parser.parse_args(argv)
    document = feed_document(args.count)
    if args.changed:
        document = changed_document(document, args.changed)
    data = to_bytes(document)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
