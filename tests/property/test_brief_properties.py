"""Any brief keeps the contract: spans resolve, extractive items equal their
spans, listed sources exist, nothing comes from removed boilerplate."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.brief import brief_articles
from newsweave.evaluate.contract import contract_violations
from newsweave.model import Article
from newsweave.render.json import brief_to_dict

SENTENCES = [
    "The minister met the president in Paris on Monday for talks that lasted nearly six hours.",
    "Officials said the meeting lasted about five hours and ended without an agreement.",
    '"We made real progress," the minister told reporters after the talks.',
    "At least 12 people were killed when the building collapsed, police said on Tuesday.",
    "Police said 14 people died in the collapse of the building on Tuesday.",
    "The company paid $43,350 in fines last year, according to records.",
    "Sign up to our newsletter for the latest news in your inbox.",
    "Advertisement",
    "The president (Pool via AP)",
    "Jane Doe contributed.",
    "« Nous avons parlé », a-t-il dit, before leaving for Berlin on Wednesday.",
    "He said the talks would continue next month in Geneva.",
    "",
]
ARTICLE = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8).map(lambda parts: "\n\n".join(parts))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARTICLE, min_size=1, max_size=4))
def test_any_brief_keeps_the_contract(texts: list[str]) -> None:
    articles = [Article(id=f"s{k}", text=text, origin=f"s{k}") for k, text in enumerate(texts)]
    outcome = brief_articles(articles)
    assert len(outcome.rejected) + (len(outcome.brief.sources) if outcome.brief else 0) == len(articles)
    if outcome.brief is not None:
        brief = json.loads(json.dumps(brief_to_dict(outcome.brief)))
        assert contract_violations(brief) == []
