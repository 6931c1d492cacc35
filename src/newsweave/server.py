"""Web app: the brief in a browser, and as JSON for other programs (``newsweave serve``).

A thin layer over the library, as the CLI is: it reads the request, calls
:func:`~newsweave.brief.brief_articles` (or reads a stored story), and
renders with :mod:`newsweave.render`. Bad input gets the same named reasons
as on the command line, in the response instead of on stderr.

Routes:

- ``GET /``: a form to paste reports (one a box) and, with a store, its stories;
- ``POST /brief``: the form's brief as an HTML page;
- ``POST /api/brief``: ``{"documents": [text | article object], "words": N}`` to
  the brief's JSON (``../shared/docs/brief-json.md``); 422 with the reasons
  when nothing is usable, 400 for a body that is not such an object;
- ``GET /api/stories?limit=100&offset=0``, ``GET /api/stories/{id}/brief``,
  ``GET /stories/{id}``: a store's stories a page at a time, as JSON or as a
  brief (needs ``--db``);
- ``GET /healthz``.

With an access token (``newsweave serve --token-file``, or ``NEWSWEAVE_TOKEN``)
every route but ``/healthz`` answers 401 unless the request carries it, as
``Authorization: Bearer TOKEN`` (programs) or as the password of HTTP Basic
authentication (browsers ask for it; the user name is ignored).

Briefs are computed in worker threads (FastAPI runs plain ``def`` routes
in a thread pool; the POST routes hand theirs to it), so the server answers
other requests meanwhile; spaCy is loaded once per process. A request body
is read no further than :data:`MAX_REQUEST_BYTES`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request  # at module level: FastAPI reads the routes' annotations by name
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from newsweave.brief import BriefConfig, BriefOutcome, articles_from_documents, brief_articles
from newsweave.errors import ConfigError, NewsweaveError, StoreError
from newsweave.ingest.common import Rejected

MAX_DOCUMENTS = 100  # one story's reports; a crawl goes through `newsweave ingest`
# A request's body: a hundred long reports fit; more is read no further than this.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
PAGE_STORIES, MAX_PAGE_STORIES = 100, 1000  # stories a page lists (a store may hold a million articles)


class _BadRequest(Exception):
    def __init__(self, status: int, message: str, skipped: tuple[Rejected, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.skipped = skipped


def create_app(db: Path | None = None, words: int = 120, token: str | None = None) -> FastAPI:
    """The web app; ``db`` is the store whose stories it serves (None: briefs of pasted reports only).

    ``token``: when given, every route but ``/healthz`` needs it (see the module's docstring).
    """
    from newsweave.render import render

    default = BriefConfig(words=words)
    app = FastAPI(title="newsweave", summary="A faithful, source-cited brief of many reports of one story.")

    if token:
        @app.middleware("http")
        async def require_token(request: Request, call_next):  # type: ignore[no-untyped-def]
            if request.scope.get("path") == "/healthz" or presents_token(request.headers.get("authorization", ""), token):
                return await call_next(request)
            return PlainTextResponse(
                "newsweave: this server needs its access token (Authorization: Bearer TOKEN)\n", status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="newsweave", charset="UTF-8"'},
            )

    def error(exc: _BadRequest) -> JSONResponse:
        body: dict[str, object] = {"error": str(exc)}
        if exc.skipped:
            body["skipped"] = [{"input": r.input, "why": r.reason} for r in exc.skipped]  # as in a brief's "skipped"
        return JSONResponse(body, status_code=exc.status)

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"ok": True, "store": str(db) if db is not None else None}

    @app.get("/", response_class=HTMLResponse)
    def form() -> HTMLResponse:
        try:
            stories = _stories(db) if db is not None else None
        except _BadRequest as exc:
            return HTMLResponse(_message_page(str(exc)), status_code=exc.status)
        return HTMLResponse(_form_page(stories))

    @app.post("/brief", response_class=HTMLResponse)
    async def brief_form(request: Request) -> HTMLResponse:
        documents: list[str] = []
        try:
            fields = parse_qs((await _body(request)).decode("utf-8", "replace"), keep_blank_values=False)
            documents = [text for text in fields.get("document", []) if text.strip()]
            config = _config(fields.get("words", [None])[0], default)
            # The brief is CPU work: in a worker thread, so the server keeps answering meanwhile.
            outcome = await run_in_threadpool(_brief, documents, config, "form")
        except _BadRequest as exc:
            return HTMLResponse(_form_page(None, exc, documents if exc.status != 413 else []), status_code=exc.status)
        return HTMLResponse(render(outcome.brief, "html"))  # type: ignore[arg-type]

    @app.post("/api/brief")
    async def brief_api(request: Request) -> Response:
        try:
            record = _json_body(await _body(request))
            config = _config(record.get("words"), default)
            outcome = await run_in_threadpool(_brief, record.get("documents"), config, str(record.get("id") or "request"))
        except _BadRequest as exc:
            return error(exc)
        return Response(render(outcome.brief, "json"), media_type="application/json")  # type: ignore[arg-type]

    @app.get("/api/stories")
    def stories_api(limit: int = 100, offset: int = 0) -> Response:
        try:
            return JSONResponse(_stories(db, limit, offset))
        except _BadRequest as exc:
            return error(exc)

    @app.get("/api/stories/{story_id}/brief")
    def story_brief_api(story_id: str) -> Response:
        try:
            outcome = _stored_brief(db, story_id, default)
        except _BadRequest as exc:
            return error(exc)
        return Response(render(outcome.brief, "json"), media_type="application/json")  # type: ignore[arg-type]

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: str) -> HTMLResponse:
        try:
            outcome = _stored_brief(db, story_id, default)
        except _BadRequest as exc:
            return HTMLResponse(_message_page(str(exc)), status_code=exc.status)
        return HTMLResponse(render(outcome.brief, "html"))  # type: ignore[arg-type]

    return app


def serve(db: Path | None = None, words: int = 120, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None) -> None:
    """Run the web app with uvicorn until interrupted."""
    import uvicorn

    from newsweave.nlp import load_nlp

    load_nlp()  # the first brief should not wait for the model
    uvicorn.run(create_app(db, words, token), host=host, port=port, log_level="warning")


def presents_token(authorization: str, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token``: as a bearer token, or as a Basic password."""
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "basic":
        try:
            credentials = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    # Compared in constant time, so response times do not tell how much of a guess was right.
    return hmac.compare_digest(credentials.encode("utf-8"), token.encode("utf-8"))


async def _body(request: Request) -> bytes:
    """The request's body, read no further than MAX_REQUEST_BYTES (413 beyond)."""
    too_big = _BadRequest(413, f"the request is more than the {MAX_REQUEST_BYTES:,}-byte limit")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        record = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _BadRequest(400, f"the body is not JSON ({type(exc).__name__}: {exc})") from exc
    if not isinstance(record, dict):
        raise _BadRequest(400, 'expected a JSON object {"documents": [...]}')
    return record


def _config(words: object, default: BriefConfig) -> BriefConfig:
    if words in (None, ""):
        return default
    try:
        return BriefConfig(words=int(words))  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, ConfigError) as exc:
        raise _BadRequest(400, f"words must be a whole number of at least 1, got {words!r}") from exc


def _brief(documents: object, config: BriefConfig, where: str) -> BriefOutcome:
    """The brief of pasted or posted documents, or _BadRequest saying why there is none."""
    if not isinstance(documents, list) or not documents:
        raise _BadRequest(400, "give 'documents': a list of report texts or article objects")
    if len(documents) > MAX_DOCUMENTS:
        raise _BadRequest(413, f"{len(documents)} documents: at most {MAX_DOCUMENTS} (one story's reports)")
    read = articles_from_documents(documents, where)
    outcome = brief_articles(read.articles, config, rejected=read.rejected)
    if outcome.brief is None:
        raise _BadRequest(422, "nothing usable to brief", outcome.rejected)
    return outcome


def _stories(db: Path | None, limit: int = PAGE_STORIES, offset: int = 0) -> list[dict[str, object]]:
    from newsweave.store import Store, story_json

    if not (0 < limit <= MAX_PAGE_STORIES and offset >= 0):
        raise _BadRequest(400, f"limit must be 1 to {MAX_PAGE_STORIES} and offset at least 0")
    if db is None:
        raise _BadRequest(404, "no store: start the server with --db PATH")
    try:
        with Store.open(db, create=False) as store:
            return [story_json(story) for story in store.stories(limit, offset)]
    except NewsweaveError as exc:
        raise _BadRequest(404 if not db.exists() else 500, str(exc)) from exc


def _stored_brief(db: Path | None, story_id: str, config: BriefConfig) -> BriefOutcome:
    from newsweave.brief import brief_stored_story

    if db is None:
        raise _BadRequest(404, "no store: start the server with --db PATH")
    try:
        outcome = brief_stored_story(db, story_id, config)  # refuses a missing database rather than create one
    except StoreError as exc:
        raise _BadRequest(404, str(exc)) from exc
    if outcome.brief is None:
        raise _BadRequest(422, f"story {story_id}: nothing usable to brief", outcome.rejected)
    return outcome


_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
textarea{width:100%;height:9rem;font:inherit;margin-bottom:.5rem}.error{background:#fee;border:1px solid #c66;padding:.5rem 1rem}
button{font:inherit;padding:.4rem 1.2rem}li{margin:.2rem 0}"""


def _form_page(stories: list[dict[str, object]] | None, problem: _BadRequest | None = None, documents: list[str] = ()) -> str:  # type: ignore[assignment]
    """The start page: the paste form (refilled after an error, with the reasons) and a store's stories."""
    boxes = list(documents) + [""] * max(0, 3 - len(documents))
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>newsweave</title>",
        f"<style>{_STYLE}</style></head><body><h1>newsweave</h1>",
        "<p>Paste the reports of one story, one a box (plain text; a first short line is read as the headline).</p>",
    ]
    if problem is not None:
        reasons = "".join(f"<li>{html.escape(r.input)}: {html.escape(r.reason)}</li>" for r in problem.skipped)
        parts.append(f"<div class=error role=alert><p>{html.escape(str(problem))}</p><ul>{reasons}</ul></div>")
    parts.append("<form method=post action=/brief>")
    for k, text in enumerate(boxes):
        parts.append(f"<label for=d{k}>Report {k + 1}</label><textarea id=d{k} name=document>{html.escape(text)}</textarea>")
    parts.append("<p><label>Summary words <input name=words type=number min=1 value=120></label> <button>Brief</button></p></form>")
    if stories is not None:
        more = " (the first; /api/stories?offset=N pages on)" if len(stories) == PAGE_STORIES else ""
        parts.append(f"<h2>Stored stories: {len(stories)}{more}</h2><ul>")
        for story in stories:
            parts.append(
                f"<li><a href=/stories/{html.escape(str(story['id']))}>{html.escape(str(story['title']) or '(untitled)')}</a>"
                f" — {len(story['articles'])} articles, {story['sources']} origins</li>"  # type: ignore[arg-type]
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def _message_page(message: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>newsweave</title><style>{_STYLE}</style></head>"
        f"<body><p class=error role=alert>{html.escape(message)}</p><p><a href=/>Back</a></p></body></html>"
    )
