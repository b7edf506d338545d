"""Every mail of the labelled bounce corpus (../shared/corpus/bounces) through the dry run, scored.

The floors sit a little under today's figures on the open half (python -m benchmarks.bounces prints them),
so a change that makes classification worse fails here, with the per-reason confusion table in the
message. The corpus' own labels are another parser's (see its README): the aim is agreement, and the
hard/soft figure matters most (a soft bounce taken for hard loses a good address for ever).
"""

import pytest

from benchmarks.bounces import confusion_table, corpus_entries, corpus_score
from outreach.models import InboundMessage, MessageEvent
from outreach.services.inbound import inbound_process
from tests.corpus import corpus_folder

pytestmark = pytest.mark.django_db

FLOORS = {"recognised_pct": 98.0, "hard_soft_pct": 91.0, "reason_pct": 64.0}


def test_corpus_agreement_floors():
    folder = corpus_folder("bounces")
    entries = corpus_entries(folder)
    results = {}
    for entry in entries:
        result = inbound_process((folder / entry["file"]).read_bytes(), source="test", dry_run=True)
        assert result["kind"] != "bounce" or any(" hard, " in line or " soft, " in line or " delayed, " in line
                                                 for line in result["summary"]), entry["file"]
        results[entry["file"]] = result
    score = corpus_score(entries, results)
    table = confusion_table(score)
    print(table)  # noqa: T201 - shown with -rA / -s: the figures of this run
    report = (f"recognised {score['recognised_pct']}%, hard/soft {score['hard_soft_pct']}%, reason "
              f"{score['reason_pct']}%\nmissed: {score['missed']}\ndisagreements: {score['hard_soft_disagreements']}\n"
              f"{table}")
    assert score["false_bounces"] == [], report  # no complaint, auto-reply or success report taken for a bounce
    for key, floor in FLOORS.items():
        assert score[key] >= floor, f"{key} {score[key]} < {floor}\n{report}"
    assert not InboundMessage.objects.exists() and not MessageEvent.objects.exists()  # a dry run writes nothing


def test_complaints_and_auto_replies_of_the_corpus_keep_their_kind():
    folder = corpus_folder("bounces")
    for entry in corpus_entries(folder):
        kinds = {e["kind"] for e in entry["expected"]}
        if kinds & {"complaint", "auto_reply"}:
            result = inbound_process((folder / entry["file"]).read_bytes(), source="test", dry_run=True)
            assert result["kind"] == kinds.pop(), entry["file"]
