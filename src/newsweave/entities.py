"""Entities: the people, organisations and places a story is about, merged across sources.

An analysis stage (``nlp -> entities -> quotes``). Reads spaCy's entity mentions
(:class:`~newsweave.nlp.ParsedArticle`) and returns one :class:`~newsweave.model.Entity`
per real-world referent:

- surface forms are cleaned (leading "the", possessives, honorifics such as "Mr" or
  "President", brackets of editorial insertions, a trailing "in Beijing" on a place);
- aliases are merged within and across sources: a one-word name joins the full name that
  ends (or, for family-name-first names such as "Xi Jinping", starts) with it, full names
  with compatible first names merge ("Matt Miller" / "Matthew Miller"), an organisation
  merges into a longer form that ends with it ("State Department" / "U.S. State
  Department"), and a small table folds country aliases ("US", "U.S.", "America");
- the type is decided over all mentions of the merged entity, because the small spaCy
  model mislabels surnames ("Wang" as ORG, "Blinken" as GPE): a full name printed as a
  PERSON makes the whole entity a PERSON, otherwise the majority label wins;
- roles are read where printed next to a name ("Chinese Foreign Minister Qin Gang" ->
  "Foreign Minister", "Wang Yi, China's top diplomat" -> "top diplomat").

:func:`alias_index` maps every unambiguous lower-cased alias (names, "mr xi", a unique
role such as "the secretary") to its entity, for speaker resolution in quotes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from newsweave.model import Entity, EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    from newsweave.nlp import ParsedArticle

__all__ = ["alias_index", "find_entities", "fold_name", "strip_honorifics"]

_LABEL_TYPES: Mapping[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
}
# Words printed before a name that are not part of it. Multi-word titles first so that
# "Foreign Minister" is stripped whole rather than leaving "Minister".
_HONORIFICS = (
    "secretary of state", "secretary-general", "secretary general", "prime minister",
    "foreign minister", "vice president", "vice-president", "first lady", "chief executive",
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "rev", "reverend", "president", "secretary", "minister", "premier", "chancellor", "king",
    "queen", "prince", "princess", "pope", "judge", "justice", "mayor", "governor", "gov",
    "senator", "sen", "rep", "representative", "congressman", "congresswoman", "speaker",
    "chairman", "chairwoman", "ambassador", "general", "gen", "colonel", "col", "captain",
    "capt", "lt", "sgt", "sergeant", "officer", "detective", "sheriff", "attorney general",
    # occupations spaCy sometimes folds into a PERSON span ("Historian Alan Brinkley")
    "historian", "economist", "analyst", "author", "writer", "journalist", "activist",
    "lawyer", "attorney", "scientist", "researcher", "commentator", "columnist", "pastor",
)
_HONORIFIC_RE = re.compile(
    r"^(?:(?:%s)\.?\s+)+" % "|".join(re.escape(h) for h in sorted(_HONORIFICS, key=len, reverse=True)),
    re.I,
)
# Words that make a phrase printed next to a name a role ("top diplomat", "spokesman").
ROLE_HEADS = frozenset(
    """president secretary minister premier chancellor diplomat ambassador spokesman spokeswoman
    spokesperson adviser advisor chairman chairwoman chair chief director leader governor senator
    mayor speaker representative congressman congresswoman official officer founder co-founder
    ceo executive judge justice attorney general commander king queen prince pope envoy
    counterpart head manager coach candidate lawmaker analyst professor economist strategist
    deputy aide negotiator prosecutor sheriff detective captain""".split()
)
_ROLE_MODIFIERS = frozenset(
    """foreign top senior chief deputy vice former acting interim prime state department
    affairs defense defence finance trade interior home health press white house of the
    national security general executive special first""".split()
)
# Country aliases folded to one key: a fixed table, not learned, because "US" and "America"
# share no letters and spaCy labels both GPE.
_COUNTRY_ALIASES: Mapping[str, str] = {
    "us": "united states", "usa": "united states", "america": "united states",
    "united states of america": "united states", "the states": "united states",
    "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "prc": "china", "people's republic of china": "china", "mainland china": "china",
    "russian federation": "russia", "dprk": "north korea", "rok": "south korea",
    "uae": "united arab emirates", "eu": "european union", "un": "united nations",
}
_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "la", "von", "van", "al", "bin", "du", "del"})


def fold_name(text: str) -> str:
    """Comparison key of a name: accents, case, dots, possessives and spacing folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"'s?$", "", text.strip())
    text = text.replace(".", "")
    text = re.sub(r"[\[\]()]", " ", text)
    text = re.sub(r"^the\s+", "", re.sub(r"\s+", " ", text).strip())
    return _COUNTRY_ALIASES.get(text, text)


def strip_honorifics(name: str) -> str:
    """ "Mr Xi" -> "Xi", "President Xi Jinping" -> "Xi Jinping"; keeps a bare title as is."""
    stripped = _HONORIFIC_RE.sub("", name.strip())
    return stripped if stripped.strip() else name.strip()


@dataclass(frozen=True, slots=True)
class _Surface:
    """One cleaned mention: its display form, folded key and where it was seen."""

    display: str
    key: str
    label: str
    source: str
    start: int


@dataclass(slots=True)
class _Group:
    """Mentions gathered under one key while merging (private, mutable while building)."""

    labels: Counter[str] = field(default_factory=Counter)
    displays: Counter[str] = field(default_factory=Counter)
    sources: dict[str, int] = field(default_factory=dict)  # source -> first offset
    roles: Counter[str] = field(default_factory=Counter)
    full_person: bool = False  # a multi-word form was labelled PERSON
    referring: set[str] = field(default_factory=set)  # "the Chinese President"

    def add(self, surface: _Surface) -> None:
        self.labels[surface.label] += 1
        self.displays[surface.display] += 1
        self.sources.setdefault(surface.source, surface.start)
        if surface.label == "PERSON" and len(surface.key.split()) > 1:
            self.full_person = True

    def absorb(self, other: "_Group") -> None:
        self.labels.update(other.labels)
        self.displays.update(other.displays)
        self.roles.update(other.roles)
        for source, start in other.sources.items():
            self.sources[source] = min(start, self.sources.get(source, start))
        self.full_person = self.full_person or other.full_person
        self.referring |= other.referring


def find_entities(parsed: Sequence["ParsedArticle"]) -> tuple[Entity, ...]:
    """People, organisations and places of the cluster, most important first.

    Importance is the number of sources mentioning an entity, then its mention count.
    Source order in ``Entity.sources`` follows the input order. Never raises on
    well-formed parses; articles without a spaCy ``doc`` simply contribute no roles.
    """
    order = {p.id: i for i, p in enumerate(parsed)}
    surfaces = [s for p in parsed for s in _surfaces(p)]
    groups: dict[str, _Group] = defaultdict(_Group)
    for surface in surfaces:
        groups[surface.key].add(surface)
    for p in parsed:
        if p.doc is not None:
            for key, role, printed in _printed_roles(p.doc):
                if key in groups:
                    groups[key].roles[role] += 1
                    if printed != role:  # "the Chinese President": a way to refer back to them
                        groups[key].referring.add("the " + printed)
    _drop_fragments(groups)
    merged = _merge_groups(groups)
    # "Ferguson Police", "Missouri State Highway Patrol": a word that opens institutions'
    # names and is ever read as a place is the place, whatever the majority label.
    institution_heads = {k.split()[0] for k in groups if " " in k and groups[k].labels["ORG"] > 0}
    entities = [_to_entity(group, order, institution_heads) for group in merged]
    entities.sort(key=lambda e: (-len(e.sources), -e.mentions, e.name))
    return tuple(entities)


def alias_index(entities: Iterable[Entity]) -> dict[str, Entity]:
    """Lower-cased alias -> entity, keeping only aliases that name one entity.

    Aliases: the name and printed forms, the surname with and without "Mr/Mrs/Ms/Dr",
    the family name of a two-word name, and the role ("secretary of state", "the
    secretary", "the chinese president" when printed so). Full names always win over
    the same string used as a shorter alias of another entity.
    """
    claims: dict[str, set[Entity]] = defaultdict(set)
    strong: dict[str, Entity] = {}
    for entity in entities:
        for name in {entity.name, *entity.aliases}:
            strong.setdefault(name.lower(), entity)
        for alias in _weak_aliases(entity):
            claims[alias].add(entity)
    index = {alias: next(iter(owners)) for alias, owners in claims.items() if len(owners) == 1}
    index.update(strong)
    # Also reachable by the folded form ("donald trump jr" for "Donald Trump Jr."),
    # without overriding an alias printed that way.
    for alias, entity in list(index.items()):
        index.setdefault(fold_name(alias), entity)
    return index


def _weak_aliases(entity: Entity) -> set[str]:
    aliases: set[str] = set()
    if entity.type == "PERSON":
        words = entity.name.split()
        names = {words[-1]} | ({words[0]} if len(words) == 2 else set())
        for name in names:
            aliases.add(name.lower())
            aliases.update(f"{h} {name.lower()}" for h in ("mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."))
    if entity.role:
        role = entity.role.lower()
        head = _role_head(role)
        for form in {role, head}:
            aliases.update({form, f"the {form}"})
    for alias in entity.aliases:
        if not alias[:1].isupper() and alias.lower().startswith(("the ", "a ")):
            aliases.add(alias.lower())
    return aliases


def _role_head(role: str) -> str:
    """ "secretary of state" -> "secretary"; "foreign minister" -> "minister"."""
    before_of = role.split(" of ")[0].split()
    return before_of[-1] if before_of else role


def _surfaces(parsed: "ParsedArticle") -> list[_Surface]:
    out = []
    medium_at = _after_medium_nouns(parsed.doc) if parsed.doc is not None else set()
    for mention in parsed.mentions:
        if mention.label not in _LABEL_TYPES:
            continue
        label = mention.label
        if label == "PERSON" and mention.span.start in medium_at and " " not in mention.text.strip():
            label = "ORG"  # "state media Xinhua reported": an outlet, not a person
        if label == "PERSON" and fold_name(mention.text) in _PLATFORMS:
            label = "ORG"  # "describes herself on Twitter": spaCy's small model reads a person
        display = _clean_display(mention.text, label)
        if display is None:
            continue
        key = fold_name(display)
        if key and any(ch.isalpha() for ch in key):
            out.append(_Surface(display, key, label, parsed.id, mention.span.start))
    return out


# Services that the small model often labels as people; none is a person's name.
_PLATFORMS = frozenset(
    """twitter facebook instagram youtube tiktok reddit snapchat whatsapp telegram linkedin tumblr
    pinterest gawker buzzfeed""".split()
)
_MEDIUM_NOUNS = frozenset(
    """media agency broadcaster newspaper paper outlet network channel daily tabloid station
    television tv magazine website radio""".split()
)


def _after_medium_nouns(doc: "Doc") -> set[int]:
    """Offsets of tokens printed right after a word for a news medium ("media Xinhua")."""
    return {tok.idx for tok in doc[1:] if doc[tok.i - 1].lower_ in _MEDIUM_NOUNS}


def _clean_display(text: str, label: str) -> str | None:
    """The printable name of a mention, or None when it is not a name at all."""
    text = re.sub(r"[\[\]]", "", text).strip(" \t\n,;:-\u2013\u2014\"\u201c\u201d")
    text = re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", text)
    text = re.sub(r"^(?:the|The)\s+", "", text)
    if label in {"FAC", "LOC", "GPE"}:
        # "the Great Hall of the People in Beijing": the place is the part before " in ".
        text = re.split(r"\s+in\s+(?=[A-Z])", text)[0]
    if label == "PERSON":
        text = strip_honorifics(text)
        if text.isupper() and len(text) <= 3:  # "ET", a time zone read as a name
            return None
    if re.search(r"[A-Za-z.]+-[A-Z]", text) and label != "PERSON":
        return None  # "U.S.-China": a compound of two names, not a name
    if re.search(r"^[A-Z][\w.]*-[A-Z][\w.]+$", text) and label == "PERSON" and "." in text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _drop_fragments(groups: dict[str, _Group]) -> None:
    """Remove one-word organisations that are common words cut out of a title ("State" of
    "Secretary of State", "House" of "House Speaker"): their key also ends a longer name
    or title printed in lower case elsewhere, and they were never seen as anything else."""
    for key in list(groups):
        group = groups[key]
        if " " in key or set(group.labels) != {"ORG"}:
            continue
        if key in _ROLE_MODIFIERS or key in ROLE_HEADS or key in {"group", "state", "house", "department", "ministry"}:
            del groups[key]


def _merge_groups(groups: dict[str, _Group]) -> list[_Group]:
    """Union keys that name the same referent; returns the merged groups."""
    parent = {key: key for key in groups}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(child: str, into: str) -> None:
        a, b = find(child), find(into)
        if a != b:
            parent[a] = b

    persons = [k for k, g in groups.items() if _person_like(g)]
    full = [k for k in persons if len(k.split()) > 1 and groups[k].labels["PERSON"] > 0]
    # Full names with the same surname and compatible first names.
    for i, a in enumerate(full):
        for b in full[i + 1 :]:
            if _same_person(a, b):
                union(a, b) if len(a) < len(b) else union(b, a)
    # A one-word name joins the full name that ends (else starts) with it. A word never
    # read as a person ("DeMint" as ORG) still joins a full name ending with it, unless
    # it is mostly read as a place.
    for key in groups:
        if " " in key or not full:
            continue
        ends = [f for f in full if f.split()[-1] == key]  # never "Trump" -> "Donald Trump Jr."
        starts = [f for f in full if f.split()[0] == key]
        if key not in persons and _mostly_place(groups[key]):
            continue
        candidates = ends or starts
        if candidates:
            # Of several people with one surname, the one printed with the same role
            # ("President Obama" is "President Barack Obama", not his daughter Sasha).
            best = max(candidates, key=lambda f: (bool(set(groups[f].roles) & set(groups[key].roles)),
                                                  sum(groups[f].labels.values()), len(f)))
            union(key, best)
    # An organisation or place merges into a longer form that ends with it.
    others = [k for k in groups if k not in persons and find(k) == k]
    for short in others:
        if len(short.split()) < 2:
            continue
        longer = [k for k in others if k != short and k.endswith(" " + short) and len(k.split()) <= len(short.split()) + 2]
        if longer:
            union(short, min(longer, key=len))
    merged: dict[str, _Group] = {}
    for key in groups:
        root = find(key)
        merged.setdefault(root, _Group()).absorb(groups[key])
    return list(merged.values())


def _person_like(group: _Group) -> bool:
    """Could this key be (part of) a person's name? Labels are noisy, so any PERSON
    reading counts unless the word is mostly read as a place."""
    if group.labels["PERSON"] == 0:
        return False
    places = sum(group.labels[l] for l in ("GPE", "LOC", "FAC"))
    return group.labels["PERSON"] * 3 >= places or group.full_person


def _mostly_place(group: _Group) -> bool:
    places = sum(group.labels[l] for l in ("GPE", "LOC", "FAC"))
    return places * 2 > sum(group.labels.values())


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Common English short forms whose letters do not start the full name.
_NICKNAMES: Mapping[str, str] = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "bill": "william", "billy": "william",
    "will": "william", "jim": "james", "jimmy": "james", "mike": "michael", "tom": "thomas",
    "joe": "joseph", "chris": "christopher", "dick": "richard", "rick": "richard",
    "tony": "anthony", "ted": "edward", "ed": "edward", "ned": "edward", "liz": "elizabeth",
    "beth": "elizabeth", "kate": "katherine", "kathy": "katherine", "peggy": "margaret",
    "meg": "margaret", "sue": "susan", "chuck": "charles", "charlie": "charles", "jack": "john",
    "hank": "henry", "harry": "henry", "larry": "lawrence", "jerry": "gerald", "andy": "andrew",
    "dave": "david", "steve": "steven", "nick": "nicholas", "pat": "patrick", "sam": "samuel",
}


def _name_words(key: str) -> list[str]:
    words = key.split()
    while len(words) > 2 and words[-1] in _SUFFIXES:  # "eric h holder jr"
        words.pop()
    return words


def _same_person(a: str, b: str) -> bool:
    if (a.split()[-1] in _SUFFIXES) != (b.split()[-1] in _SUFFIXES):
        return False  # "Donald Trump Jr." is not "Donald Trump"
    wa, wb = _name_words(a), _name_words(b)
    if wa[-1] != wb[-1]:
        return False
    fa, fb = (_NICKNAMES.get(w, w) for w in (wa[0], wb[0]))
    return fa.startswith(fb) or fb.startswith(fa)


def _to_entity(group: _Group, order: Mapping[str, int], institution_heads: set[str] = frozenset()) -> Entity:  # type: ignore[assignment]
    entity_type = _resolve_type(group)
    places = sum(group.labels[l] for l in ("GPE", "LOC", "FAC"))
    if entity_type == "ORG" and places and {fold_name(d) for d in group.displays} & institution_heads:
        entity_type = "PLACE"
    name = _canonical_name(group, entity_type)
    forms = {d for d in group.displays if d != name} | group.referring
    aliases = tuple(sorted(forms, key=lambda d: (-len(d), d)))
    role = None
    if group.roles:
        # Count "Foreign Minister" and "foreign minister" as one role; print it capitalised.
        by_case: Counter[str] = Counter()
        for printed, n in group.roles.items():
            by_case[printed.lower()] += n
        top = max(by_case.values())
        chosen = min((r for r, n in by_case.items() if n == top), key=lambda r: (-len(r), r))
        role = min((r for r in group.roles if r.lower() == chosen), key=lambda r: (not r[:1].isupper(), r))
    sources = tuple(sorted(group.sources, key=lambda s: order.get(s, 0)))
    return Entity(name, entity_type, sources, aliases, role, sum(group.labels.values()))


def _resolve_type(group: _Group) -> EntityType:
    if group.full_person:
        return "PERSON"
    counts: Counter[EntityType] = Counter()
    for label, n in group.labels.items():
        counts[_LABEL_TYPES.get(label, "OTHER")] += n
    top = max(counts.values())
    for kind in ("PERSON", "ORG", "PLACE", "OTHER"):  # ties prefer a person
        if counts[kind] == top:
            return kind  # type: ignore[return-value]
    return "OTHER"


def _canonical_name(group: _Group, entity_type: EntityType) -> str:
    """The longest proper full form; a country alias prints as its table form."""
    forms = list(group.displays)
    if entity_type == "PERSON":
        proper = [f for f in forms if all(w[:1].isupper() or w.lower() in _CONNECTORS for w in f.split())]
        forms = proper or forms
    keys = {fold_name(f) for f in forms}
    if len(keys) == 1 and next(iter(keys)) in _COUNTRY_ALIASES.values():
        best = next(iter(keys))
        titled = [f for f in forms if fold_name(f) == best and fold_name(f) == f.lower().replace(".", "")]
        if titled:
            return max(titled, key=len)
    return max(forms, key=lambda f: (len(f.split()), group.displays[f], len(f), f))


def _printed_roles(doc: "Doc") -> list[tuple[str, str, str]]:
    """(folded name key, role, role with nationality as printed) for each name with a title."""
    out = []
    for ent in doc.ents:
        # People, and one-word names spaCy mislabelled ("Wang" as ORG); never a place or
        # organisation that merely follows a title ("... Blumenthal of Connecticut").
        if ent.label_ != "PERSON" and not (ent.label_ in {"ORG", "GPE"} and len(ent) == 1):
            continue
        name = strip_honorifics(_clean_display(ent.text, "PERSON") or "")
        inner = _inner_title(ent.text, name)
        before = _title_before(doc, ent)
        role = inner or (before[0] if before else None) or _appositive_role(ent)
        if role and name:
            out.append((fold_name(name), role, before[1] if before and not inner else role))
    return out


def _inner_title(text: str, name: str) -> str | None:
    """A title spaCy kept inside the mention: "President Xi Jinping" -> "President"."""
    prefix = text[: max(0, len(text) - len(name))].strip()
    prefix = re.sub(r"^(?:the|The)\s+", "", prefix)
    words = prefix.lower().replace(".", "").split()
    if words and words[0] in {"mr", "mrs", "ms", "dr", "miss", "mx"}:
        return None
    return prefix if words and any(w in ROLE_HEADS for w in words) else None


def _title_before(doc: "Doc", ent: "SpacySpan") -> tuple[str, str] | None:
    """Role words printed right before the name, without and with the nationality:
    "Chinese Foreign Minister [Qin Gang]" -> ("Foreign Minister", "Chinese Foreign Minister")."""
    if ent.start == 0 or doc[ent.start - 1].lower_ in {"of", "the", "for", "mr.", "mrs.", "ms."}:
        return None  # "the chairman of the [Clinton] campaign" is no title of Clinton
    tokens = []
    i = ent.start - 1
    while i >= 0:
        tok = doc[i]
        low = tok.text.lower()
        if tok.ent_type_ == "PERSON":
            break  # another person's name: "Attorney General Richard Blumenthal of Connecticut"
        if tok.text == "-" or low == "co":  # "co-founder"
            tokens.append(tok)
            i -= 1
            continue
        if tok.is_punct or tok.is_space or tok.pos_ in {"VERB", "AUX", "ADP"} and low != "of":
            break
        if low in ROLE_HEADS or low in _ROLE_MODIFIERS or tok.ent_type_ in {"NORP", "GPE", "ORG"} or (tok.is_title and tok.pos_ == "PROPN"):
            tokens.append(tok)
            i -= 1
            continue
        break
    tokens.reverse()
    while tokens and tokens[0].lower_ in {"the", "of", "'s", "\u2019s", "-"}:
        tokens.pop(0)
    printed_from = tokens[0].i if tokens else 0
    # Nationality and determiners describe the person, not the role.
    while tokens and (tokens[0].ent_type_ in {"NORP", "GPE"} or tokens[0].lower_ in {"the", "of", "'s", "\u2019s"}):
        tokens.pop(0)
    while tokens and tokens[-1].lower_ in {"of", "the"}:
        tokens.pop()
    if not tokens or not any(t.lower_ in ROLE_HEADS for t in tokens):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1].text, doc[printed_from : tokens[-1].i + 1].text


def _appositive_role(ent: "SpacySpan") -> str | None:
    """ "Wang Yi, China's top diplomat" -> "top diplomat" (an appositive headed by a role)."""
    root = ent.root
    for child in root.children:
        comma_after = ent.end < len(ent.doc) and ent.doc[ent.end].text == ","
        if comma_after and child.dep_ == "appos" and child.i > ent.end and child.lower_ in ROLE_HEADS:
            words = [t for t in child.subtree if t.i <= child.i]
            while words and (words[0].ent_type_ in {"GPE", "NORP"} or words[0].is_punct or words[0].lower_ in {"the", "'s", "\u2019s", "a", "an"}):
                words.pop(0)
            if words:
                return ent.doc[words[0].i : child.i + 1].text
    return None
