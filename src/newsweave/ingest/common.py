"""Shared pieces of the readers: decoding bytes, ids, size limits, results."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsweave.errors import InputError
from newsweave.model import Article

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a news article is never this big; refuse, don't choke
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that produced no article, and why."""

    input: str
    reason: str

    def message(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass(slots=True)
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def extend(self, other: "IngestResult") -> None:
        self.articles.extend(other.articles)
        self.rejected.extend(other.rejected)


def input_name(path: "Path | str") -> str:
    """How messages, ids and the store name an input: its path, with bytes that are not UTF-8 as ``\\xff``
    and control characters as ``\\n``.

    A file name's undecodable bytes reach Python as lone surrogates, which no
    encoder accepts: printing, JSON, SQLite would each fail on the name.
    """
    name = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(path))  # a newline in a name would split its message
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file-name byte makes
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, C1, line and paragraph separators


def article_id(*, url: str | None = None, text: str = "") -> str:
    """A stable id: a hash of the canonical URL when there is one, else of the text."""
    if url:
        key = "url:" + canonical_url(url)
    else:
        key = "text:" + " ".join(text.split())
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment and tracking parameters."""
    url = url.strip()
    url = re.sub(r"#.*$", "", url)
    match = re.match(r"^(https?)://([^/?]+)(.*)$", url, flags=re.I)
    if not match:
        return url
    scheme, host, rest = match.groups()
    if "?" in rest:
        path, query = rest.split("?", 1)
        kept = [p for p in query.split("&") if p and not re.match(r"(utm_|fbclid|gclid|_r=|ref=)", p)]
        rest = path + ("?" + "&".join(kept) if kept else "")
    return f"{scheme.lower()}://{host.lower()}{rest.rstrip('/') or '/'}"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode an input's bytes to text, or raise InputError saying why not.

    Tries a byte-order mark, then UTF-8, then Windows-1252 (the usual wrong
    encoding of saved pages); refuses data that looks binary.
    """
    if not data.strip():
        raise InputError(f"{name}: empty input", name)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"{name}: {len(data):,} bytes is more than the {MAX_INPUT_BYTES:,}-byte limit for one article",
            name,
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: broken {encoding} text ({exc.reason})", name) from exc
            check_text_like(text.lstrip("\ufeff"), name)
            return text.lstrip("\ufeff")
    if b"\x00" in data[:65536]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            check_text_like(utf16, name)
            return utf16
        raise InputError(f"{name}: looks like binary data (NUL bytes), not text", name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        replaced = data.decode("utf-8", errors="replace")
        if replaced.count("\ufffd") <= max(1, len(data) // 1000) and _UTF8_MULTIBYTE.search(data):
            # Mostly UTF-8 with a stray byte or two (a Latin-1 "é" pasted in): keep it.
            # Without one real UTF-8 sequence, the text is all Windows-1252 ("café" saved by an old editor).
            text = replaced
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                # A byte Windows-1252 leaves undefined (0x81, 0x8d ...): not this
                # encoding either; keep the UTF-8 reading, the check below judges it.
                text = replaced
    check_text_like(text, name)
    return text


def looks_utf16(head: bytes) -> bool:
    """Whether bytes are UTF-16 without a byte-order mark (as far as their first 4 kB tell)."""
    return b"\x00" in head and _utf16_without_bom(head[:4096]) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    """The text, when the bytes are UTF-16 without a byte-order mark (Latin-script text: every other byte NUL)."""
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    for encoding, zeros, letters in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros and zeros.count(0) >= 0.4 * len(zeros) and letters.count(0) <= 0.05 * len(letters):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def check_text_like(text: str, name: str) -> None:
    """Refuse text that is mostly control or unassigned characters (binary junk)."""
    sample = text[:20000]
    if not sample.strip():
        raise InputError(f"{name}: empty input", name)
    if sample.isascii():
        # Most text: only ASCII controls can be junk there, and deleting every
        # other byte counts them in C (3 us for 4 kB, where the set below
        # took 20 us, and every JSON line is checked twice).
        bad = len(sample.encode("ascii").translate(None, _ASCII_TEXT_BYTES))
    else:
        # Each distinct character is judged once per process and its uses
        # counted in C: a text has a hundred or so distinct characters,
        # nearly all of them judged already.
        present = set(sample)
        unjudged = present.difference(_TEXT_CHARACTERS, _JUNK_CHARACTERS)
        for ch in unjudged:
            (_JUNK_CHARACTERS if _junk_character(ch) else _TEXT_CHARACTERS).add(ch)
        bad = sum(map(sample.count, present.intersection(_JUNK_CHARACTERS)))
    if bad / len(sample) > 0.02:
        raise InputError(f"{name}: looks like binary data, not text ({bad} control characters)", name)


def _junk_character(ch: str) -> bool:
    """A control, unassigned, private-use or surrogate character (not a line or tab), or U+FFFD."""
    return (unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\n\r\t\f") or ch == "\ufffd"


# The ASCII bytes that are text (every one but the controls other than \n \r \t \f).
_ASCII_TEXT_BYTES = bytes(byte for byte in range(128) if not _junk_character(chr(byte)))
# Characters judged so far (at most every code point once: a few megabytes at worst).
_TEXT_CHARACTERS: set[str] = set()
_JUNK_CHARACTERS: set[str] = set()


_EN_STOPWORDS = frozenset(
    "the a an and of to in on for with that is was are were be been has have had it its this "
    "by as at from but not or he she they we his her their said says will would who which".split()
)
# The commonest function words of the Latin-script languages most often met
# beside English, less the ones English shares ("in", "die", "no"), so that an
# English text scores near zero on each.
_OTHER_FUNCTION_WORDS = {
    "de": frozenset("der das und ist nicht ein eine einen dem den des mit auf für von zu sich auch im bei wie dass oder aus nach wird werden sind hat".split()),
    "fr": frozenset("le la les et est une des du en dans pour qui que sur pas au aux ce cette il elle sont avec par plus ont été".split()),
    "es": frozenset("el la los las y es un una del en que por con para se su al lo como más pero sus ha fue".split()),
    "it": frozenset("il lo la gli le e è di che per un una del della con non si sono da al alla nel come ma".split()),
    "pt": frozenset("o os as e é um uma do da dos das em na que por com para não se foi mais".split()),
    "nl": frozenset("de het een en van op te dat niet met voor zijn er aan ook als bij door".split()),
}
# An English text's share of the words above: prose runs 0.3-0.5, and even a
# run of headlines ("Trump Blasts 'Total Witch Hunt' After FBI Raids ...")
# has some; a text of another language scores lower on them than on its own.
_MIN_ENGLISH_SHARE = 0.05
_NAMED_SHARE = 0.12


MIN_WORDS = 15  # fewer words than this after cleaning is not an article
# More is a book or a dump, not a report: the brief's pairwise sentence
# comparisons grow with the square of a story's sentences (20,000 words beside
# two reports: 21 s and 660 MB; 200,000 words: 228 s and 5.6 GB).
MAX_WORDS = 20_000


def refusal(cleaned: Article) -> str | None:
    """Why a cleaned article cannot be briefed or stored (too little or too much text, not English), or None.

    The brief and ``newsweave ingest`` refuse the same articles, so a story
    in the store never holds one that its brief would leave out.
    """
    declared = (cleaned.language or "").lower()
    if declared and not declared.startswith("en"):
        return f"language {declared!r} is not supported yet (English only)"
    guessed = guess_language(cleaned.text)
    words = len(cleaned.text.split())
    # Chinese or Japanese runs without spaces: name the language, not a word count.
    if words < MIN_WORDS and guessed not in _SCRIPTS:
        return f"only {words} words left after removing boilerplate"
    if words > MAX_WORDS:
        return f"{words:,} words is longer than a news report (at most {MAX_WORDS:,})"
    if guessed != "en":
        return f"does not look like English text (guessed: {guessed or 'unknown'}); English only for now"
    return None


_SCRIPTS = {
    "zh": re.compile("[\u4e00-\u9fff]"),
    "ru": re.compile("[\u0400-\u04ff]"),
    "ar": re.compile("[\u0600-\u06ff]"),
    "ja": re.compile("[\u3040-\u30ff]"),
    "ko": re.compile("[\uac00-\ud7af]"),
}
_NON_LATIN = re.compile("[\u0400-\u04ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# Punctuation, digits and the usual typographic marks become spaces, so that
# str.split() yields the letter runs (a regular expression took 3x as long).
_NOT_LETTERS = str.maketrans(
    {ch: " " for ch in "0123456789_!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00ab\u00bb"}
)
_SAMPLE_CHARACTERS = 2000  # a language shows in its first paragraphs


def guess_language(text: str) -> str | None:
    """'en' when the text reads as English, else a rough guess by script or function words, or None.

    Function-word shares: cheap, offline, and enough to keep a German or
    Chinese article from being parsed with an English model, without
    refusing a headline-heavy English snippet whose share of "the", "of" and
    "to" is low. Reads the first 2,000 characters (up to 20,000 when they
    are not English), with the counting done in C (str.translate, Counter,
    set operations): about 45 us an English article, and ``newsweave
    ingest`` asks it of every article.
    """
    guessed = _guess_language(text[:_SAMPLE_CHARACTERS])
    if guessed != "en" and len(text) > _SAMPLE_CHARACTERS:
        # An opening that is not English prose (a ticker line, a caption list,
        # a quotation in Spanish) does not settle it: read as far as 20,000 characters.
        guessed = _guess_language(text[:20000])
    return guessed


def _guess_language(sample: str) -> str | None:
    sample = sample.lower()
    words = sample.translate(_NOT_LETTERS).split()
    foreign = 0 if sample.isascii() else len(_NON_LATIN.findall(sample))
    if foreign and foreign / max(sum(map(len, words)), 1) > 0.3:
        return max(_SCRIPTS, key=lambda script: len(_SCRIPTS[script].findall(sample)))
    if len(words) < 8:
        return "en" if not words or not _EN_STOPWORDS.isdisjoint(words) else None
    counts = Counter(words)

    def share(vocabulary: frozenset[str]) -> float:
        return sum(counts[w] for w in vocabulary.intersection(counts)) / len(words)

    english = share(_EN_STOPWORDS)
    language, other = max(((name, share(vocabulary)) for name, vocabulary in _OTHER_FUNCTION_WORDS.items()), key=lambda kv: kv[1])
    if english >= _MIN_ENGLISH_SHARE and english > other:
        return "en"
    return language if other >= _NAMED_SHARE else None  # below it, too few words to name a language
