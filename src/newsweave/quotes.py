"""Quotes: who said what, in each outlet's exact words, grouped across sources.

An analysis stage after :mod:`newsweave.entities` (``nlp -> entities -> quotes``).
Three steps, each a pure function:

1. :func:`quote_spans` finds direct quotations in a cleaned text. Any of ``"`` ``“``
   ``”`` delimits a quotation, because outlets (and the cleaner's guillemet mapping)
   mismatch marks; a mark's role comes from the characters around it, the curly shape
   only breaks ties. A paragraph that ends inside a quotation continues it when the next
   paragraph opens with a mark (the news convention for long quotes). Single quotes are
   left alone: inside a quotation they belong to it.
2. :func:`attribute_quotes` finds each quotation's speaker from the sentence around it,
   read with spaCy's dependency parse: the subject of the nearest speech verb outside the
   quotation ("Mr Xi said", "is heard to say:", "Wang blamed ..., saying"), a pronoun or
   a role ("he", "the Chinese President") resolved to the nearest preceding named person,
   a relative "who warned" to the name it modifies, "X quoted Y" to Y. Documents and
   media ("the reading said", "according to CCTV", "in a statement") become the
   quotation's ``channel``. A paragraph holding only a quotation continues the previous
   quotation's speaker. One- and two-word quotations (scare quotes) are kept only when
   the sentence attributes them.
3. :func:`find_quotes` groups the same statement across sources by fuzzy matching of the
   folded words (British/American spelling and plurals folded, so "stabilising" matches
   "stabilizing"), with compatible speakers; each distinct wording is a
   :class:`~newsweave.model.QuoteVariant` whose text is exactly the source's characters
   at its span. ``paraphrased_in`` lists sources that carry a run of the quotation's
   content words outside any full quotation of it.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from rapidfuzz import fuzz

from newsweave.entities import ROLE_HEADS, alias_index, fold_name, strip_honorifics
from newsweave.model import Entity, Quote, QuoteVariant, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from newsweave.nlp import ParsedArticle

__all__ = ["AttributedQuote", "QuoteSpan", "attribute_quotes", "find_quotes", "fold_quote", "quote_spans"]

QUOTE_MARKS = frozenset('"\u201c\u201d')
SPEECH_LEMMAS = frozenset(
    """say tell add stress warn ask note write state declare explain insist argue claim
    urge call describe blame accuse announce reply respond answer comment confirm deny
    acknowledge admit suggest recall remark vow pledge promise predict hail praise
    criticize criticise condemn demand quote emphasize emphasise underscore reiterate
    affirm assert complain concede conclude observe point caution contend tweet
    hear""".split()  # not "continue", "maintain", "charge": mostly not about speech
)
# Nouns that name a document or medium rather than a speaker: they become the channel.
CHANNEL_NOUNS = frozenset(
    """reading readout statement report editorial transcript release communique communiqué
    media broadcaster television tv agency newspaper paper outlet footage video interview
    post tweet letter memo document briefing account website broadcast e-mail email
    filing lawsuit complaint ruling order opinion decision cable message response reply""".split()
)
_REPLY_NOUNS = frozenset({"response", "reply"})  # channels only as a thing ("a terse response"), not "in response"
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_OTHER_PRONOUNS = frozenset({"it", "they", "we", "i", "you", "this", "that", "which", "who"})
# Fuzzy-match floor (rapidfuzz, 0-100) for two quotations to be one statement. At 80,
# two translations of one readout would meet ("erroneous perception of China, which leads
# to wrong policies" / "..., leading to incorrect policies": 84), but on BASIL different
# sentences of one speech chain together; 85 keeps groups to one statement.
SAME_STATEMENT_RATIO = 85
# A paragraph's opening dateline or label, followed by the sentence proper: "WASHINGTON ―
# President Trump", "NEW YORK (AP) — The", "UPDATE: AARP CEO". Not an acronym that is the
# subject ("AARP — the nation's largest lobby — said", "NRA: “We will fight”").
_DATELINE = re.compile(
    r"\s*(?P<label>[A-Z][A-Z.'\- ]*[A-Z.](?:,\s*[A-Z][A-Za-z.]*)*)\s*(?:\([A-Za-z]+\)\s*)?(?:[\u2015\u2014\u2013:]|--|-\s)"
    r"\s*(?=[A-Z])"
)
_SHORT_LEAD_WORDS = 6  # "Senate Majority Leader Harry Reid shot back:" at most
_MAX_QUOTE_CHARS = 3000  # a longer "quotation" is an unbalanced mark, not speech
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    that this it its we our you your they their he his she her i my me us them will would
    should can could must may might have has had do does did not no so than then there
    these those which who whom what when where while also just very more most such into
    about over after before between through""".split()
)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Where a quotation sits: ``[start, end)`` are the words inside the marks; ``opened``
    and ``closed`` are the offsets of the marks themselves (``closed`` is ``end`` when the
    quotation ran to the end of its paragraph unclosed)."""

    start: int
    end: int
    opened: int
    closed: int


@dataclass(frozen=True, slots=True)
class AttributedQuote:
    """A quotation of one source with its resolved speaker and channel."""

    span: Span
    text: str
    speaker: str | None
    speaker_is_person: bool
    channel: str | None
    words: int


# ---------------------------------------------------------------------------- step 1


def quote_spans(text: str) -> list[QuoteSpan]:
    """Direct quotations in ``text``, in order. Never raises; returns [] when there are none.

    The returned spans never include the marks and never start or end with whitespace.
    """
    spans: list[QuoteSpan] = []
    opened: int | None = None
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and opened is not None:
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in QUOTE_MARKS and _role(text, j, inside=False) == "open":
                i = j + 1  # the next paragraph reopens: the quotation continues
                continue
            _emit(spans, text, opened, _rstrip_to(text, i), i)
            opened = None
        elif ch in QUOTE_MARKS:
            role = _role(text, i, inside=opened is not None)
            if opened is None and role == "open":
                opened = i
            elif opened is not None and role == "close":
                _emit(spans, text, opened, i, i)
                opened = None
            elif opened is not None and role == "open":
                opened = i  # an unclosed mark before: start afresh here
        i += 1
    if opened is not None:
        _emit(spans, text, opened, _rstrip_to(text, n), n)
    return spans


def _role(text: str, i: int, inside: bool) -> str:
    """ "open", "close" or "none" for the mark at ``i``, read from its neighbours."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    can_open = (before.isspace() or before in "([{\u2014\u2013-/:") and not after.isspace()
    can_close = not before.isspace() and (after.isspace() or not after.isalnum())
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    if can_open and can_close:  # e.g. `"` between punctuation: the state decides
        return "close" if inside else "open"
    # Glued on both sides (`word"word`): trust the curly shape, else ignore.
    if text[i] == "\u201c" and not inside:
        return "open"
    if text[i] == "\u201d" and inside:
        return "close"
    return "none"


def _rstrip_to(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _emit(spans: list[QuoteSpan], text: str, opened: int, end: int, closed: int) -> None:
    start = opened + 1
    while start < end and text[start].isspace():
        start += 1
    end = _rstrip_to(text, end)
    if end <= start or end - start > _MAX_QUOTE_CHARS:
        return
    if not any(ch.isalpha() for ch in text[start:end]):
        return
    spans.append(QuoteSpan(start, end, opened, closed))


# ---------------------------------------------------------------------------- step 2


def attribute_quotes(parsed: "ParsedArticle", aliases: Mapping[str, Entity]) -> list[AttributedQuote]:
    """The quotations of one article with speaker and channel resolved.

    Needs ``parsed.doc`` for the dependency parse; without it, quotations are returned
    unattributed (and scare quotes dropped). Never raises on well-formed input.
    """
    text = parsed.article.text
    spans = quote_spans(text)
    doc = parsed.doc
    if doc is None:
        return [_unattributed(parsed.id, text, q) for q in spans if _word_count(text[q.start : q.end]) > 2]
    reader = _SentenceReader(parsed, spans, aliases)
    out: list[AttributedQuote] = []
    for q in spans:
        attributed = reader.attribute(q)
        if attributed.words <= 2 and attributed.speaker is None:
            continue  # an unattributed scare quote: a word the writer holds at arm's length
        if _title_like(attributed.text) and attributed.words <= 4:
            continue  # a title in quotation marks names a work, nobody says it
        out.append(attributed)
    return out


def _unattributed(source: str, text: str, q: QuoteSpan) -> AttributedQuote:
    words = text[q.start : q.end]
    return AttributedQuote(Span(source, q.start, q.end), words, None, False, None, _word_count(words))


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass(frozen=True, slots=True)
class _Who:
    name: str | None
    is_person: bool
    channel: str | None = None


class _SentenceReader:
    """Reads attributions of one article in order (pronouns look back at earlier ones).

    Private and stateful on purpose: quotations are attributed in text order and each
    resolved speaker becomes a candidate for a later "he said".
    """

    def __init__(self, parsed: "ParsedArticle", spans: Sequence[QuoteSpan], aliases: Mapping[str, Entity]):
        self.parsed = parsed
        self.doc: "Doc" = parsed.doc  # type: ignore[assignment]
        self.text = parsed.article.text
        self.spans = spans
        self.aliases = aliases
        self.token_starts = [t.idx for t in self.doc]
        self.ents = list(self.doc.ents)  # doc.ents builds new spans on every access
        self.sentence_starts = [s.start for s in parsed.sentences]
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", self.text)]
        self.inside = [(q.opened, q.closed + 1) for q in spans]
        self.mentioned = [
            (ent.start_char, found.name) for ent in self.ents if (found := self._person_named(ent.text)) is not None
        ]
        self.people = self._person_subjects()  # (offset, name, main clause) of people as subjects
        self.previous: tuple[QuoteSpan, _Who] | None = None
        self.reported: dict[int, _Who | None] = {}  # quotation -> the subject it reports

    # -- the quotation's sentence and the words outside quotation marks
    def attribute(self, q: QuoteSpan) -> AttributedQuote:
        words = self.text[q.start : q.end]
        who = self._speaker(q)
        reported = self._reported_subject(q)
        if who.name is None and who.channel is None:
            who = self._introduced_before(q) or self._short_lead(q) or who
        if who.name is None and who.channel is None:
            if self._continues_previous(q) or (reported is not None and self._reports_same(q, reported)):
                # The quoted statement goes on: `X said in a statement. Blinken "stressed
                # ..."` then `The secretary also "reiterated ..."` is still X's statement.
                who = self.previous[1]  # type: ignore[index]
            elif reported is not None:
                who = reported
        self.reported[q.opened] = reported
        if who.name is not None and who.is_person:
            self.people.append((q.start, who.name, True))
            self.people.sort()
        if who.name is not None or who.channel is not None:
            self.previous = (q, who)
        return AttributedQuote(
            Span(self.parsed.id, q.start, q.end), words, who.name, who.is_person, who.channel, _word_count(words)
        )

    def _region(self, q: QuoteSpan) -> tuple[int, int]:
        sents = self.parsed.sentences
        if not sents:
            return 0, len(self.text)
        first = max(0, bisect.bisect_right(self.sentence_starts, q.opened) - 1)
        last = max(0, bisect.bisect_right(self.sentence_starts, max(q.closed - 1, q.start)) - 1)
        end = sents[last].end
        if (
            last + 1 < len(sents)
            and sents[last].end <= q.closed + 1
            and "\n" not in self.text[q.closed : sents[last + 1].start]
            and self._attribution_follows(q, sents[last + 1].start, sents[last + 1].end)
        ):
            end = sents[last + 1].end  # `"...?" Mr. Trump was quoted as saying.` split after the mark
        return sents[first].start, end

    def _introduced_before(self, q: QuoteSpan) -> _Who | None:
        """`The committee issued a statement:` then a paragraph that is the quotation:
        the subject of the introducing sentence speaks."""
        k = bisect.bisect_right(self.paragraph_starts, q.opened) - 1
        if k == 0 or self.text[self.paragraph_starts[k] : q.opened].strip():
            return None
        before = self.text[: self.paragraph_starts[k]].rstrip()
        if not before.endswith(":"):
            return None
        j = bisect.bisect_right(self.sentence_starts, len(before) - 1) - 1
        if j < 0:
            return None
        sentence = self.parsed.sentences[j]
        for tok in self._outside(sentence.start, sentence.end):
            if tok.dep_ == "ROOT":
                who = self._subject_of(tok, q, named_only=True)
                if who is not None:
                    return who
        return None

    def _short_lead(self, q: QuoteSpan) -> _Who | None:
        """ `Ryan shot back: "..."`, `Added Gibbs: "..."`: a lead of a few words and a colon
        before the quotation, in its sentence, naming one person, introduces that person's words."""
        k = bisect.bisect_right(self.sentence_starts, q.opened) - 1
        if k < 0:
            return None
        lead = self.text[self.parsed.sentences[k].start : q.opened]
        if not lead.rstrip().endswith(":") or len(lead.split()) > _SHORT_LEAD_WORDS:
            return None
        start = self.parsed.sentences[k].start
        people = set()
        for tok in self._outside(start, q.opened):
            # "The letter to Sestak:" names whom it was sent to, not who speaks
            found = self._person_named(tok.text) if tok.is_title and tok.dep_ != "pobj" else None
            if found is not None:
                people.add(found.name)
        return _Who(people.pop(), True) if len(people) == 1 else None

    def _attribution_follows(self, q: QuoteSpan, start: int, end: int) -> bool:
        """Is the next sentence the tail of this quotation's sentence? Yes after a comma
        inside the marks; after "?" or "!" only when a speech verb comes early in it."""
        last = self.text[q.start : q.end].rstrip()[-1:]
        if last == ",":
            return True
        if last not in {"?", "!"}:
            return False
        head = [t for t in self._outside(start, end) if not t.is_punct][:8]
        return any(t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ in {"VERB", "AUX"} for t in head)

    def _outside(self, start: int, end: int) -> list["Token"]:
        lo = bisect.bisect_left(self.token_starts, start)
        hi = bisect.bisect_left(self.token_starts, end)
        tokens = []
        for tok in self.doc[lo:hi]:
            if tok.is_space or any(a <= tok.idx < b for a, b in self.inside):
                continue
            tokens.append(tok)
        return tokens

    def _speaker(self, q: QuoteSpan) -> _Who:
        start, end = self._region(q)
        outside = self._outside(start, end)
        channel = self._according_to(outside)
        verbs = [t for t in outside if t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ in {"VERB", "AUX", "NOUN"}]
        verbs.sort(key=lambda t: _distance(t.idx, q))
        generic: _Who | None = None
        for verb in verbs:
            who = self._subject_of(verb, q)
            if who is None:
                continue
            if who.name is None:
                channel = channel or who.channel  # "a letter ..., which stated": keep looking
            elif who.is_person or self._is_entity(who.name):
                return _Who(who.name, who.is_person, who.channel or channel)
            elif generic is None:
                # "the improper use of funds continued": a plain noun phrase speaks only
                # if no verb nearby has a named speaker.
                generic = who
        if generic is not None:
            return _Who(generic.name, False, generic.channel or channel)
        if channel is not None:
            return _Who(None, False, channel)
        # No speech verb: the subject of the clause the quotation sits in ("Wang blamed
        # the US's "misperceptions"") speaks, if it names someone.
        # Only when no speech verb is there at all: "a letter, which stated" must not
        # fall back to whoever received the letter.
        roots = [t for t in outside if t.dep_ == "ROOT"] if self._in_main_clause(q) else []
        for root in sorted(roots, key=lambda t: _distance(t.idx, q)):
            who = self._subject_of(root, q, named_only=True)
            if who is not None:
                return _Who(who.name, who.is_person, who.channel or channel)
        return _Who(None, False, channel)

    def _subject_of(self, verb: "Token", q: QuoteSpan, named_only: bool = False) -> _Who | None:
        """Who does ``verb`` (a speech verb or the clause's root) report?

        A passive verb reports its agent ("was confirmed by officials"); a participle
        ("adding", "saying") borrows the subject of the clause it hangs on, but only a
        subject that names someone, so "both parties must choose ..., adding" climbs on
        to "He said"."""
        node = verb
        climbed = False
        for _ in range(5):
            passive = [c for c in node.children if c.dep_ == "nsubjpass" and not self._quoted(c)]
            if passive:
                agents = [g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
                if agents:
                    return self._resolve(agents[0], q)
                # "Mr Xi is heard to say", "Qin was quoted as saying": the passive
                # subject speaks, but only a named one ("the meeting was confirmed" not).
                who = self._resolve(passive[0], q)
                named = who.name is not None and (who.is_person or self._is_entity(who.name))
                return who if named else None
            subjects = self._subjects(node)
            if node.lemma_.lower() == "quote":
                objects = [c for c in node.children if c.dep_ in {"dobj", "obj"} and not self._quoted(c)]
                if objects:
                    who = self._resolve(objects[0], q)
                    via = self._resolve(subjects[0], q) if subjects else None
                    channel = (via.channel or via.name) if via else None
                    return _Who(who.name, who.is_person, channel) if who.name else _Who(None, False, channel)
            if subjects:
                who = self._resolve(subjects[0], q)
                named = who.name is not None and (who.is_person or self._is_entity(who.name))
                if (named_only or climbed) and not named and who.channel is None:
                    if climbed and node.dep_ in _CLIMB and node.head.i != node.i:
                        node = node.head
                        continue
                    return None
                if who.name is None and who.channel is None:
                    return None
                return who
            if node.dep_ in _CLIMB and node.head.i != node.i:
                if node.dep_ == "relcl" and node.head.pos_ in {"PROPN", "NOUN"}:
                    return self._resolve(node.head, q)
                node = node.head
                climbed = True
                continue
            break
        if verb.dep_ == "ROOT" and verb.tag_ in {"VBD", "VBZ", "VBP"} and not any(
                c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} for c in verb.children):
            # A finite speech verb the parser left without a subject ("At 9:24 p.m., Ms.
            # Nuland, reading the draft, complained", with the name read as the object of
            # "At"): the last person named before it in its sentence speaks.
            return self._person_named_before(verb)
        return None

    def _subjects(self, verb: "Token") -> list["Token"]:
        """The active subjects of ``verb`` outside quotation marks, in text order.

        A label or dateline the parser also hangs on the verb ("UPDATE: AARP CEO A. Barry
        Rand said", "WASHINGTON ― President Donald Trump ... said") is no subject."""
        return [c for c in verb.children if c.dep_ == "nsubj" and not self._quoted(c) and not self._in_dateline(c)]

    def _in_dateline(self, tok: "Token") -> bool:
        """Is ``tok`` a capitalised label that opens its paragraph before a dash or colon
        ("WASHINGTON ―", "UPDATE:")?"""
        k = bisect.bisect_right(self.paragraph_starts, tok.idx) - 1
        found = _DATELINE.match(self.text, self.paragraph_starts[k], tok.idx + len(tok.text) + 8)
        return found is not None and found.start("label") <= tok.idx < found.end("label")

    def _person_named_before(self, verb: "Token") -> _Who | None:
        start = verb.sent.start_char
        named = None
        for ent in self.ents:
            if start <= ent.start_char and ent.end_char <= verb.idx and ent.label_ == "PERSON" and not self._quoted(ent.root):
                found = self._person_named(ent.text)
                if found is not None and ent.root.dep_ != "poss":
                    named = found
        return _Who(named.name, True) if named is not None else None

    def _reported_subject(self, q: QuoteSpan) -> _Who | None:
        """ `Blinken "stressed the importance ..."`: a quotation that opens with a verb
        whose subject stands right before it reports that subject's words or deeds."""
        k = bisect.bisect_left(self.token_starts, q.start)
        if k >= len(self.doc) or self.doc[k].pos_ not in {"VERB", "AUX"}:
            return None
        subjects = self._subjects(self.doc[k])
        if not subjects:
            return None
        who = self._resolve(subjects[0], q)
        return who if who.name is not None and (who.is_person or self._is_entity(who.name)) else None

    def _reports_same(self, q: QuoteSpan, reported: _Who) -> bool:
        """Did the previous quotation, close by, report the same subject for someone else?"""
        if self.previous is None or not self._near(self.previous[0].opened, q.opened):
            return False
        before = self.reported.get(self.previous[0].opened)
        return before is not None and before.name == reported.name and self.previous[1].name != reported.name

    def _in_main_clause(self, q: QuoteSpan) -> bool:
        """Is the quotation an argument of its clause rather than inside a prepositional
        phrase ("after "candid talks" with Qin" reports no one's words)?"""
        k = bisect.bisect_left(self.token_starts, q.start)
        if k >= len(self.doc):
            return False
        node = self.doc[k]
        for _ in range(40):
            if not self._quoted(node) and node.pos_ in {"VERB", "AUX"}:
                return True  # reached the clause outside the quotation
            if node.dep_ == "pobj" and not self._quoted(node.head):
                return False  # the quotation is the object of a preposition outside it
            if node.head.i == node.i:
                return True
            node = node.head
        return True

    def _person_named(self, text: str) -> Entity | None:
        """The person ``text`` names ("Ms. Nuland", "Gibbs"), titles aside; None for anyone else."""
        found = self.aliases.get(fold_name(strip_honorifics(text)))
        return found if found is not None and found.type == "PERSON" else None

    def _is_entity(self, name: str) -> bool:
        return name.lower() in self.aliases

    def _quoted(self, tok: "Token") -> bool:
        return any(a <= tok.idx < b for a, b in self.inside)

    def _resolve(self, head: "Token", q: QuoteSpan) -> _Who:
        """A subject token to a speaker: a named entity, a role, a pronoun or a channel."""
        low = head.lower_
        if self._quoted(head):  # "a set of “immigration principles” that call for": quoted words speak for no one
            return _Who(None, False)
        if low in _PERSON_PRONOUNS:
            return _Who(self._person_of_clause_before(head) or self._nearest_person(min(head.idx, q.opened)), True)
        if low in {"who", "which", "that"} and head.head.dep_ == "relcl":
            modified = head.head.head
            if modified.lemma_.lower() in CHANNEL_NOUNS:  # "a letter ..., which stated"
                return _Who(None, False, self._noun_phrase(modified))
            if low == "which" or modified.pos_ not in {"PROPN", "NOUN"}:
                return _Who(None, False)
            return self._resolve(modified, q)
        if low in _OTHER_PRONOUNS:
            if low == "it":
                # "Slate magazine produced a profile ..., it said": an organisation named
                # earlier in the same sentence.
                organisation = self._organisation_before(head)
                if organisation is not None:
                    return _Who(organisation.name, False)
            if self.previous is not None and self._near(self.previous[0].opened, q.opened):
                return self.previous[1]
            return _Who(None, False)
        if head.ent_type_ != "PERSON":  # "A spokesman for the DNC, Brad Woodhouse, said"
            for tok in head.subtree:
                if tok.dep_ != "appos" or tok is head or self._quoted(tok):
                    continue
                if tok.ent_type_ == "PERSON":
                    return self._resolve(tok, q)
                if tok.pos_ == "PROPN" and tok.head.i == head.i and head.lower_ in ROLE_HEADS:
                    who = self._resolve(tok, q)  # the name spaCy swallowed into an ORG
                    return _Who(who.name, True) if who.name else who
        phrase = self._noun_phrase(head)
        entity = self._entity_in(phrase, head)
        if entity is not None:
            return _Who(entity.name, entity.type == "PERSON")
        if _is_epithet(head):
            # "The Arizona Republican said": a definite epithet refers back to the
            # person just named (not a spokesman, who speaks for someone else).
            person = self._nearest_person(min(head.idx, q.opened))
            if person is not None:
                return _Who(person, True)
        if head.lower_ in CHANNEL_NOUNS or head.lemma_.lower() in CHANNEL_NOUNS:
            # Keep the article: "the reading" names one document, "reading" does not.
            channel = self.doc[head.left_edge.i : head.i + 1].text
            owner = self._channel_owner(head, q)
            if owner is not None:
                return _Who(owner.name, owner.is_person, channel)
            return _Who(None, False, channel)
        if head.pos_ in {"NOUN", "PROPN"}:
            return _Who(phrase, False)
        return _Who(None, False)

    def _channel_owner(self, head: "Token", q: QuoteSpan) -> _Who | None:
        """Whose document it is: "the press release from the U.S. Attorney's Office",
        "a statement by the lawmaker", "the ministry's statement"."""
        for child in head.children:
            if child.dep_ == "poss" and child.pos_ in {"PROPN", "NOUN"}:
                owner = self._resolve(child, q)
                return owner if owner.name else None
            if child.dep_ == "prep" and child.lower_ in {"from", "by", "of"}:
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects and objects[0].pos_ in {"PROPN", "NOUN"}:
                    owner = self._resolve(objects[0], q)
                    return owner if owner.name else None
        return None

    def _organisation_before(self, head: "Token") -> Entity | None:
        """The nearest organisation named earlier in the sentence of ``head``."""
        k = max(0, bisect.bisect_right(self.sentence_starts, head.idx) - 1)
        floor = self.parsed.sentences[k].start if self.parsed.sentences else 0
        best = None
        for ent in self.ents:
            if floor <= ent.start_char and ent.end_char <= head.idx and ent.label_ in {"ORG", "WORK_OF_ART"}:
                found = self.aliases.get(fold_name(ent.text)) or self.aliases.get(ent.text.lower())
                if found is not None and found.type == "ORG":
                    best = found
        return best

    def _noun_phrase(self, head: "Token") -> str:
        """The subject's words up to its head noun, without a leading determiner."""
        left = [t for t in head.subtree if t.i <= head.i and not self._quoted(t)]
        while left and (left[0].is_punct or left[0].lower_ in {"the", "a", "an", "this", "that"}):
            left.pop(0)
        if not left:
            return head.text
        end = head.i + 1
        # "ministry of foreign affairs": keep a following "of" phrase, nothing longer;
        # "Democracy for America": a name's "for" phrase of names too.
        for child in head.rights:
            if child.dep_ == "prep" and not self._quoted(child) and (
                child.lower_ == "of"
                or (child.lower_ == "for" and (head.pos_ == "PROPN" or head.is_title)
                    and all(t.pos_ == "PROPN" for t in child.subtree if t is not child))
            ):
                end = max(end, child.right_edge.i + 1)
            break
        return self.doc[left[0].i : end].text

    def _entity_in(self, phrase: str, head: "Token") -> Entity | None:
        """The entity a subject names: by its spaCy mention, else by alias or role."""
        for ent in self.ents:
            if ent.start <= head.i < ent.end or (ent.end == head.i + 1):
                found = self.aliases.get(fold_name(strip_honorifics(ent.text))) or self.aliases.get(ent.text.lower())
                if found is not None:
                    return found
        candidates = [phrase, strip_honorifics(phrase), head.text]
        for text in candidates:
            low = text.lower().replace("\u2019", "'")
            for key in (low, "the " + low, fold_name(text)):
                if key in self.aliases:
                    return self.aliases[key]
        # "the Chinese President": try without the nationality, keep it if unambiguous.
        if head.pos_ == "NOUN" or head.is_title:
            words = [t for t in head.subtree if t.i <= head.i and t.ent_type_ not in {"NORP", "GPE"} and t.dep_ != "det"]
            if words and words[-1] is head:  # drop a nationality, never the head ("Senate Democrats" is not "Senate")
                key = " ".join(t.lower_ for t in words)
                return self.aliases.get(key) or self.aliases.get("the " + key)
        return None

    def _person_of_clause_before(self, pronoun: "Token") -> str | None:
        """ "When the draft was sent to Mr. Petraeus, he dismissed it": the one person a
        clause before the pronoun names, when that clause is about something else (its
        subject is no person) and refers to no one by pronoun."""
        verb = pronoun.head
        named = set()
        for clause in verb.children:
            if clause.dep_ != "advcl" or clause.i > pronoun.i:
                continue
            subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
            if any(c.ent_type_ == "PERSON" or c.lower_ in _PERSON_PRONOUNS or c.pos_ == "PROPN" for c in subjects):
                return None  # "Because Mr. Trump had attacked him, he said": the clause's own actor is not "he"
            if any(t.lower_ in _PERSON_PRONOUNS for t in clause.subtree):
                return None
            for ent in self.ents:
                if clause.left_edge.i <= ent.start and ent.end <= clause.right_edge.i + 1 and ent.label_ == "PERSON":
                    found = self._person_named(ent.text)
                    if found is not None:
                        named.add(found.name)
        return next(iter(named)) if len(named) == 1 else None

    def _nearest_person(self, offset: int) -> str | None:
        """The nearest person before ``offset`` (in this paragraph or the one before) who
        was a main-clause subject or a speaker; else the nearest person subject at all.
        "Ryan told a story about Romney caring for ... he then added" means Ryan."""
        return self._nearest_in(self.people, offset)

    def _nearest_in(self, people: Sequence[tuple[int, str, bool]], offset: int) -> str | None:
        floor = self._paragraph_floor(offset)
        main, anyone = None, None
        for at, name, is_main in people:
            if floor <= at < offset:
                anyone = name
                main = name if is_main else main
        if main or anyone:
            return main or anyone
        # No person acted as a subject nearby: the last person named, preferring one
        # who acted or spoke earlier in the article over a name only mentioned
        # ("Enter Ms. Lauten — ... who describes herself on Twitter ...").
        named = [name for at, name in self.mentioned if floor <= at < offset]
        actors = {name for at, name, _ in people if at < offset}
        acting = [name for name in named if name in actors]
        return (acting or named)[-1] if named else None

    def _paragraph_floor(self, offset: int) -> int:
        """Start of the paragraph before the one holding ``offset``."""
        k = bisect.bisect_right(self.paragraph_starts, offset) - 1
        return self.paragraph_starts[max(0, k - 1)]

    def _near(self, earlier: int, offset: int) -> bool:
        return self._paragraph_floor(offset) <= earlier < offset

    def _continues_previous(self, q: QuoteSpan) -> bool:
        """A quotation with no attribution right after an attributed one continues it."""
        if self.previous is None or not self._near(self.previous[0].opened, q.opened):
            return False
        k = bisect.bisect_right(self.paragraph_starts, q.opened) - 1
        if not self.text[self.paragraph_starts[k] : q.opened].strip():
            return True
        # `"...," Mr. Steele said. "Well, ...?"`: a sentence that is all quotation.
        start, end = self._region(q)
        return not any(t.is_alpha for t in self._outside(start, end))

    def _according_to(self, outside: Sequence["Token"]) -> str | None:
        """ "according to CCTV" / "in a statement" / "told Reuters" as a channel."""
        for tok in outside:
            if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                objects = [c for c in self.doc[tok.i + 1].children if c.dep_ == "pobj"]
                if objects:
                    obj = objects[0]
                    for ent in self.ents:
                        if ent.start <= obj.i < ent.end and ent.label_ in {"ORG", "GPE", "PERSON"}:
                            return ent.text
                    return self._noun_phrase(obj)
        for tok in outside:
            if tok.lower_ == "in" and tok.head.lemma_.lower() in SPEECH_LEMMAS:
                objects = [c for c in tok.children if c.dep_ == "pobj" and c.lemma_.lower() in CHANNEL_NOUNS
                           and not (c.lower_ in _REPLY_NOUNS and not list(c.children))]  # "In response, Ryan said"
                if objects:
                    return self.doc[objects[0].left_edge.i : objects[0].i + 1].text
        return None

    def _person_subjects(self) -> list[tuple[int, str, bool]]:
        """Named people who act as subjects (``True`` when of a main clause), and people
        named after "according to": the candidates a later "he said" can refer to."""
        out = []
        for ent in self.ents:
            root = ent.root
            role = root.dep_
            according = role == "pobj" and root.head.lower_ == "to" and root.head.i > 0 and self.doc[root.head.i - 1].lower_ == "according"
            subject = role in {"nsubj", "nsubjpass"} or (role == "appos" and root.head.dep_ in {"nsubj", "nsubjpass"})
            relative = any(c.dep_ == "relcl" for c in root.children)  # "Wang Yi who warned"
            if not (subject or according or relative):
                continue
            found = self._person_named(ent.text)
            if found is not None:
                clause = root.head if role != "appos" else root.head.head
                main = according or relative or clause.dep_ in {"ROOT", "conj"}
                out.append((ent.start_char, found.name, main))
        pronouns: list[tuple[int, None, bool]] = []
        for tok in self.doc:
            if tok.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            main = tok.head.dep_ in {"ROOT", "conj"}
            if tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and not tok.ent_type_):
                # roles as subjects ("the secretary also said"), and a surname the
                # model did not mark ("Lauten later apologized")
                entity = self._entity_in(self._noun_phrase(tok), tok)
                if entity is not None and entity.type == "PERSON":
                    out.append((tok.idx, entity.name, main))
            elif tok.lower_ in {"he", "she"}:
                pronouns.append((tok.idx, None, main))
        # A "he" that is itself a subject stands for the person before it, so a later
        # "he said" two paragraphs on still reaches the name ("Mr. Blumenthal said. /
        # ... he praised the audience ... / "I served," he said.").
        chained: list[tuple[int, str, bool]] = []
        for at, name, main in sorted(out + pronouns, key=lambda item: item[0]):  # type: ignore[operator]
            resolved = name if name is not None else self._nearest_in(chained, at)
            if resolved is not None:
                chained.append((at, resolved, main))
        return chained


_EPITHET_HEADS = frozenset(
    """republican democrat senator president secretary minister governor congressman
    congresswoman lawmaker chairman chairwoman leader premier chancellor mayor candidate
    nominee veteran star actor singer player coach""".split()
)


def _is_epithet(head: "Token") -> bool:
    determiners = [c.lower_ for c in head.children if c.dep_ == "det"]
    return determiners == ["the"] and head.lower_ in _EPITHET_HEADS


def _title_like(text: str) -> bool:
    """ "Fox News Sunday", "This Week": a short all-capitalised name of a show or work."""
    words = re.findall(r"[\w']+", text)
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at"}
    return 0 < len(words) <= 5 and all(w[0].isupper() or w in small or w[0].isdigit() for w in words) and not text.rstrip().endswith((".", "?", "!"))


_CLIMB = frozenset({"xcomp", "advcl", "conj", "ccomp", "relcl", "acl"})


def _distance(offset: int, q: QuoteSpan) -> int:
    if offset < q.opened:
        return q.opened - offset
    return max(0, offset - q.closed)


# ---------------------------------------------------------------------------- step 3


def fold_quote(text: str) -> str:
    """Matching form of quoted words: accents, case, punctuation, spelling variants folded.

    British "-ise/-our" spellings become American and a plural "s" is dropped, so
    "stabilising China-US relations" and "stabilizing China-U.S. relation" fold alike.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # U.S. -> US
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    words = []
    for word in text.split():
        word = re.sub(r"(?<=\w{2})is(e|ed|es|ing|ation|ations)$", r"iz\1", word)
        word = re.sub(r"(?<=\w{2})our$", "or", word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def find_quotes(parsed: Sequence["ParsedArticle"], entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """Quotations of the cluster, the same statement grouped across sources.

    Groups are ordered by number of sources, then first appearance. Every variant's
    text equals its source's text at each of its spans. Never raises on well-formed
    parses.
    """
    aliases = alias_index(entities)
    order = {p.id: i for i, p in enumerate(parsed)}
    quotes = [q for p in parsed for q in attribute_quotes(p, aliases)]
    person_names = {e.name for e in entities if e.type == "PERSON"}
    groups = _group(quotes, person_names)
    name_words = {w for e in entities for form in (e.name, *e.aliases) for w in fold_quote(form).split()}
    grams = {p.id: _four_grams(p.article.text) for p in parsed}
    built = [_build_quote(g, grams, order, name_words) for g in groups]
    built.sort(key=lambda item: (-len(item[1]), item[2]))
    return tuple(q for q, _, _ in built)


def _group(quotes: Sequence[AttributedQuote], person_names: set[str]) -> list[list[AttributedQuote]]:
    """Union long quotations that say the same thing; attach short ones to the best group."""
    folded = [fold_quote(q.text) for q in quotes]
    long_ids = [i for i, q in enumerate(quotes) if len(folded[i].split()) >= 4]
    parent = list(range(len(quotes)))

    # The named people each group credits: a group never unites two of them, even
    # through an unattributed quotation that matches both (A says Smith, C says Jones).
    people = [{q.speaker} if q.speaker in person_names else set() for q in quotes]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj or (people[ri] and people[rj] and people[ri] != people[rj]):
            return
        parent[ri] = rj
        people[rj] |= people[ri]

    for x, i in enumerate(long_ids):
        for j in long_ids[x + 1 :]:
            if _compatible(quotes[i], quotes[j], person_names) and _same_statement(folded[i], folded[j]):
                union(i, j)
    for i, q in enumerate(quotes):
        if i in long_ids or not folded[i]:
            continue
        pattern = re.compile(r"\b" + re.escape(folded[i]) + r"\b")
        # One word ("constructive") is too common to place inside a longer quotation.
        hosts = [
            j for j in long_ids
            if " " in folded[i] and pattern.search(folded[j]) and _compatible(q, quotes[j], person_names, strict=q.words <= 2)
        ]
        hosts += [
            j for j in range(len(quotes))
            if j != i and j not in long_ids and folded[j] == folded[i] and _compatible(q, quotes[j], person_names, strict=True)
        ]
        if hosts:
            # A full quotation hosts a fragment of itself before an equal fragment does.
            best = max(hosts, key=lambda j: (j in long_ids, quotes[j].speaker == q.speaker, -j))
            union(i, best)
    members: dict[int, list[AttributedQuote]] = {}
    for i, q in enumerate(quotes):
        members.setdefault(find(i), []).append(q)
    return list(members.values())


def _same_statement(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    shared = _content(short) & _content(long)
    if len(shared) < 3 or len(shared) < 0.5 * len(_content(short)):
        return False
    if fuzz.partial_ratio(short, long) >= SAME_STATEMENT_RATIO:
        return True
    # Word-set overlap ignores order: only trusted for quotations long enough that
    # sharing most of their words cannot be chance.
    return len(short.split()) >= 6 and fuzz.token_set_ratio(short, long) >= SAME_STATEMENT_RATIO


def _content(folded: str) -> set[str]:
    return {w for w in folded.split() if w not in _STOP and len(w) > 1}


def _compatible(a: AttributedQuote, b: AttributedQuote, person_names: set[str], strict: bool = False) -> bool:
    """Same speaker, or one unknown; an institution may carry a person's words, but two
    different named people never share a quotation (``strict`` also refuses an
    institution against a person, for one- or two-word quotes that match too easily)."""
    if a.speaker is None or b.speaker is None or a.speaker == b.speaker:
        return True
    a_person = a.speaker in person_names
    b_person = b.speaker in person_names
    if a_person and b_person:
        return False
    return not strict


def _build_quote(
    members: Sequence[AttributedQuote],
    grams: Mapping[str, Mapping[str, list[tuple[int, int]]]],
    order: Mapping[str, int],
    name_words: set[str],
) -> tuple[Quote, tuple[str, ...], tuple[int, int]]:
    ordered = sorted(members, key=lambda q: (order.get(q.span.source, 0), q.span.start))
    by_text: dict[str, list[AttributedQuote]] = {}
    for q in ordered:
        by_text.setdefault(re.sub(r"\s+", " ", q.text), []).append(q)
    variants = []
    for same in by_text.values():
        sources = tuple(dict.fromkeys(q.span.source for q in same))
        variants.append(QuoteVariant(same[0].text, sources, tuple(q.span for q in same)))
    # A wording that several outlets print leads; then the fullest, then the earliest.
    variants.sort(key=lambda v: (-len(v.sources), -len(v.text)))
    speaker, channel = _group_speaker(ordered)
    all_sources = tuple(dict.fromkeys(q.span.source for q in ordered))
    paraphrased = _paraphrased_in(ordered, grams, name_words)
    first = (order.get(ordered[0].span.source, 0), ordered[0].span.start)
    return Quote(speaker, tuple(variants), paraphrased, channel), all_sources, first


def _group_speaker(members: Sequence[AttributedQuote]) -> tuple[str | None, str | None]:
    """A named person if any member has one (the most frequent), else the most frequent
    speaker; an institution beside a person, or a medium, becomes the channel."""
    people = Counter(q.speaker for q in members if q.speaker and q.speaker_is_person)
    others = Counter(q.speaker for q in members if q.speaker and not q.speaker_is_person)
    channels = Counter(q.channel for q in members if q.channel)
    if people:
        speaker: str | None = people.most_common(1)[0][0]
        # "Wyden tweeted", with "Wyden" misread as a place: the person's own surname is no channel.
        surname = speaker.split()[-1].casefold()
        others = Counter({name: n for name, n in others.items() if name.split()[-1].casefold() != surname})
        channel = channels.most_common(1)[0][0] if channels else (others.most_common(1)[0][0] if others else None)
    else:
        speaker = others.most_common(1)[0][0] if others else None
        channel = channels.most_common(1)[0][0] if channels else None
    return speaker, channel


def _paraphrased_in(
    members: Sequence[AttributedQuote], grams: Mapping[str, Mapping[str, list[tuple[int, int]]]], name_words: set[str]
) -> tuple[str, ...]:
    """Sources carrying four consecutive words of the quotation, three of them content
    words other than names, outside the group's own full (4+ word) quotations."""
    windows = set()
    for q in members:
        words = fold_quote(q.text).split()
        for k in range(len(words) - 3):
            window = words[k : k + 4]
            if sum(1 for w in window if w not in _STOP and w not in name_words and len(w) > 2) >= 3:
                windows.add(" ".join(window))
    if not windows:
        return ()
    own: dict[str, list[tuple[int, int]]] = {}
    for q in members:
        if q.words >= 4:
            own.setdefault(q.span.source, []).append((q.span.start, q.span.end))
    out = []
    for source, index in grams.items():
        cuts = own.get(source, [])
        for window in windows:
            hits = index.get(window, ())
            if any(not any(a <= first < b or a <= last < b for a, b in cuts) for first, last in hits):
                out.append(source)
                break
    return tuple(out)


def _four_grams(text: str) -> dict[str, list[tuple[int, int]]]:
    """Every run of four folded words of a text -> (offset of first word, of last word)."""
    words: list[tuple[str, int]] = []
    for match in re.finditer(r"\w+(?:[.'\u2019]\w+)*", text):
        for word in _fold_word(match.group()).split():
            words.append((word, match.start()))
    index: dict[str, list[tuple[int, int]]] = {}
    for k in range(len(words) - 3):
        gram = " ".join(w for w, _ in words[k : k + 4])
        index.setdefault(gram, []).append((words[k][1], words[k + 3][1]))
    return index


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold_quote(word)
