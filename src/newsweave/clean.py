"""Clean: drop the news boilerplate that HTML extractors miss or never see.

Second stage of the pipeline (``ingest -> clean -> nlp -> ...``). Works line
by line (a line is a paragraph) and, inside a line, on glued trailing pieces:

- newsletter and sign-up blurbs, template residue (``{{ ... }}``);
- "Advertisement" and share / read-more prompts;
- photo captions and credits ("(Pool via AP)", "Leah Millis / AFP – Getty
  Images"), also when glued to the end of a paragraph;
- contributor lines ("... contributed.", "Reporting by ...");
- metadata printed in the text: a leading ``date 2023-06-19`` field and a
  dateline ``June 19 (UPI) --`` become metadata, not body text.

Every dropped piece is kept verbatim in ``removed``. Character normalisation
is one-for-one (exotic spaces to spaces, guillemets to curly quotes, primes
to apostrophes), so each kept piece maps back to the raw text offset by
offset: ``CleanText.pieces`` records where each piece came from.
:func:`clean_text` is idempotent and never raises on any string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from newsweave.model import Article

# One-for-one character replacements: offsets stay mappable.
_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ",
        "\u200a": " ", "\u202f": " ", "\u3000": " ", "\t": " ", "\f": " ", "\v": " ",
        "\u00ab": "\u201c", "\u00bb": "\u201d",  # « » -> “ ”
        "\u2039": "\u2018", "\u203a": "\u2019",  # ‹ › -> ‘ ’
        "\u201e": "\u201c", "\u2033": "\u201d",  # „ ″
        "\u2032": "\u2019",  # ′ (a prime used as an apostrophe)
        "\u2028": " ", "\u2029": " ", "\r": " ",
    }
    # Half a surrogate pair (a JSON escape, an API caller's string) cannot be
    # encoded to hash or store the text: U+FFFD, as for undecodable bytes.
    | {chr(code): "\ufffd" for code in range(0xD800, 0xE000)}
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """The text with each half of a surrogate pair replaced by U+FFFD (one character for one)."""
    return _LONE_SURROGATE.sub("\ufffd", text)

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Any character the normalisation changes: most texts hold none, and a line
# without one is its own normalised form (translate() costs more than a search).
_MAPPED = re.compile("[" + "".join(map(re.escape, map(chr, _CHAR_MAP))) + "]")
_NORMALISED = re.compile(_MAPPED.pattern[:-1] + _ZERO_WIDTH.pattern[1:])
_ASCII_MAPPED = tuple(char for char in map(chr, _CHAR_MAP) if char.isascii())  # the ones an ASCII text can hold

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_AGENCIES = r"UPI|AP|Reuters|AFP|CNN|Xinhua|dpa|DPA|ANI|PTI|IANS|Bloomberg|CNBC|EFE|Kyodo|Yonhap|TASS|PA|NBC|ABC|CBS|Fox News|BBC"
LEADING_DATE = re.compile(r"\s*(?:date|published|posted|updated)\s*:?\s*(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?\s*", re.I)
DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z.'\- ]{{1,40}}?,?\s+)?"
    rf"(?:(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?\s*)?"
    rf"\((?P<agency>{_AGENCIES})\)\s*(?:--|[\u2014\u2013-])\s*"
)
PLACE_DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Za-z.'\-]+){0,3})\s+[\u2014\u2013]\s+(?=[A-Z\"“])")

# A sign-up blurb is recognised by its vocabulary: two markers on a line, or one on a short line.
# Each marker comes with the lower-case substrings one of which any match contains: a line
# holding none of a marker's keys skips that marker's regex (speed only, the score is the same).
_SIGNUP_MARKERS = [
    (re.compile(pattern, re.I), keys)
    for pattern, keys in (
        (r"\bsign(?:ing)?[ -]?up\b", ("signup", "sign up", "sign-up", "signingup", "signing up", "signing-up")),
        (r"\bnewsletters?\b", ("newsletter",)),
        (r"\binbox\b", ("inbox",)),
        (r"\be-?mails?\b(?! from)", ("email", "e-mail")),
        (r"\bprivacy (?:notice|policy)\b", ("privacy ",)),
        (r"\bvalid e-?mail\b", ("valid email", "valid e-mail")),
        (r"\bsubscri(?:be|ption)\b", ("subscri",)),
        (r"\boffers, events\b", ("offers, events",)),
        (r"\bsomething went wrong\b", ("something went wrong",)),
        (r"\bplease try again\b", ("please try again",)),
        (r"\bbreaking news alerts\b", ("breaking news alerts",)),
        (r"\bterms of (?:use|service)\b", ("terms of ",)),
        (r"\bunsubscribe\b", ("unsubscribe",)),
        (r"\bcookies?\b", ("cookie",)),
        (r"\bdownload (?:our|the) app\b", ("download ",)),
        (r"\bfollow us\b", ("follow us",)),
    )
]
# Each marker's keys contains one of these (fewer, shorter scans than all the keys).
_SIGNUP_COARSE_KEYS = (
    "sign", "newsletter", "inbox", "mail", "privacy", "subscri", "offers, events", "wrong", "try again",
    "alerts", "terms of", "cookie", "download", "follow us",
)
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_ADVERT = re.compile(
    r"(?:^|\s+)(?:Advertisement|ADVERTISEMENT|Story continues below(?: advertisement)?|"
    r"Continue reading (?:the main story|below)|Scroll to continue(?: with content)?|AD)\s*$"
)
_PROMPT_LINE = re.compile(
    r"^(?:read more|related|more from|click here|share (?:this|on)|follow (?:us|@)|watch(?: now)?:|"
    r"(?:read|see|watch) (?:the|her|his|their) (?:full|entire|complete)|"  # "Read the full rant via Gawker:"
    r"listen(?: to this)?|recommended|trending|most read|see also|image|photo|credit|copyright|\u00a9|all rights reserved)\b",
    re.I,
)
_CONTRIBUTORS = re.compile(
    r"(?:\bcontributed(?: (?:reporting|to this (?:report|story)))?\.?$|^\s*(?:additional )?reporting by\b|"
    r"^\s*(?:writing|editing) by\b|^\s*\(?(?:this|an earlier version of this) (?:story|article) (?:was|has been)\b)",
    re.I,
)
# Photo credits, as printed at the end of a caption or glued to a paragraph.
_CREDIT = re.compile(
    r"(?:\s*\((?:[^()]{0,60}\b(?:via|for|/)\s*)?(?:AP|AFP|Reuters|Getty(?: Images)?|EPA|PA|Pool|Shutterstock|Bloomberg|Xinhua|File)"
    r"(?:[^()]{0,40})?\)"
    r"|\s*\b(?:Photo|Photograph|Image|Picture)s?(?: courtesy(?: of)?| by|:| credit:?)\s+[^.]{2,80}"
    r"|\s*\b[A-Z][\w.'\-]+(?: [A-Z][\w.'\-]+){0,3}\s*/\s*(?:AFP|AP|Reuters|Getty Images|EPA|Bloomberg|Sipa|Pool)"
    r"(?:[^.]{0,40}(?:Getty Images|file|File))?"
    r"|\s*\b(?:AFP|AP|Reuters|EPA)? ?(?:via )?Getty Images)\s*$"
)
# A sentence that only points at a link that is gone: "Details here.", "Watch the video here."
_LINK_PROMPT = re.compile(
    r"(?:^|(?<=[.!?\"”]) )(?:(?:full )?details|more|read more|watch(?: the)?(?: full)? video|video|see the (?:video|story|full story)|"
    r"click|the full (?:story|interview|statement|text)(?: is)?)[^.!?]{0,30}\bhere\s*[.!:]?\s*$",
    re.I,
)
_INLINE_LINK_RESIDUE = re.compile(
    r"\b(?:which|that) (?:can|may|could) be (?:found|seen|watched|viewed|read|heard) here(?: on [A-Z][\w]*(?: [A-Z][\w]*)?)?, ?"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")

# Cheap pre-checks (speed only, results unchanged): each pattern above needs
# one of these substrings, so a line without any skips the regex. Under
# re.IGNORECASE four non-ASCII letters also match ASCII ones (ſ~s, ı/İ~i,
# Kelvin K~k) and str.lower() does not map them, so a line holding one of
# them always takes the regex path.
_FOLD_TRAPS = re.compile("[\u017f\u0131\u0130\u212a]")
_CONTRIBUTOR_KEYS = ("contributed", "reporting by", "writing by", "editing by", "story", "article")
_ADVERT_ENDS = ("Advertisement", "ADVERTISEMENT", "advertisement", "below", "story", "continue", "content", "AD")
_CREDIT_KEYS = ("/", "Photo", "Image", "Picture")
# Every link-residue match holds one of these words, in this case.
_INLINE_LINK_KEY = re.compile(r"be (?:found|seen|watched|viewed|read|heard) here")


def _has_fold_trap(text: str) -> bool:
    return not text.isascii() and _FOLD_TRAPS.search(text) is not None  # the traps are not ASCII


def _needs_normalising(text: str) -> bool:
    """Whether normalising changes the text: it holds a zero-width or mapped character."""
    if text.isascii():  # a constant-time flag; the zero-width characters are not ASCII
        return any(char in text for char in _ASCII_MAPPED)
    return _NORMALISED.search(text) is not None


def _lacks_all(text: str, keys: tuple[str, ...]) -> bool:
    """True when no case-insensitive match of any key can be in ``text`` (so a regex needing one cannot match)."""
    if _has_fold_trap(text):
        return False
    lowered = text.lower()
    return not any(key in lowered for key in keys)


def _keys_in(text: str, *key_sets: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Of each key set, the keys a case-insensitive match could find in ``text`` (a line of it holds no others).

    Every key when the text holds a case-folding trap (see _FOLD_TRAPS).
    """
    if _has_fold_trap(text):
        return key_sets
    lowered = text.lower()  # lower() maps character by character: a line's lower() is a slice of it
    return tuple(tuple(key for key in keys if key in lowered) for keys in key_sets)


def _may_credit(body: str) -> bool:
    # A credit ends the body with ")", or its key word, "/" or credit words
    # follow the body's last "." (no branch of _CREDIT lets a "." after them).
    tail = body[body.rfind(".") + 1 :]
    return body.rstrip().endswith(")") or any(key in tail for key in _CREDIT_KEYS)


def _may_link_prompt(body: str) -> bool:
    """Whether the body ends as a _LINK_PROMPT match must: "here", then at most one of ".!:" and spaces."""
    end = body.rstrip()
    if end.endswith((".", "!", ":")):
        end = end[:-1].rstrip()
    return end[-4:].lower() == "here"  # "here" has no case-folding traps (see _FOLD_TRAPS)


@dataclass(frozen=True, slots=True)
class CleanText:
    """Result of cleaning one text.

    ``pieces`` maps the cleaned text back to the raw one: each entry is
    ``(clean_start, raw_start, length)`` of a run copied one-for-one.
    """

    text: str
    removed: tuple[str, ...]
    published: dt.date | None = None
    dateline: tuple[int, int, int | None] | None = None  # (month, day, year or None)
    dateline_place: str | None = None
    agency: str | None = None
    pieces: tuple[tuple[int, int, int], ...] = ()

    def raw_offset(self, clean_offset: int) -> int:
        """Where a cleaned-text offset sits in the raw text."""
        for clean_start, raw_start, length in self.pieces:
            if clean_start <= clean_offset <= clean_start + length:
                return raw_start + (clean_offset - clean_start)
        raise ValueError(f"offset {clean_offset} is outside the cleaned text")


def plausible_date(iso: str) -> dt.date | None:
    """An ISO date that exists and could date a news article (1800 to next year), else None."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return day if 1800 <= day.year <= dt.date.today().year + 1 else None


def _signup_score(line: str, coarse_keys: tuple[str, ...] = _SIGNUP_COARSE_KEYS) -> int:
    """How many sign-up markers the line carries.

    ``coarse_keys`` may leave out coarse keys the line cannot hold (see _keys_in).
    """
    if _has_fold_trap(line):  # case folding beyond str.lower(): try every marker
        return sum(1 for marker, _ in _SIGNUP_MARKERS if marker.search(line))
    lowered = line.lower()
    if not any(key in lowered for key in coarse_keys):  # most lines: a few substring scans
        return 0
    return sum(1 for marker, keys in _SIGNUP_MARKERS if any(key in lowered for key in keys) and marker.search(line))


def _words(text: str) -> int:
    return len(text.split())


def _is_caption_rest(rest: str) -> bool:
    """Whether what precedes a photo credit reads as a caption, not a paragraph."""
    rest = rest.strip()
    if not rest:
        return True
    sentences = [s for s in _SENTENCE_END.split(rest) if s.strip()]
    return len(sentences) <= 2 and len(rest) <= 300 and not re.search(r"[\"“”]", rest)


def _month_number(name: str) -> int:
    key = name.strip(".").lower()[:3]
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(key) + 1


def clean_text(raw: str) -> CleanText:
    """Clean a raw article text; see the module docstring for what goes."""
    removed: list[str] = []
    kept: list[tuple[int, str]] = []  # (raw_start, text) of each kept run
    published: dt.date | None = None
    dateline: tuple[int, int, int | None] | None = None
    place: str | None = None
    agency: str | None = None
    first_content = True
    # Checks made once for the whole text (speed only): a text without
    # characters to normalise is its own normalised form, line by line, and
    # its lines can hold only the keys the whole text holds.
    normalise = _needs_normalising(raw)
    signup_keys, contributor_keys = (
        (_SIGNUP_COARSE_KEYS, _CONTRIBUTOR_KEYS) if normalise else _keys_in(raw, _SIGNUP_COARSE_KEYS, _CONTRIBUTOR_KEYS)
    )

    position = 0
    for raw_line in raw.split("\n"):
        line_start = position
        position += len(raw_line) + 1
        # Runs between zero-width characters are copied one-for-one.
        runs: list[tuple[int, str]] = []
        if normalise:
            cursor = 0
            for zw in _ZERO_WIDTH.finditer(raw_line):
                runs.append((line_start + cursor, raw_line[cursor : zw.start()]))
                cursor = zw.end()
            runs.append((line_start + cursor, raw_line[cursor:]))
            line = "".join(text for _, text in runs)
            if _MAPPED.search(line):
                line = line.translate(_CHAR_MAP)
        else:
            runs.append((line_start, raw_line))
            line = raw_line
        if not line.strip():
            continue

        # Work on [lo, hi) of the normalised line; trim from both ends only.
        lo, hi = 0, len(line)

        def cut(start: int, end: int) -> None:
            piece = line[start:end].strip()
            if piece:
                removed.append(piece)

        if first_content:
            # A line may stack several date fields ("date 2023-06-19 Published: 2023-06-19").
            while match := LEADING_DATE.match(line, lo):
                published = published or plausible_date(match.group(1))
                cut(lo, match.end())
                lo = match.end()
        body = line[lo:hi]
        if ("{" in body and _TEMPLATE.search(body)) or (signup_keys and _signup_score(body, signup_keys) >= 1):
            without = _TEMPLATE.sub(" ", body)
            score = _signup_score(without)
            if (
                score >= 2
                or (score >= 1 and _words(without) <= 12 and not re.search(r"[\"“”]", without))
                or (_TEMPLATE.search(body) and _words(without) <= 6)
            ):
                cut(lo, hi)
                continue
        if first_content and dateline is None:
            match = DATELINE.match(line, lo)
            if match and (match.group("month") or match.group("place")):
                if match.group("month"):
                    year = int(match.group("year")) if match.group("year") else None
                    if year is not None and not 1800 <= year <= dt.date.today().year + 1:
                        year = None
                    dateline = (_month_number(match.group("month")), int(match.group("day")), year)
                place = (match.group("place") or "").strip(" ,") or None
                agency = match.group("agency")
                cut(lo, match.end())
                lo = match.end()
        # Trailing glued pieces: adverts, link prompts, then photo credits.
        while True:
            body = line[lo:hi]
            prompt = _LINK_PROMPT.search(body) if _may_link_prompt(body) else None
            if prompt:
                cut(lo + prompt.start(), hi)
                hi = lo + prompt.start()
                continue
            ad = _ADVERT.search(body) if body.rstrip().endswith(_ADVERT_ENDS) else None
            if ad and ad.start() > 0 or (ad and ad.start() == 0 and body.strip() in ("Advertisement", "ADVERTISEMENT", "AD")):
                cut(lo + ad.start(), hi)
                hi = lo + ad.start()
                continue
            credit = _CREDIT.search(body) if _may_credit(body) else None
            if credit:
                if _is_caption_rest(body[: credit.start()]):
                    cut(lo, hi)
                    hi = lo
                else:
                    cut(lo + credit.start(), hi)
                    hi = lo + credit.start()
                continue
            break
        body = line[lo:hi]
        stripped = body.strip()
        if not stripped:
            continue
        if (
            contributor_keys
            and not _lacks_all(stripped, contributor_keys)
            and _words(stripped) <= 30
            and _CONTRIBUTORS.search(stripped)
        ):
            cut(lo, hi)
            continue
        if _PROMPT_LINE.match(stripped) and _words(stripped) <= 15 and not re.search(r"[.!?][\"”]?$", stripped):
            cut(lo, hi)
            continue
        if first_content and not dateline:
            match = PLACE_DATELINE.match(body)
            if match and len(match.group("place")) <= 40:
                place = match.group("place").strip()
        lead = len(body) - len(body.lstrip())
        trail = len(body.rstrip())
        lo, hi = lo + lead, lo + trail
        # Link residue inside a sentence ("which can be found here on YouTube, ")
        # is cut out; the sentence around it stays.
        segments = []
        start = lo
        for match in _INLINE_LINK_RESIDUE.finditer(line, lo, hi) if _INLINE_LINK_KEY.search(line, lo, hi) else ():
            cut(match.start(), match.end())
            segments.append((start, match.start()))
            start = match.end()
        segments.append((start, hi))
        # Map each kept segment of the normalised line back to raw offsets through the runs.
        for seg_lo, seg_hi in segments:
            offset_in_line = 0
            for run_start, run_text in runs:
                run_lo = max(seg_lo, offset_in_line)
                run_hi = min(seg_hi, offset_in_line + len(run_text))
                if run_lo < run_hi:
                    kept.append((run_start + (run_lo - offset_in_line), line[run_lo:run_hi]))
                offset_in_line += len(run_text)
        kept.append((-1, "\n\n"))  # paragraph break
        first_content = False

    pieces: list[tuple[int, int, int]] = []
    parts: list[str] = []
    length = 0
    while kept and kept[-1][0] == -1:
        kept.pop()
    for raw_start, text in kept:
        if raw_start >= 0:
            pieces.append((length, raw_start, len(text)))
        parts.append(text)
        length += len(text)
    return CleanText(
        text="".join(parts),
        removed=tuple(removed),
        published=published,
        dateline=dateline,
        dateline_place=place,
        agency=agency,
        pieces=tuple(pieces),
    )


def detect_title(text: str) -> tuple[str | None, str]:
    """Split a headline off the top of a plain-text article: ``(title, rest)``.

    A first paragraph is a headline when it is short, ends without sentence
    punctuation, and is followed by more text.
    """
    head, sep, rest = text.partition("\n\n")
    if not sep or not rest.strip():
        return None, text
    words = head.split()
    if not 3 <= len(words) <= 25 or re.search(r"[.!?:;,\"”’)]$", head.strip()):
        return None, text
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    if capitalised / len(words) < 0.5 and len(words) > 15:
        return None, text
    return head.strip(), rest


def clean_article(article: Article) -> Article:
    """Clean an ingested article: text, removed lines, date and outlet metadata.

    The headline of a plain-text article moves to ``title`` (and out of the
    text), so spans never point into it.
    """
    result = clean_text(article.text)
    text = result.text
    title = without_lone_surrogates(article.title) if article.title else article.title
    if title is None:
        found, rest = detect_title(text)
        if found:
            title, text = found, rest
    elif text.startswith(title + "\n\n"):
        text = text[len(title) + 2 :]
    published = article.published or result.published
    dateline_partial = None
    if published is None and result.dateline:
        month, day, year = result.dateline
        if year:
            try:
                published = dt.date(year, month, day)
            except ValueError:
                published = None
        else:
            dateline_partial = (month, day)
    cleaned = replace(
        article,
        text=text,
        title=title,
        published=published,
        removed=article.removed + result.removed,
        outlet=article.outlet or (result.agency if result.agency else None),
        dateline=dateline_partial,
    )
    return cleaned
