"""Web app latency beside the library in one run, printed as Markdown for BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_server.py [--repeat 5]

Starts ``newsweave serve`` on a free 127.0.0.1 port, times how long it takes
to answer, then POSTs the bundled example's five reports to ``/api/brief``
``--repeat`` times one after another, and four at once; then the same with
an access token (``--token-file``, each request carrying it). In the same run,
the same brief is made in this process with ``brief_articles`` and
``render_json`` (no HTTP): the difference is the server's own cost.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
EXAMPLE = ROOT / "examples" / "blinken-beijing"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(url: str, body: bytes, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=120) as response:
        json.load(response)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reports = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.txt"))]
    body = json.dumps({"documents": reports}).encode()

    from newsweave.brief import articles_from_documents, brief_articles
    from newsweave.nlp import load_nlp
    from newsweave.render.json import render_json

    load_nlp()
    library = []
    for _ in range(args.repeat + 1):
        started = time.perf_counter()
        read = articles_from_documents(reports, "request")
        render_json(brief_articles(read.articles, rejected=read.rejected).brief)  # type: ignore[arg-type]
        library.append(time.perf_counter() - started)

    runs = {"open": _serve_and_time(body, args.repeat, None), "with a token": _serve_and_time(body, args.repeat, "x" * 32)}

    print(f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, the bundled example (5 reports).\n")
    print("| what | " + " | ".join(f"seconds ({name})" for name in runs) + " |")
    print("| --- | " + " | ".join("---:" for _ in runs) + " |")
    rows = [
        ("`newsweave serve` start, until it answers (spaCy loaded)", "startup", "{:.2f}"),
        ("first POST /api/brief", "first", "{:.3f}"),
        (f"POST /api/brief, median of the next {args.repeat}", "median", "{:.3f}"),
        ("four POSTs at once, until the last answer", "four", "{:.3f}"),
    ]
    for label, key, form in rows:
        print(f"| {label} | " + " | ".join(form.format(run[key]) for run in runs.values()) + " |")
    in_process = statistics.median(library[1:])
    print(f"| the same brief in this process, no HTTP (median of {args.repeat} after a first) | "
          + " | ".join(f"{in_process:.3f}" for _ in runs) + " |")


def _serve_and_time(body: bytes, repeat: int, token: str | None) -> dict[str, float]:
    """Start ``newsweave serve`` (with ``--token-file`` when ``token``), time its start and its briefs, stop it."""
    import tempfile

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-c", "from newsweave.cli import main; main()", "serve", "--port", str(port)]
        if token:
            (Path(tmp) / "token").write_text(token + "\n", encoding="utf-8")
            command += ["--token-file", str(Path(tmp) / "token")]
        started = time.perf_counter()
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError):
                    if server.poll() is not None:
                        raise SystemExit("newsweave serve exited")
                    time.sleep(0.1)
            startup = time.perf_counter() - started
            sequential = [_post(f"{base}/api/brief", body, headers) for _ in range(repeat + 1)]
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: _post(f"{base}/api/brief", body, headers), range(4)))
            four_at_once = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    return {"startup": startup, "first": sequential[0], "median": statistics.median(sequential[1:]), "four": four_at_once}

if __name__ == "__main__":
    main()
