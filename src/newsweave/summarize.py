"""The summary at the top of a brief: multi-document extractive summarisation.

Runs after the NLP pass and the story's sentence index
(``nlp -> similarity.build_index -> summarize``); ``brief.py`` calls
:func:`summarize` and puts its items under ``summary``.

What the outlets agree on leads. Every word of the story (lower-cased,
Porter-stemmed, function words included, as a reader or ROUGE sees them) and
every two-word phrase gets an *agreement* weight: the share of sources that
print it -- in their headline (``Article.title``) or body -- raised to
``agreement_power``, so what every outlet says counts far more than one
outlet's colour. A source's use counts less the deeper into the article it
first comes (news is written top-down; ``lead_sentences`` count fully, then
the weight halves every ``position_half_life`` sentences).

A word can earn more than once, as often as the sources use it: its second
use in the summary is weighted by the share of sources that use it a second
time in their opening (their first ``words`` words, a summary's length), and
so on (at most ``max_uses`` uses). Each source's opening is taken as a sample
of what a summary of the story says, so a summary repeats "the", "of" or the
story's main name about as often as the outlets do, and no more (a reader
and ROUGE count words with their multiplicity). Phrases earn once.

The summary is the set of sentences that maximises the agreement weight of
the words and phrases it covers per word the reader reads, i.e.
``covered / (summary words + budget)`` -- the expected F1 of a summary against
a consensus of the same length. Repeats earn only as far as the sources
repeat (see above), so redundancy goes without a separate penalty, and a
sentence is added only while it adds enough agreed content for its length:
the summary may stay under the budget; it exceeds it by at most its last
sentence. Searched greedily from each of the ``openers`` best single
sentences in turn, keeping the best completed summary (plain greedy commits
to the first sentence too early): fast and deterministic (ties go to the
earlier sentence).

Candidates come from each source's opening sentences (``opening_sentences``)
and must read well out of context (see :func:`reads_alone`: no dangling
"He said"/"But", questions, captions, quote-only fragments, very short or
very long ones). The chosen sentences
follow the story: by their relative position in their own source. Each item
is the source's exact sentence and span, then every other source that
carries the same content (:func:`sentence_support`).
"""

from __future__ import annotations

import functools

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from newsweave.align import ALIGN_THRESHOLD, AlignConfig, copy_groups
from newsweave.errors import ConfigError
from newsweave.model import BriefItem, Sentence
from newsweave.nlp import ParsedArticle, stem
from newsweave.similarity import SentenceIndex

# Blended similarity (similarity.SentenceIndex.blended) at which another
# source "carries" a sentence: the same criterion as consensus alignment, so a
# summary sentence and the consensus item it matches cite the same sources.
SUPPORT_THRESHOLD = ALIGN_THRESHOLD


@dataclass(frozen=True)
class SummaryConfig:
    """Settings of the summariser. Defaults are priors, not fitted to one data set."""

    words: int = 120  # budget in words; the last sentence may run over
    agreement_power: float = 2.0  # >1: words all sources share dominate one outlet's words
    # Names and numbers: milder. One outlet's name or figure is about twice as
    # likely in a reference as one outlet's common word (measured on both dev sets).
    name_power: float = 1.5
    # A word earns as often as the sources' openings repeat it, at most this
    # many times (a safeguard: a 100-word opening says "the" about six times).
    max_uses: int = 8
    phrase_weight: float = 1.0  # a two-word phrase the sources share counts like a shared word
    lead_sentences: int = 2  # a source's first sentences count fully (headline-like + lead)
    position_half_life: float = 10.0  # sentences after the lead until a word's use counts half
    opening_sentences: int = 8  # candidates come from each source's opening (news is top-down)
    min_words: int = 6  # shorter sentences are fragments
    max_words: int = 60  # longer ones are run-ons or lists
    openers: int = 8  # best single sentences each tried as the seed of the greedy search

    def __post_init__(self) -> None:
        if self.words < 1:
            raise ConfigError(f"summary words must be at least 1, got {self.words}", self)
        for name in ("agreement_power", "name_power"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ConfigError(f"{name} must be a positive number, got {value!r}", self)
        if not (math.isfinite(self.phrase_weight) and self.phrase_weight >= 0):
            raise ConfigError(f"phrase_weight must be a number >= 0, got {self.phrase_weight!r}", self)
        if not (math.isfinite(self.position_half_life) and self.position_half_life > 0):
            raise ConfigError(f"position_half_life must be a positive number, got {self.position_half_life!r}", self)
        if self.max_uses < 1 or self.lead_sentences < 0 or self.opening_sentences < 1 or self.openers < 1:
            raise ConfigError(
                "max_uses, opening_sentences and openers must be >= 1, lead_sentences >= 0", self
            )
        if not 1 <= self.min_words <= self.max_words:
            raise ConfigError(
                f"min_words ({self.min_words}) must be >= 1 and at most max_words ({self.max_words})", self
            )


DEFAULT_CONFIG = SummaryConfig()

Word = tuple[bool, str]  # (is a function word, stem)
Unit = Word | tuple[Word, Word]  # a word or a two-word phrase


class UnitWeights(dict[Unit, float]):
    """Agreement weight of each unit's first use; ``repeats`` holds a word's weights for its 2nd, 3rd ... use.

    A plain dict of weights also works everywhere: then every word earns once.
    """

    repeats: dict[Word, tuple[float, ...]]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.repeats = {}

_WORD = re.compile(r"[a-z0-9]+")
# First words that need an antecedent or a previous sentence to make sense.
_DANGLING_STARTS = frozenset(
    """he she it its they them their his her him this that these those such but and or nor so yet
    also however meanwhile still instead then here besides moreover furthermore""".split()
)
_CAPTION = re.compile(
    r"^(photo|image|file photo|video|watch|listen|read more|related|click|advertisement|credit)\b"
    r"|\((?:AP|Reuters|Getty|AFP|EPA)[^)]*\)\s*$",
    re.IGNORECASE,
)
_QUOTE_MARKS = "\"“”‘’'"


@functools.lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    # Loaded on first use: importing spaCy costs half a second that commands
    # which never summarise (ingest, stories, --help) should not pay.
    from spacy.lang.en.stop_words import STOP_WORDS  # a word list; loads no model

    return frozenset(STOP_WORDS)


def words_of(text: str) -> list[Word]:
    """The text's words as ROUGE and a reader count them: lower-cased, stemmed, function words marked."""
    function_words = _function_words()
    return [(w in function_words, stem(w)) for w in _WORD.findall(text.lower())]


def sentence_support(index: SentenceIndex, i: int, threshold: float = SUPPORT_THRESHOLD) -> BriefItem:
    """The item for sentence ``i``: its text, then every other source carrying it, with spans (own first).

    Other sources are listed by how closely their best sentence matches (ties by id).
    """
    sentence = index.sentences[i]
    matches = index.best_match_per_source(i, threshold)
    others = sorted(matches.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return BriefItem(
        text=sentence.text,
        sources=(sentence.source, *(source for source, _ in others)),
        spans=(sentence.span, *(index.sentences[j].span for _, (j, _score) in others)),
    )


def summarize(
    parsed: Sequence[ParsedArticle], index: SentenceIndex, config: SummaryConfig = DEFAULT_CONFIG
) -> tuple[BriefItem, ...]:
    """The story's summary: items in story order, about ``config.words`` words.

    ``index`` must be built from ``parsed`` (``similarity.build_index``).
    Returns () for a story without sentences.
    """
    sentences = index.sentences
    if not sentences:
        return ()
    sentence_words = [words_of(s.text) for s in sentences]
    weights = agreement_weights(parsed, sentences, sentence_words, config)
    candidates = [i for i, s in enumerate(sentences) if s.index < config.opening_sentences and reads_alone(s, config)]
    if not candidates:  # a story of fragments still gets a summary
        candidates = [i for i, s in enumerate(sentences) if reads_alone(s, config)] or list(range(len(sentences)))
    positions = _relative_positions(parsed, sentences)
    chosen = select(candidates, sentence_words, weights, positions, config)
    return tuple(sentence_support(index, i) for i in chosen)


def agreement_weights(
    parsed: Sequence[ParsedArticle],
    sentences: Sequence[Sentence],
    sentence_words: Sequence[Sequence[Word]],
    config: SummaryConfig,
) -> UnitWeights:
    """Per word and per two-word phrase: (mean over sources of how prominently each uses it) ** power.

    A source uses a unit with prominence 1 in its title and lead sentences,
    halving every ``position_half_life`` sentences after them. Near-identical
    copies of one wire story count as one source (``align.copy_groups``), so
    a republished story does not outvote the others. The power is
    ``agreement_power``, or the milder ``name_power`` for names and numbers
    (:func:`name_words`) and phrases containing one: a name or figure only
    some outlets print is still likely part of the story, an adjective only
    one outlet uses is more likely its colour.

    ``repeats`` (see :class:`UnitWeights`): a word's k-th use is weighted the
    same way by the prominence of each source's k-th use of it within its
    opening, the source's first ``config.words`` words (the title counts as
    one use): a summary of the story repeats a word about as often as a
    summary-length opening of each source does.
    """
    origin = copy_groups(parsed, AlignConfig().copy_threshold)
    origin_count = max(len(set(origin.values())), 1)
    prominence: dict[Unit, dict[str, float]] = {}
    # Per word and source: the prominence of each use in the source's opening, in reading order.
    uses_in_opening: dict[Word, dict[str, list[float]]] = {}

    def note(words: Sequence[Word], source: str, value: float) -> None:
        key = origin.get(source, source)
        for unit in _units(words):
            uses = prominence.setdefault(unit, {})
            if value > uses.get(key, 0.0):
                uses[key] = value

    def note_uses(words: Sequence[Word], source: str, value: float) -> None:
        for word in words:
            uses_in_opening.setdefault(word, {}).setdefault(source, []).append(value)

    for article in parsed:
        if article.article.title:
            title = words_of(article.article.title)
            note(title, article.id, 1.0)
            note_uses(list(dict.fromkeys(title)), article.id, 1.0)
    read: dict[str, int] = {}
    for sentence, words in zip(sentences, sentence_words):
        depth = max(0, sentence.index - config.lead_sentences + 1)
        value = 0.5 ** (depth / config.position_half_life)
        note(words, sentence.source, value)
        done = read.get(sentence.source, 0)
        if done < config.words:
            note_uses(words[: config.words - done], sentence.source, value)
        read[sentence.source] = done + len(words)
    names = name_words(sentences)

    def power(unit: Unit) -> float:
        is_name = unit in names if isinstance(unit[0], bool) else any(word in names for word in unit)
        return config.name_power if is_name else config.agreement_power

    weights = UnitWeights(
        {unit: (sum(uses.values()) / origin_count) ** power(unit) for unit, uses in prominence.items()}
    )
    for word, by_source in uses_in_opening.items():
        # A copy group's k-th use: the most prominent k-th use among its copies.
        kth: dict[str, list[float]] = {}
        for source, values in by_source.items():
            key = origin.get(source, source)
            mine = sorted(values, reverse=True)
            have = kth.setdefault(key, [])
            kth[key] = [max(a, b) for a, b in zip(have, mine)] + (have[len(mine):] or mine[len(have):])
        depth = min(max(len(v) for v in kth.values()), config.max_uses)
        more = tuple(
            (sum(v[k] for v in kth.values() if len(v) > k) / origin_count) ** power(word) for k in range(1, depth)
        )
        if more:
            weights.repeats[word] = more
    return weights


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def name_words(sentences: Sequence[Sentence]) -> frozenset[Word]:
    """Content words the story writes capitalised inside a sentence or as figures: names and numbers.

    A sentence's first word and headline-case sentences (most words
    capitalised) say nothing about names, so they are skipped.
    """
    names: set[Word] = set()
    for sentence in sentences:
        tokens = _TOKEN.findall(sentence.text)
        if sum(t[0].isupper() for t in tokens) * 2 > len(tokens):
            continue
        for token in tokens[1:]:
            if token[0].isupper() or token[0].isdigit():
                names.update(w for w in words_of(token) if not w[0])
    return frozenset(names)


def _units(words: Sequence[Word]) -> list[Unit]:
    return [*words, *zip(words, words[1:])]


def _relative_positions(parsed: Sequence[ParsedArticle], sentences: Sequence[Sentence]) -> list[float]:
    length = {p.id: max(len(p.sentences), 1) for p in parsed}
    return [s.index / length.get(s.source, max(s.index + 1, 1)) for s in sentences]


def covered_weight(words: Sequence[Word], weights: dict[Unit, float], config: SummaryConfig) -> float:
    """Agreement weight of what a text covers: each phrase once, each word as often as the sources repeat it.

    A word's first use earns its weight, its later uses their ``repeats``
    weights (:class:`UnitWeights`; none for a plain dict).
    """
    repeats = getattr(weights, "repeats", {})
    total = 0.0
    for word, count in Counter(words).items():
        total += weights.get(word, 0.0)
        if count > 1 and word in repeats:
            total += sum(repeats[word][: count - 1])
    phrases = set(zip(words, words[1:]))
    return total + config.phrase_weight * sum(weights.get(phrase, 0.0) for phrase in phrases)


def select(
    candidates: Sequence[int],
    sentence_words: Sequence[Sequence[Word]],
    weights: dict[Unit, float],
    positions: Sequence[float],
    config: SummaryConfig,
) -> list[int]:
    """The summary of highest :func:`summary_value` found by seeding the greedy search with each strong sentence.

    Which outlet's sentence the summary is built around matters most: it
    sets what the rest must add. Plain greedy commits to the sentence that
    is best on its own; here each of the ``config.openers`` sentences that
    score best alone seeds a summary completed greedily (:func:`complete`),
    and the completed summary of highest value wins (ties: the better seed).
    Returns sentence numbers in story order (at least one, given candidates).
    """
    if not candidates:
        return []
    alone = sorted(candidates, key=lambda i: (-summary_value([i], sentence_words, weights, config), i))
    best: tuple[float, list[int]] | None = None
    for opener in alone[: config.openers]:
        chosen = complete([opener], candidates, sentence_words, weights, positions, config)
        value = summary_value(chosen, sentence_words, weights, config)
        if best is None or value > best[0]:
            best = (value, chosen)
    assert best is not None
    return best[1]


def summary_value(
    chosen: Sequence[int], sentence_words: Sequence[Sequence[Word]], weights: dict[Unit, float], config: SummaryConfig
) -> float:
    """Agreement weight covered by the first ``config.words`` words read, per word read plus the budget.

    ``chosen`` is in reading order. The ratio is the expected F1 of the
    summary against a consensus of the budget's length: covering more helps
    only while it is worth the words it costs.
    """
    read = [w for i in chosen for w in sentence_words[i]][: config.words]
    return covered_weight(read, weights, config) / (len(read) + config.words)


def complete(
    opening: Sequence[int],
    candidates: Sequence[int],
    sentence_words: Sequence[Sequence[Word]],
    weights: dict[Unit, float],
    positions: Sequence[float],
    config: SummaryConfig,
) -> list[int]:
    """Greedy: to ``opening``, add the sentence that most raises the summary's value, while it rises.

    The summary is read in story order and only its first ``config.words``
    words count, so a sentence placed early can push later words out. A
    sentence bringing no new content word only repeats the summary and is
    not considered. Ties go to the earlier sentence. Returns story order.
    """

    def reading_order(rest: Sequence[int]) -> list[int]:
        return sorted([*opening, *rest], key=lambda i: (positions[i], i))

    rest: list[int] = []
    current = summary_value(opening, sentence_words, weights, config)
    left = [i for i in candidates if i not in opening]
    content = {w for i in opening for w in sentence_words[i] if not w[0]}
    while left and sum(len(sentence_words[i]) for i in (*opening, *rest)) < config.words:
        useful = [i for i in left if any(not w[0] and w not in content for w in sentence_words[i])]
        if not useful:
            break
        best_value, _, best = max(
            (summary_value(reading_order([*rest, i]), sentence_words, weights, config), -i, i) for i in useful
        )
        if best_value <= current:
            break
        rest.append(best)
        left.remove(best)
        content.update(w for w in sentence_words[best] if not w[0])
        current = best_value
    return reading_order(rest)


def reads_alone(sentence: Sentence, config: SummaryConfig = DEFAULT_CONFIG) -> bool:
    """Whether a sentence makes sense lifted out of its article.

    Refused: too short or too long, questions, captions and credits, a start
    that needs an antecedent ("He said", "But", "This"), a sentence that is
    only a quotation, and text cut off mid-sentence.
    """
    text = sentence.text.strip()
    words = text.split()
    if not config.min_words <= len(words) <= config.max_words:
        return False
    if text.endswith("?") or text.rstrip(_QUOTE_MARKS).endswith("?") or _CAPTION.search(text):
        return False
    # Inside an opening quotation the first word is the speaker's, not the article's.
    first = re.sub(r"[^a-z]", "", words[0].lower().split("’")[0].split("'")[0])
    if text[0] not in _QUOTE_MARKS and first in _DANGLING_STARTS:
        return False
    if _only_quotation(text):
        return False  # the speaker lies elsewhere
    if text[-1] not in ".!" + _QUOTE_MARKS + ")" or text.endswith(("...", "…")):
        return False  # cut off (an excerpt's "..." or a missing end)
    return True


def _only_quotation(text: str) -> bool:
    """A sentence that is all quotation, or opens a quotation it does not close."""
    if text[:1] not in "\"“":
        return False
    # Double marks only: a single mark is as often an apostrophe.
    closing = min((k for k in (text.find("\"", 1), text.find("”", 1)) if k > 0), default=-1)
    return closing < 0 or not text[closing + 1 :].strip(" .,!?;:’'\"”")
