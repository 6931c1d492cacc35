"""The web app: briefs of posted reports and of stored stories, bad input named, and a real server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsweave.cli import app as cli
from newsweave.evaluate.contract import contract_violations
from newsweave.server import create_app

from ..conftest import EXAMPLE

REPORTS = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.txt"))]
TOKEN = "s3cret-token-of-20ch"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(words=60))


def test_posted_reports_get_the_brief_json_of_the_contract(client: TestClient) -> None:
    response = client.post("/api/brief", json={"documents": REPORTS[:3], "words": 40})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    brief = response.json()
    assert contract_violations(brief) == []
    assert [s["id"] for s in brief["sources"]] == ["d0", "d1", "d2"] and brief["summary"]


def test_bad_documents_are_named_and_the_rest_briefed(client: TestClient) -> None:
    documents = [REPORTS[0], 42, (
        "Ein schweres Erdbeben hat am Dienstag die Küste im Norden des Landes erschüttert, teilten die Behörden mit. "
        "Mehr als hundert Menschen kamen ums Leben, und der Präsident rief den Notstand aus."
    ), REPORTS[1]]
    brief = client.post("/api/brief", json={"id": "quake", "documents": documents}).json()
    assert [s["id"] for s in brief["sources"]] == ["d0", "d3"]
    skipped = {item["input"]: item["why"] for item in brief["skipped"]}
    assert "expected a JSON object" in skipped["quake#d1"] and "English" in skipped["quake#d2"]


@pytest.mark.parametrize(
    "body, status, says",
    [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (json.dumps({"documents": []}).encode(), 400, "documents"),
        (json.dumps({"documents": REPORTS[:1], "words": 0}).encode(), 400, "words"),
        (json.dumps({"documents": ["too short"]}).encode(), 422, "nothing usable"),
    ],
)
def test_a_request_without_a_usable_brief_says_why(client: TestClient, body: bytes, status: int, says: str) -> None:
    response = client.post("/api/brief", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status and says in response.json()["error"]
    if status == 422:
        assert response.json()["skipped"] == [{"input": "request#d0", "why": "only 2 words left after removing boilerplate"}]


def test_the_form_briefs_pasted_reports_as_a_page_and_refills_itself_on_error(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'name=document' in page.text
    form = {"headers": {"content-type": "application/x-www-form-urlencoded"}}
    done = client.post("/brief", content=urlencode([("document", REPORTS[0]), ("document", REPORTS[1]), ("words", "50")]), **form)
    assert done.status_code == 200 and "<html" in done.text.lower() and "Blinken" in done.text
    failed = client.post("/brief", content=urlencode([("document", "<b>three words only</b>")]), **form)
    assert failed.status_code == 422 and "nothing usable" in failed.text
    assert "&lt;b&gt;three words only&lt;/b&gt;" in failed.text  # the paste comes back, escaped


def test_stored_stories_are_listed_and_briefed(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    assert CliRunner().invoke(cli, ["ingest", str(EXAMPLE), "--db", str(db), "--no-progress"]).exit_code == 0
    client = TestClient(create_app(db))
    stories = client.get("/api/stories").json()
    assert len(stories) == 1 and len(stories[0]["articles"]) == 5
    story = stories[0]["id"]
    assert contract_violations(client.get(f"/api/stories/{story}/brief").json()) == []
    assert client.get(f"/stories/{story}").status_code == 200
    assert f"/stories/{story}" in client.get("/").text
    assert client.get("/api/stories/999/brief").status_code == 404
    assert client.get("/stories/nope").status_code == 404


def test_without_a_store_the_story_routes_say_so(client: TestClient) -> None:
    response = client.get("/api/stories")
    assert response.status_code == 404 and "--db" in response.json()["error"]


@pytest.mark.slow
def test_newsweave_serve_answers_on_the_loopback_address_to_its_token(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-c", "from newsweave.cli import main; main()", "serve", "--port", str(port),
         "--token-file", str(tmp_path / "token")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert json.load(response)["ok"] is True
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.3)
        body = json.dumps({"documents": REPORTS[:2], "words": 30}).encode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"{base}/api/brief", data=body), timeout=60)
        assert refused.value.code == 401
        request = urllib.request.Request(
            f"{base}/api/brief", data=body,
            headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert contract_violations(json.load(response)) == []
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_numbers_and_sizes_beyond_range_are_refused_not_crashed(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave import server

    body = '{"documents": ["x"], "words": Infinity}'  # Python's JSON reads Infinity; int() cannot
    response = client.post("/api/brief", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "words" in response.json()["error"]
    assert client.get("/api/stories/99999999999999999999/brief").status_code == 404  # no store: still no crash
    monkeypatch.setattr(server, "MAX_REQUEST_BYTES", 1000)
    response = client.post("/api/brief", json={"documents": REPORTS[:2]})
    assert response.status_code == 413 and "limit" in response.json()["error"]


def test_stories_come_a_page_at_a_time(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    story = "\n\n".join(REPORTS[0].split("\n\n")[:4])
    other = (
        "A magnitude 6.1 earthquake struck the coast of northern Chile on Tuesday, killing at least 12 people in the "
        "port city of Iquique, where buildings collapsed, officials said."
    )
    (tmp_path / "a.txt").write_text(story, encoding="utf-8")
    (tmp_path / "b.txt").write_text(other, encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(db), "--no-progress"]).exit_code == 0
    client = TestClient(create_app(db))
    everything = client.get("/api/stories").json()
    assert len(everything) == 2
    assert client.get("/api/stories?limit=1").json() == everything[:1]
    assert client.get("/api/stories?limit=1&offset=1").json() == everything[1:]
    assert client.get("/api/stories?limit=0").status_code == 400


def test_with_a_token_every_route_but_healthz_needs_it() -> None:
    import base64

    guarded = TestClient(create_app(words=40, token=TOKEN))
    assert guarded.get("/healthz").status_code == 200
    for headers in ({}, {"authorization": "Bearer wrong-token-of-20chars"}, {"authorization": f"Token {TOKEN}"},
                    {"authorization": "Basic !!!"}, {"authorization": f"Bearer {TOKEN}x"}):
        refused = guarded.get("/", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic"), headers
        assert guarded.post("/api/brief", json={"documents": REPORTS[:1]}, headers=headers).status_code == 401
    basic = base64.b64encode(f"anyone:{TOKEN}".encode()).decode()
    assert guarded.get("/", headers={"authorization": f"Basic {basic}"}).status_code == 200  # a browser's login
    answered = guarded.post("/api/brief", json={"documents": REPORTS[:2], "words": 30},
                            headers={"authorization": f"Bearer {TOKEN}"})
    assert answered.status_code == 200 and contract_violations(answered.json()) == []


@pytest.mark.parametrize(
    "args, environment, says",
    [
        (["--host", "0.0.0.0"], {}, "beyond this machine"),
        (["--host", "192.168.1.4", "--token-file", "short"], {}, "shorter than 16"),
        (["--token-file", "missing"], {}, "cannot read the access token"),
        (["--host", "::"], {"NEWSWEAVE_TOKEN": "abc"}, "shorter than 16"),
        ([], {"NEWSWEAVE_TOKEN": "jeton-d'accès-très-secret"}, "printable ASCII"),
    ],
)
def test_serve_refuses_to_listen_beyond_this_machine_unguarded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], environment: dict[str, str], says: str
) -> None:
    from newsweave import server

    started: list[tuple] = []
    monkeypatch.setattr(server, "serve", lambda *a: started.append(a))  # never listen, even if a check fails
    monkeypatch.delenv("NEWSWEAVE_TOKEN", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "short").write_text("abc\n", encoding="utf-8")
    args = [str(tmp_path / a) if a in ("short", "missing") else a for a in args]
    result = CliRunner().invoke(cli, ["serve", *args])
    assert result.exit_code == 2 and says in " ".join(result.output.split()) and not started, result.output


def test_serve_takes_its_token_from_the_environment_or_goes_unguarded_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave import server

    started: list[tuple] = []
    monkeypatch.setattr(server, "serve", lambda *a: started.append(a))
    monkeypatch.setenv("NEWSWEAVE_TOKEN", TOKEN)
    assert CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"]).exit_code == 0
    monkeypatch.delenv("NEWSWEAVE_TOKEN")
    assert CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--no-token"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--host", "localhost"]).exit_code == 0
    assert [call[-1] for call in started] == [TOKEN, None, None]
