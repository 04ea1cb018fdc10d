"""Scoring the understanding on a corpus of replies written by someone who never saw it.

Each case of such a corpus (corpora/unseen.json) gives a text, the question last asked, and
what a careful nurse would take from it: the answers, the warning-sign outcome, a keyword,
and whether a nurse must read it. A case is right when the answers, the warning-sign
severity and the keyword all match. Run ``python -m tests.recovery.understanding.scoring``
to print the score per kind of reply, and each wrong case with ``--wrong``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recovery.understanding.parsing import Reading
from recovery.understanding.understand import Understanding, understand

CORPORA = Path(__file__).with_name("corpora")


@dataclass(frozen=True)
class Outcome:
    """What the service takes from one text, in the corpus's terms."""

    pain: int | None
    activity: int | None
    sign: str
    keyword: str | None
    nurse_reads: bool


def outcome_of(text: str, asked: str) -> Outcome:
    """The outcome of one text, as the conversation acts on it."""
    expecting = asked if asked in ("pain", "activity") else None
    found = understand(text, expecting)  # type: ignore[arg-type]
    reading = found.reading
    sign = "urgent" if found.is_urgent else "negated" if found.signs else "none"
    return Outcome(
        pain=reading.pain,
        activity=reading.activity,
        sign=sign,
        keyword=_keyword(found),
        nurse_reads=_reaches_a_nurse(found, expecting is not None),
    )


def _keyword(found: Understanding) -> str | None:
    if found.keyword is not None:
        return str(found.keyword)
    if found.asks_to_stop:
        return "opt_out"
    if found.asks_to_start:
        return "opt_in"
    return "help" if found.asks_for_help else None


def _reaches_a_nurse(found: Understanding, is_open: bool) -> bool:
    """Whether a flag quoting the text is raised (at once, or after the one re-prompt)."""
    if found.is_reaction or _keyword(found) is not None:
        return bool(found.signs)
    if found.signs or found.is_comment or not is_open:
        return True
    return found.reading.pain is None and found.reading.activity is None


def is_right(case: dict[str, Any], got: Outcome) -> bool:
    """Answers, warning-sign severity and keyword all as the nurse would take them."""
    answers_match = case["asked"] == "none" or (got.pain, got.activity) == (
        case["pain"],
        case["activity"],
    )
    return answers_match and got.sign == case["sign"] and got.keyword == case["keyword"]


def load(name: str) -> list[dict[str, Any]]:
    """The cases of corpora/<name>.json."""
    data = json.loads((CORPORA / f"{name}.json").read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["cases"]
    return cases


def report(cases: list[dict[str, Any]], *, show_wrong: bool = False) -> str:
    """The score per kind, the warning-sign counts, and what it adds to nurse load."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    lines: list[str] = []
    for case in cases:
        got = outcome_of(case["text"], case["asked"])
        total[case["kind"]] += 1
        if is_right(case, got):
            right[case["kind"]] += 1
        elif show_wrong:
            lines.append(f"WRONG {case['kind']}: {case['text']!r}\n  expected {_expected(case)}")
            lines.append(f"  got      {got}")
        if case["sign"] == "urgent" and got.sign != "urgent":
            counts["urgent sign without an urgent flag"] += 1
            if not got.nurse_reads:
                counts["urgent sign reaching no nurse"] += 1
        if got.sign == "urgent" and case["sign"] != "urgent":
            counts[f"false urgent ({case['kind']})"] += 1
        counts["read by a nurse"] += got.nurse_reads
        counts["read by a nurse, not needed"] += got.nurse_reads and not case["nurse_reads"]
        counts["needed a nurse, not read"] += case["nurse_reads"] and not got.nurse_reads
    lines.append(f"{'kind':<14}{'right':>7}{'of':>5}{'%':>7}")
    for kind in sorted(total):
        lines.append(
            f"{kind:<14}{right[kind]:>7}{total[kind]:>5}{100 * right[kind] / total[kind]:>7.1f}"
        )
    all_right, all_total = sum(right.values()), sum(total.values())
    lines.append(f"{'all':<14}{all_right:>7}{all_total:>5}{100 * all_right / all_total:>7.1f}")
    lines.extend(f"{name}: {count}" for name, count in sorted(counts.items()))
    return "\n".join(lines)


def _expected(case: dict[str, Any]) -> str:
    keys = ("asked", "pain", "activity", "sign", "sign_name", "keyword", "nurse_reads")
    return ", ".join(f"{key}={case[key]}" for key in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default="unseen")
    parser.add_argument("--wrong", action="store_true", help="list each wrong case")
    parser.add_argument("--load", action="store_true", help="what comments add to nurse load")
    arguments = parser.parse_args()
    print(report(load(arguments.corpus), show_wrong=arguments.wrong))
    if arguments.load:
        print(comment_load())


def comment_load() -> str:
    """What comments add to nurse load: of the replies that answer a question and would
    otherwise reach no nurse, how many become a `patient_comment`, per corpus file."""
    from tests.recovery.understanding import corpus

    files = {
        "pain and activity answers (pain.json, activity.json)": (
            [(case[0], "pain") for case in corpus.PAIN_REPLIES]
            + [(case[0], "activity") for case in corpus.ACTIVITY_REPLIES]
        ),
        "blind and spec answers (blind.json, spec.json)": (
            [(case[0], "pain") for case in corpus.BLIND_PAIN_REPLIES + corpus.SPEC_PAIN_REPLIES]
            + [
                (case[0], "activity")
                for case in corpus.BLIND_ACTIVITY_REPLIES + corpus.SPEC_ACTIVITY_REPLIES
            ]
        ),
    }
    lines = []
    for name, texts in files.items():
        answered = comments = 0
        for text, asked in texts:
            found = understand(text, asked)  # type: ignore[arg-type]
            is_read = bool(found.signs) or found.reading == Reading()
            if is_read or found.keyword or found.asks_to_stop or found.is_reaction:
                continue
            answered += 1
            comments += found.is_comment
        lines.append(f"{name}: {comments} of {answered} answers ({100 * comments / answered:.1f}%)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
