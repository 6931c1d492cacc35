"""A cluster given as saved web pages: three BASIL reports of one event
(../shared/benchmarks/cluster/basil-dev.jsonl) wrapped by the test in page
furniture (navigation, cookie banner, related links, footer), briefed from HTML."""

from __future__ import annotations

import html
import json
from pathlib import Path

from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.evaluate.contract import contract_violations

from ..conftest import shared_path

FURNITURE = [
    "Subscribe to our newsletter for the latest headlines",
    "We use cookies to improve your experience",
    "Most popular stories this week",
    "Copyright 2019 Example Media Group",
]


def _page(record: dict) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n") if p.strip())
    return (
        f"<!doctype html><html><head><title>{html.escape(record['title'])}</title>"
        f'<meta property="article:published_time" content="{record["date"]}">'
        f'<link rel="canonical" href="{html.escape(record["url"])}"></head><body>'
        f"<header><nav><a href='/'>Home</a><a href='/politics'>Politics</a></nav>"
        f"<div class='cookie-banner'>{FURNITURE[1]}</div></header>"
        f"<main><article><h1>{html.escape(record['title'])}</h1>{paragraphs}</article></main>"
        f"<aside><h2>{FURNITURE[2]}</h2><ul><li><a href='/a'>Another story</a></li></ul></aside>"
        f"<div class='newsletter'>{FURNITURE[0]}</div><footer>{FURNITURE[3]}</footer></body></html>"
    )


def test_html_cluster_briefs_cleanly(tmp_path: Path) -> None:
    basil = shared_path("benchmarks", "cluster", "basil-dev.jsonl")
    records = [json.loads(line) for line in basil.open(encoding="utf-8")]
    event = records[0]["triplet_uuid"]
    chosen = [r for r in records if r["triplet_uuid"] == event]
    assert len(chosen) == 3
    for record in chosen:
        (tmp_path / f"{record['source']}.html").write_text(_page(record), encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert contract_violations(brief) == []
    assert sorted(s["id"] for s in brief["sources"]) == sorted(r["source"] for r in chosen)
    by_id = {s["id"]: s for s in brief["sources"]}
    for record in chosen:
        assert by_id[record["source"]]["published"] == record["date"]
        assert by_id[record["source"]]["title"] == record["title"]
    everything = json.dumps({k: v for k, v in brief.items() if k != "sources"}) + " ".join(s["text"] for s in brief["sources"])
    for junk in FURNITURE:
        assert junk not in everything
    assert brief["summary"] and brief["consensus"]
