"""Align what the sources say: consensus (2+ sources) and exclusive content.

Works on the story's :class:`~newsweave.similarity.SentenceIndex`.

*Consensus*: a sentence and, in each other source, its most similar sentence
above :data:`ALIGN_THRESHOLD` form a group; groups are taken greedily by
support (most sources first); a group whose members all sit in one earlier
group, and whose leader says what that group's leader says, is dropped. The
member best carried by the others gives the item its text, and every member
that carries enough of that text contributes a span.
Near-identical copies of one wire story count as one origin: a group
supported only by copies of each other is not consensus. A sentence that
prints a number (an amount, a count, a year, a clock time) no other source
prints, or is about (quotes, or has as its subject) a person no other source
names, never gives an item its text: the
others cannot be said to say it ("has raised more than $60 million", "...,"
Tvert said").

*Exclusive*: a sentence is exclusive when it carries a detail no other
source has (a name, number or content word found nowhere else) — even when
the rest of the sentence is shared, as with "the 35-minute meeting" in a
sentence whose quote every outlet prints. Items are ranked by how much new
detail they carry.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process

from newsweave.errors import ConfigError
from newsweave.model import BriefItem
from newsweave.nlp import ParsedArticle
from newsweave.similarity import SentenceIndex

ALIGN_THRESHOLD = 0.3
# Entity labels that make a sentence's detail (anchors for detail-level alignment).
ANCHOR_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "MONEY", "QUANTITY", "PERCENT"}
)
# Entity labels whose text, when found in no other source, marks a new detail.
DETAIL_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART",
     "CARDINAL", "QUANTITY", "TIME", "MONEY", "PERCENT", "DATE", "ORDINAL"}
)


@dataclass(frozen=True)
class AlignConfig:
    threshold: float = ALIGN_THRESHOLD
    max_consensus: int = 40
    min_covered: float = 0.3  # share of the item's term mass a supporting sentence must carry
    detail_threshold: float = 0.15  # topic similarity two sentences sharing a rare detail need
    detail_min_covered: float = 0.2  # share of the item's words a sentence sharing only a rare word must carry
    exclusive_share: float = 0.3  # at most this share of a source's sentences (and at least 3)
    max_exclusive_per_source: int = 12
    min_novelty: float = 2.5  # with a new name or number
    min_novelty_words_only: float = 4.0  # new content words alone must weigh more
    copy_threshold: float = 0.8  # sources this similar overall are copies of one wire story

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise ConfigError(f"align threshold must be in (0, 1), got {self.threshold}", self)
        if self.max_consensus < 0 or not 0 <= self.exclusive_share <= 1:
            raise ConfigError("align limits must be zero or more", self)


def _folded(text: str) -> str:
    # Hyphens fold to spaces so "seven-and-a-half" meets "seven and a half".
    text = re.sub(r"[-\u2010-\u2015]", " ", text.lower().replace("\u2019", "'"))
    return re.sub(r"\s+", " ", text).strip()


def _shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = _folded(text).split()
    return {tuple(words[k : k + size]) for k in range(max(len(words) - size + 1, 1))}


def copy_groups(parsed: Sequence[ParsedArticle], threshold: float) -> dict[str, str]:
    """Map each source to the first source it is a near-identical copy of (itself if none).

    Two texts are copies when most word 3-grams of the shorter one occur in
    the other: wire stories re-published with a changed headline or a line cut.
    """
    origin = {p.id: p.id for p in parsed}
    shingles = {p.id: _shingles(p.article.text) for p in parsed}
    ids = [p.id for p in parsed]
    for k, a in enumerate(ids):
        for b in ids[:k]:
            sa, sb = shingles[a], shingles[b]
            if sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= threshold:
                origin[a] = origin[b]
                break
    return origin


def find_consensus(parsed: Sequence[ParsedArticle], index: SentenceIndex, config: AlignConfig = AlignConfig()) -> tuple[BriefItem, ...]:
    """Content that two or more independent sources carry, with every source's span."""
    origin = copy_groups(parsed, config.copy_threshold)
    n = len(index.sentences)
    candidates = []
    for i in range(n):
        matches = index.best_match_per_source(i, config.threshold)
        origins = {origin[index.sources[i]]} | {origin[s] for s in matches}
        if len(origins) < 2:
            continue
        strength = sum(score for _, score in matches.values())
        candidates.append((len(origins), strength, -i, i, matches))
    candidates.sort(reverse=True)
    unshared = _unshared_details(parsed, index) if n else []
    blocked = {k for k in range(n) if unshared[k]}  # may support an item, never speak for one
    group_of: dict[int, int] = {}  # sentence -> index in ``pivots`` of the first group it joined
    pivots: list[int] = []
    spoken: set[int] = set()  # sentences already used as an item's text
    items: list[tuple[int, int, BriefItem]] = []
    for _, _, _, i, matches in candidates:
        # Members may be shared (one sentence often carries two facts that two
        # groups need), but a group that only restates an earlier one is dropped.
        members = [i] + [j for j, _ in matches.values()]
        earlier = {group_of[m] for m in members[1:] if m in group_of}
        if (
            len(earlier) == 1
            and all(m in group_of for m in members[1:])
            and index.similarity(i, pivots[earlier.pop()]) >= config.threshold
        ):
            continue  # a restatement of a group already taken
        pivots.append(i)
        for m in members:
            group_of.setdefault(m, len(pivots) - 1)
        # The item's words must be what every listed source says: the member
        # best covered by the others speaks for the group, and a member that
        # does not cover enough of it is dropped (it shares only a part).
        def mean_covered(m: int) -> float:
            return sum(index.covered[m, o] for o in members if o != m) / (len(members) - 1)

        # A sentence printing a number no other source prints, or about a person no
        # other source names, is not what the others say ("has raised more than $60
        # million", printed by one): it cannot speak for the group, whatever else it shares.
        fresh = [m for m in members if m not in spoken and not unshared[m]]
        if not fresh:
            continue
        best = max(fresh, key=mean_covered)
        # The leader keeps the word unless another member is clearly better carried.
        speaker = i if i in fresh and mean_covered(i) >= mean_covered(best) - 0.15 else best
        spoken.add(speaker)
        members = [speaker] + [m for m in members if m != speaker and index.covered[speaker, m] >= config.min_covered]
        if len({origin[index.sources[m]] for m in members}) < 2:
            continue
        sentence = index.sentences[speaker]
        item = BriefItem(
            text=sentence.text,
            sources=tuple(dict.fromkeys(index.sources[m] for m in members)),
            spans=tuple(index.sentences[m].span for m in members),
        )
        items.append((len({origin[s] for s in item.sources}), sentence.index, item))
        if len(items) >= config.max_consensus:
            break
    for item in detail_consensus(parsed, index, [item for _, _, item in items], origin, spoken, config, blocked):
        if len(items) >= config.max_consensus:
            break
        items.append((len({origin[s] for s in item.sources}), 10_000, item))
    items.sort(key=lambda t: (-t[0], t[1]))
    return tuple(item for _, _, item in items)


# Values whose numbers make a sentence say more than the others do ("$60 million", "in 1947", "11:25 a.m.").
_VALUE_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"})
_ATTRIBUTING = frozenset({"say", "tell", "add", "note", "according", "report", "confirm", "announce", "write"})
_QUOTE_MARK = re.compile("[\"\u201c\u201d]")  # a sentence that quotes someone
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")  # "48", "250,000", "5.4": compared as printed


def _word_printed(word: str, vocabulary: frozenset[str]) -> bool:
    """Is ``word`` one of ``vocabulary``, or spelt nearly alike (same first letter, ratio >= 90)?"""
    if word in vocabulary:
        return True
    alike = [other for other in vocabulary if other[:1] == word[:1]]
    return process.extractOne(word, alike, scorer=fuzz.ratio, score_cutoff=90) is not None


def _acting_people(parsed: Sequence[ParsedArticle]) -> dict[tuple[str, int], set[str]]:
    """People each sentence is about: the subject of its main verb, or anyone named in a sentence that quotes.

    "Kevin Sabet ... applauded the action" is about Sabet; "a grand jury was
    convened, said Edward Magee, a spokesman" is about the grand jury.
    """
    out: dict[tuple[str, int], set[str]] = {}
    for p in parsed:
        starts = [s.start for s in p.sentences]
        for mention in p.mentions:
            if mention.label != "PERSON":
                continue
            k = max(bisect.bisect_right(starts, mention.span.start) - 1, 0)
            if k >= len(p.sentences):
                continue
            acting = _QUOTE_MARK.search(p.sentences[k].text) is not None
            if not acting and p.doc is not None:
                span = p.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
                root = span.root if span is not None and len(span) else None
                while root is not None and root.dep_ == "appos" and root.head.i != root.i:
                    root = root.head
                # The subject of the main verb, unless that verb only attributes ("..., said Edward Magee").
                acting = (root is not None and root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "ROOT"
                          and root.head.lemma_.lower() not in _ATTRIBUTING)
            if acting:
                out.setdefault((p.id, k), set()).add(mention.text)
    return out


def _unshared_details(parsed: Sequence[ParsedArticle], index: SentenceIndex) -> list[bool]:
    """For each indexed sentence: does it print a value, or quote a person, that no other source has?

    Such a sentence cannot speak for a group of sources. Stricter than
    :func:`novelty` about what counts as printed elsewhere: a value is shared
    when each of its numbers is ("aged 16 and 13" against "Malia, 16" and
    "Sasha, 13"), a name when it is printed nearly alike. Other names are
    left alone: a shared fact often comes with one outlet's extra attribution.
    """
    numbers_of = {p.id: set(_NUMBERS.findall(p.article.text)) for p in parsed}
    words_of = {p.id: frozenset(re.findall(r"[\w'-]+", _folded(p.article.text))) for p in parsed}
    # What every other source prints, built once per source rather than per sentence.
    numbers_elsewhere = {p.id: set().union(*(n for s, n in numbers_of.items() if s != p.id)) for p in parsed}
    words_elsewhere = {p.id: [w for s, w in words_of.items() if s != p.id] for p in parsed}
    values = mentions_by_sentence(parsed, _VALUE_LABELS)
    people = _acting_people(parsed)
    out = []
    for sentence, (_, details), source in zip(index.sentences, novelty(parsed, index), index.sources):
        where = (source, sentence.index)
        others_numbers, others_words = numbers_elsewhere[source], words_elsewhere[source]
        unshared = False
        for detail in set(details) & set(values.get(where, ())):
            numbers = _NUMBERS.findall(detail)
            if numbers and any(n not in others_numbers for n in numbers):
                unshared = True
        if not unshared:
            # Words quoted from, or deeds of, someone only this source names are that source's alone.
            for detail in set(details) & people.get(where, set()):
                # Named by surname elsewhere ("Adam L. Braverman", "Braverman"), even spelt a little
                # differently ("Paris", "Parris"), as a whole word ("Rice" is not in "price").
                words = re.sub(r"'s$", "", _folded(detail)).split()
                key = words[-1] if words else ""
                if len(key) >= 3 and not any(_word_printed(key, vocabulary) for vocabulary in others_words):
                    unshared = True
        out.append(unshared)
    return out


def sentence_anchors(parsed: Sequence[ParsedArticle], index: SentenceIndex) -> list[set[str]]:
    """Distinctive details of each indexed sentence: names and measured values
    (folded entity text) and rare content terms, for detail-level alignment."""
    anchors: list[set[str]] = [set() for _ in index.sentences]
    position = {(s.source, s.index): k for k, s in enumerate(index.sentences)}
    for where, texts in mentions_by_sentence(parsed, ANCHOR_LABELS).items():
        for text in texts:
            key = _folded(text).removeprefix("the ")
            if len(key) >= 3 and where in position:
                anchors[position[where]].add(key)
    df: dict[str, int] = {}
    for terms in index.terms:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    rare = max(3, len(index.sentences) // 25)
    for k, terms in enumerate(index.terms):
        anchors[k].update(f"~{t}" for t in terms if df[t] <= rare and len(t) >= 4 and t.isalpha())
    return anchors


_DETAIL_MIN_SHARED = 3  # terms a sentence sharing only a rare word must share with the item, that word included


def _detail_score(index: SentenceIndex, anchors: list[set[str]], key: str, a: int, b: int, config: AlignConfig) -> float | None:
    """How strongly sentence ``b`` states the fact of sentence ``a`` that anchor
    ``key`` marks, or None when it does not.

    A shared name or value plus a shared topic is enough; a shared rare word
    is weaker evidence, so ``b`` must also carry a fair share of ``a``'s words.
    """
    score = index.similarity(a, b) + 0.05 * len(anchors[a] & anchors[b])
    if score < config.detail_threshold:
        return None
    if key.startswith("~") and (
        float(index.covered[a, b]) < config.detail_min_covered
        # A short line ("Markets Rally On China Thaw Hopes") covers a fifth of itself with
        # the rare word and one story-wide name: "I hope ... China-US relations" is no support.
        or len(index.terms[a] & index.terms[b]) < _DETAIL_MIN_SHARED
    ):
        return None
    return score


def detail_consensus(
    parsed: Sequence[ParsedArticle],
    index: SentenceIndex,
    taken: Sequence[BriefItem],
    origin: dict[str, str],
    spoken: set[int],
    config: AlignConfig,
    blocked: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[BriefItem]:
    """Facts that sources word differently but anchor on the same rare detail.

    Two sentences from independent sources that share a distinctive name,
    value or rare term and are on the same topic (similarity at least
    ``detail_threshold``) state one fact: "a charitable contribution to Smiles
    for Life" and "disguised as donations to Smiles for Life". Details that an
    item already carries are skipped, and so are ``blocked`` sentences as an
    item's text (they print details the other sources do not).
    """
    anchors = sentence_anchors(parsed, index)
    by_anchor: dict[str, list[int]] = {}
    for k, keys in enumerate(anchors):
        for key in keys:
            by_anchor.setdefault(key, []).append(k)
    shown = " ".join(_folded(item.text) for item in taken)
    speakers = set(spoken)  # sentences already an item's text
    found: list[tuple[float, BriefItem]] = []
    for key, sentences in sorted(by_anchor.items()):
        if len({origin[index.sources[k]] for k in sentences}) < 2:
            continue
        if len(sentences) > max(4, len(index.sentences) // 10):
            continue  # the story's protagonists are everywhere: not a detail
        if not key.startswith("~") and key in shown:
            continue
        best: tuple[float, int, int] | None = None
        for a in sentences:
            for b in sentences:
                if origin[index.sources[a]] == origin[index.sources[b]] or a in speakers or a in blocked:
                    continue
                score = _detail_score(index, anchors, key, a, b, config)
                if score is not None and (best is None or score > best[0]):
                    best = (score, a, b)
        if best is None:
            continue
        score, a, _ = best
        members = [a]
        for source in dict.fromkeys(index.sources[k] for k in sentences):
            if source == index.sources[a]:
                continue
            options = [k for k in sentences if index.sources[k] == source]
            partner = max(options, key=lambda k: index.similarity(a, k))
            if _detail_score(index, anchors, key, a, partner, config) is not None:
                members.append(partner)
        if len({origin[index.sources[m]] for m in members}) < 2 or _folded(index.sentences[a].text) in shown:
            continue
        if any(index.similarity(a, t) >= config.threshold for t in speakers):
            continue  # says what an item already says
        speakers.add(a)
        shown += " " + _folded(index.sentences[a].text)
        found.append(
            (
                score,
                BriefItem(
                    text=index.sentences[a].text,
                    sources=tuple(dict.fromkeys(index.sources[m] for m in members)),
                    spans=tuple(index.sentences[m].span for m in members),
                ),
            )
        )
    found.sort(key=lambda t: -t[0])
    return [item for _, item in found]


def mentions_by_sentence(parsed: Sequence[ParsedArticle], labels: frozenset[str]) -> dict[tuple[str, int], list[str]]:
    """Entity mentions with one of ``labels``, keyed by (source, sentence index)."""
    out: dict[tuple[str, int], list[str]] = {}
    for p in parsed:
        starts = [s.start for s in p.sentences]
        for mention in p.mentions:
            if mention.label in labels:
                k = bisect.bisect_right(starts, mention.span.start) - 1
                out.setdefault((p.id, max(k, 0)), []).append(mention.text)
    return out


def novelty(parsed: Sequence[ParsedArticle], index: SentenceIndex) -> list[tuple[float, tuple[str, ...]]]:
    """For each indexed sentence: (score, the new details) against all other sources."""
    texts = {p.id: _folded(p.article.text) for p in parsed}
    terms_by_source: dict[str, set[str]] = {}
    for terms, source in zip(index.terms, index.sources):
        terms_by_source.setdefault(source, set()).update(terms)
    mentions = mentions_by_sentence(parsed, DETAIL_LABELS)
    # What every other source says, built once per source rather than per sentence.
    others_terms = {
        source: set().union(*(t for s, t in terms_by_source.items() if s != source)) for source in terms_by_source
    }
    others_texts = {source: [t for s, t in texts.items() if s != source] for source in texts}
    out: list[tuple[float, tuple[str, ...]]] = []
    for sentence, terms, source in zip(index.sentences, index.terms, index.sources):
        others_text = others_texts[source]
        new_terms = [t for t in terms if t not in others_terms[source]]
        details = []
        for mention in mentions.get((source, sentence.index), []):
            key = _folded(mention).removeprefix("the ")
            if len(key) >= 2 and not any(key in other for other in others_text):
                details.append(mention)
        words = sum(index.idf.get(t, 1.0) for t in new_terms) / math.sqrt(max(len(terms), 1))
        # Names and numbers found nowhere else are the surest sign of an exclusive fact.
        score = min(words, 8.0) + 3.0 * len(details)
        out.append((score, tuple(dict.fromkeys(details))))
    return out


def find_exclusive(parsed: Sequence[ParsedArticle], index: SentenceIndex, config: AlignConfig = AlignConfig()) -> tuple[BriefItem, ...]:
    """Sentences carrying details that only their own source reports."""
    if len(parsed) < 2:
        return ()
    scores = novelty(parsed, index)
    by_source: dict[str, list[tuple[float, int]]] = {}
    for i, (score, details) in enumerate(scores):
        sentence = index.sentences[i]
        if len(index.terms[i]) < 3 or score < config.min_novelty:
            continue
        if not details and (score < config.min_novelty_words_only or index.best_match_per_source(i, config.threshold)):
            continue
        if sentence.text.endswith("?") or len(sentence.text.split()) > 80:
            continue
        by_source.setdefault(sentence.source, []).append((score, i))
    # A paragraph a page prints twice (a pull quote, a repeated block) is one detail: its first copy.
    for source, ranked in by_source.items():
        first: dict[str, int] = {}
        for _, i in sorted(ranked, key=lambda t: t[1]):
            first.setdefault(" ".join(index.sentences[i].text.split()), i)
        by_source[source] = [(score, i) for score, i in ranked if first[" ".join(index.sentences[i].text.split())] == i]
    items: list[BriefItem] = []
    for p in parsed:
        limit = min(config.max_exclusive_per_source, max(3, math.ceil(config.exclusive_share * len(p.sentences))))
        ranked = sorted(by_source.get(p.id, []), key=lambda t: (-t[0], t[1]))[:limit]
        for _, i in sorted(ranked, key=lambda t: t[1]):
            sentence = index.sentences[i]
            items.append(BriefItem(text=sentence.text, sources=(p.id,), spans=(sentence.span,)))
    return tuple(items)
