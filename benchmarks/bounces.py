"""How well inbound mail classification agrees with the labelled bounce corpus (../shared/corpus/bounces).

Run from the repository root:

    python -m benchmarks.bounces                 # this checkout
    python -m benchmarks.bounces --baseline main # and, for comparison, the classifier of git ref "main"

Every mail goes through the classifier that `ingest_mail --dry-run` uses (parse, classify; no database:
none of the corpus mails came to one of our token addresses, so matching cannot change the kind).
Exactly one JSON object goes to stdout:

- recognised_pct: mails labelled bounce that are classified bounce;
- hard_soft_pct: failed recipients whose hard/soft agrees (a missed bounce counts as disagreeing);
- reason_pct: failed recipients whose reason agrees, after mapping the corpus' reason vocabulary
  (sisimai's) onto ours (REASON_MAP);
- false_bounces: complaints, auto-replies and success reports taken for a bounce (target 0);
- soft_as_hard / hard_as_soft: the costly and the cheap disagreement;
- confusion: {expected reason: {our reason: count}};
- baseline: the same figures for --baseline REF (its reasons are not in our vocabulary, so its
  reason_pct is null), measured in a subprocess on a `git archive` of that ref.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("DIALOGDESK_CORPUS_DIR") or REPO_ROOT.parent / "shared" / "corpus") / "bounces"

# The corpus labels (sisimai's reasons) in our vocabulary (outreach.models.BounceReason).
REASON_MAP = {
    "userunknown": "user_unknown", "hostunknown": "host_unknown", "hasmoved": "has_moved",
    "notaccept": "not_accept", "mailboxfull": "mailbox_full", "mesgtoobig": "message_too_big",
    "exceedlimit": "message_too_big", "filtered": "filtered", "blocked": "blocked", "requireptr": "blocked",
    "badreputation": "blocked", "rejected": "policy", "policyviolation": "policy", "notcompliantrfc": "policy",
    "contenterror": "policy", "spamdetected": "spam_detected", "virusdetected": "spam_detected",
    "suspend": "suspended", "expired": "expired", "toomanyconn": "too_many_connections",
    "authfailure": "authentication_failure", "networkerror": "network_error", "securityerror": "security_error",
    "systemerror": "system_error", "mailererror": "system_error", "syntaxerror": "system_error",
    "norelaying": "relaying_denied", "speeding": "rate_limited", "undefined": "undefined", "onhold": "undefined",
}


def corpus_entries(corpus: Path) -> list[dict]:
    with open(corpus / "expected.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _ours_for(expected: dict, index: int, ours: list[dict]) -> dict | None:
    """Our recipient for an expected one: same address, else the same position, else the only one."""
    address = (expected.get("recipient") or "").lower()
    for recipient in ours:
        if address and (recipient.get("address") or "").lower() == address:
            return recipient
    if len(ours) == 1:
        return ours[0]
    return ours[index] if index < len(ours) else None


def corpus_score(entries: list[dict], results: dict[str, dict]) -> dict:
    """results: file -> {"kind", "recipients": [{"address", "hard", "reason"}]} (the dry run's JSON)."""
    bounce_mails = recognised = recipients = hard_agree = reason_agree = 0
    soft_as_hard = hard_as_soft = 0
    false_bounces, missed, wrong_hard = [], [], []
    confusion: dict[str, Counter] = defaultdict(Counter)
    for entry in entries:
        result = results[entry["file"]]
        kinds = {e["kind"] for e in entry["expected"]}
        if "bounce" not in kinds:
            if result["kind"] == "bounce" and any(r.get("action", "failed") == "failed"
                                                  for r in result.get("recipients", [])):
                false_bounces.append(entry["file"])
            continue
        bounce_mails += 1
        is_bounce = result["kind"] == "bounce"
        recognised += is_bounce
        if not is_bounce:
            missed.append(entry["file"])
        ours = result.get("recipients", []) if is_bounce else []
        for index, expected in enumerate(e for e in entry["expected"] if e["kind"] == "bounce"):
            recipients += 1
            mine = _ours_for(expected, index, ours)
            want = REASON_MAP.get(expected["reason"], "undefined")
            got = (mine or {}).get("reason") or "-" if mine else "(missed)"
            confusion[want][got] += 1
            reason_agree += got == want
            if mine is not None and bool(mine.get("hard")) == bool(expected["hard"]):
                hard_agree += 1
            else:
                wrong_hard.append(f"{entry['file']}: {expected['reason']} -> {got}")
                if mine is not None and mine.get("hard"):
                    soft_as_hard += 1
                else:
                    hard_as_soft += 1
    return {
        "mails": len(entries), "bounce_mails": bounce_mails, "failed_recipients": recipients,
        "recognised_pct": round(100 * recognised / max(bounce_mails, 1), 1),
        "hard_soft_pct": round(100 * hard_agree / max(recipients, 1), 1),
        "reason_pct": round(100 * reason_agree / max(recipients, 1), 1),
        "soft_as_hard": soft_as_hard, "hard_as_soft": hard_as_soft,
        "false_bounces": false_bounces, "missed": missed, "hard_soft_disagreements": wrong_hard,
        "confusion": {want: dict(got.most_common()) for want, got in sorted(confusion.items())},
    }


def confusion_table(score: dict) -> str:
    """The per-reason confusion as text, one expected reason a line, for test output."""
    lines = [f"{'expected':24} {'n':>3}  ours"]
    for want, got in score["confusion"].items():
        total = sum(got.values())
        lines.append(f"{want:24} {total:>3}  " + ", ".join(f"{reason} {count}" for reason, count in got.items()))
    return "\n".join(lines)


def classify_corpus(corpus: Path, entries: list[dict]) -> dict[str, dict]:
    """Each mail through parse + classify, the way the dry run does it, as the dry run's JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    django.setup()
    from outreach.inbound.classify import classify

    try:
        from outreach.inbound.mail import read_mail
    except ImportError:  # the baseline, before the one parsed value
        from outreach.inbound.parse import parse as read_mail

    results = {}
    for entry in entries:
        raw = (corpus / entry["file"]).read_bytes()
        classification = classify(read_mail(raw))
        results[entry["file"]] = {"kind": classification.kind,
                                  "recipients": [r.as_dict() for r in classification.recipients]}
    return results


def _baseline(ref: str, corpus: Path) -> dict:
    """The same measure on a `git archive` of ref, in a subprocess (its modules shadow ours)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", ref], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        (Path(tmp) / "benchmarks").mkdir(exist_ok=True)
        (Path(tmp) / "benchmarks" / "bounces.py").write_bytes(Path(__file__).read_bytes())
        env = {**os.environ, "PYTHONPATH": tmp, "DIALOGDESK_VAR_DIR": tmp}
        out = subprocess.run([sys.executable, "-m", "benchmarks.bounces", "--corpus", str(corpus)],
                             cwd=tmp, env=env, check=True, capture_output=True, text=True)
    score = json.loads(out.stdout)
    score["reason_pct"] = None  # its reasons are free text, not our vocabulary
    score.pop("confusion", None)
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--baseline", metavar="REF", help="also measure the classifier of this git ref")
    parser.add_argument("--verbose", action="store_true", help="keep the lists of missed and disagreeing mails")
    args = parser.parse_args()
    if not (args.corpus / "expected.jsonl").is_file():
        raise SystemExit(f"no corpus at {args.corpus} (see ../shared/corpus/bounces/README.md)")
    entries = corpus_entries(args.corpus)
    score = corpus_score(entries, classify_corpus(args.corpus, entries))
    if not args.verbose:
        for key in ("missed", "hard_soft_disagreements"):
            score[key] = len(score[key])
    if args.baseline:
        baseline = _baseline(args.baseline, args.corpus)
        score["baseline"] = {key: baseline[key] for key in (
            "recognised_pct", "hard_soft_pct", "reason_pct", "soft_as_hard", "hard_as_soft", "false_bounces")}
        score["baseline"]["ref"] = args.baseline
    json.dump(score, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
