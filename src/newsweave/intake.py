"""What ``newsweave ingest`` runs between its inputs and the stream: units to prepared articles.

Inputs arrive as units (:mod:`newsweave.ingest.units`); :func:`prepare_unit`
reads, cleans and prepares one (in a worker process, see
:func:`newsweave.store.preparing`), and :class:`RunIds` keeps one run's
articles apart that share an id, before :class:`newsweave.store.StreamIngest`
stores and clusters them.
"""

from __future__ import annotations

from dataclasses import replace

from newsweave.ingest.common import Rejected, input_name
from newsweave.ingest.units import FileUnit, Unit, read_unit
from newsweave.store import PreparedArticle, PrepareFailure, clean_and_prepare


def prepare_unit(unit: Unit) -> list[PreparedArticle | PrepareFailure | Rejected]:
    """The unit's rejections, then each of its articles cleaned and prepared (or why not).

    An unexpected error (a library's bug on a strange input) rejects this
    unit, named, instead of ending an ingest of millions at one bad page.
    """
    try:
        read = read_unit(unit)
        return [*read.rejected, *map(clean_and_prepare, read.articles)]
    except Exception as exc:
        return [Rejected(unit_name(unit), f"could not be read ({type(exc).__name__}: {exc})")]


def unit_name(unit: Unit) -> str:
    """How messages name a unit's input."""
    if isinstance(unit, Rejected):
        return unit.input
    return input_name(unit.path) if isinstance(unit, FileUnit) else unit.where


class RunIds:
    """The article ids one run has handed to the store; an id met again is renamed ``id~2``, ``id~3``.

    Two inputs of one run with one id and different texts are two articles
    (``1.txt`` in two folders), as :func:`~newsweave.ingest.read_inputs`
    has it; the store would take the second for a new version of the first,
    which is right only across runs (a page fetched again). Holds every id
    of the run: about 80 MB a million articles.
    """

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def admit(self, item: PreparedArticle) -> PreparedArticle:
        """The item under an id this run has not used yet (itself when its id is new)."""
        given = item.article.id
        ident, n = given, 2
        while ident in self._ids:
            ident, n = f"{given}~{n}", n + 1
        self._ids.add(ident)
        if ident == given:
            return item
        return PreparedArticle(replace(item.article, id=ident), replace(item.features, id=ident), item.minhash, item.digest)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._ids
