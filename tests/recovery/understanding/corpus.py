"""The reply corpus, read from the JSON files in corpora/ beside this module.

Each file has an "about" text and groups of cases. A case is read back as the tuple the tests
take: (reply, pain, activity) for answers, (text, outcome, sign) for warning signs, and
(text, outcome) for keywords; a sign is written by its name (LEG_WEAKNESS) and read back as
the sign itself. A "note" on a case explains it and is not part of the case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from recovery.understanding import warning_sign_patterns

CORPORA = Path(__file__).with_name("corpora")
# Each sign by the name of its constant (LEG_WEAKNESS), as the files write it.
SIGNS_BY_NAME = {
    name: value
    for name, value in vars(warning_sign_patterns).items()
    if name.isupper() and isinstance(value, str) and value in warning_sign_patterns.SIGNS
}
ANSWER_FIELDS = ("reply", "pain", "activity")
SIGN_FIELDS = ("text", "outcome", "sign")
KEYWORD_FIELDS = ("text", "outcome")


def read_case(case: dict[str, Any]) -> tuple[Any, ...]:
    """One case of a corpus file as the tuple the tests take."""
    fields = tuple(key for key in case if key != "note")
    if fields == SIGN_FIELDS:
        sign = case["sign"]
        if sign is not None and sign not in SIGNS_BY_NAME:
            raise ValueError(f"unknown sign {sign!r} in {case}; known: {sorted(SIGNS_BY_NAME)}")
        return case["text"], case["outcome"], None if sign is None else SIGNS_BY_NAME[sign]
    if fields in (ANSWER_FIELDS, KEYWORD_FIELDS):
        return tuple(case[key] for key in fields)
    raise ValueError(f"a case has {fields}, not {ANSWER_FIELDS}, {SIGN_FIELDS} or {KEYWORD_FIELDS}")


def read_groups(name: str) -> dict[str, list[tuple[Any, ...]]]:
    """The groups of corpora/<name>.json, in file order, each a list of case tuples."""
    data = json.loads((CORPORA / f"{name}.json").read_text(encoding="utf-8"))
    return {group: [read_case(case) for case in cases] for group, cases in data["groups"].items()}


def read_all(name: str) -> list[tuple[Any, ...]]:
    """Every case of corpora/<name>.json, group after group."""
    return [case for cases in read_groups(name).values() for case in cases]


_BLIND = read_groups("blind")
_SPEC = read_groups("spec")

PAIN_REPLIES = read_all("pain")
ACTIVITY_REPLIES = read_all("activity")
SIGN_TEXTS = read_all("signs")
KEYWORD_TEXTS = read_all("keywords")

BLIND_PAIN_REPLIES = _BLIND["blind_pain_replies"]
BLIND_ACTIVITY_REPLIES = _BLIND["blind_activity_replies"]
BLIND_SIGN_TEXTS = _BLIND["blind_sign_texts"]
BLIND_KEYWORD_TEXTS = _BLIND["blind_keyword_texts"]
SECOND_PAIN_REPLIES = _BLIND["second_pain_replies"]
SECOND_ACTIVITY_REPLIES = _BLIND["second_activity_replies"]
SECOND_SIGN_TEXTS = _BLIND["second_sign_texts"]
SECOND_KEYWORD_TEXTS = _BLIND["second_keyword_texts"]

SPEC_PAIN_REPLIES = _SPEC["spec_pain_replies"]
SPEC_ACTIVITY_REPLIES = _SPEC["spec_activity_replies"]
SPEC_SIGN_TEXTS = _SPEC["spec_sign_texts"]
SPEC_KEYWORD_TEXTS = _SPEC["spec_keyword_texts"]
