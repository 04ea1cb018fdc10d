"""A corpus of patient replies, read the way a nurse would read them.

The cases live as data in corpora/ beside this file (read by corpus.py): pain.json and
activity.json (answers), signs.json (warning signs), keywords.json (keywords and requests to
stop), and blind.json and spec.json (replies written without looking at the others, to check
that reading generalizes).
"""

from __future__ import annotations

import pytest

from recovery.understanding.keywords import (
    is_help_request,
    is_start_request,
    is_stop_request,
    match_keyword,
)
from recovery.understanding.parsing import Reading, read_reply
from recovery.understanding.warning_signs import find_warning_signs
from tests.recovery.understanding import corpus

PAIN_REPLIES = (
    corpus.PAIN_REPLIES
    + corpus.BLIND_PAIN_REPLIES
    + corpus.SECOND_PAIN_REPLIES
    + corpus.SPEC_PAIN_REPLIES
)
ACTIVITY_REPLIES = (
    corpus.ACTIVITY_REPLIES
    + corpus.BLIND_ACTIVITY_REPLIES
    + corpus.SECOND_ACTIVITY_REPLIES
    + corpus.SPEC_ACTIVITY_REPLIES
)
SIGN_TEXTS = (
    corpus.SIGN_TEXTS + corpus.BLIND_SIGN_TEXTS + corpus.SECOND_SIGN_TEXTS + corpus.SPEC_SIGN_TEXTS
)
KEYWORD_TEXTS = (
    corpus.KEYWORD_TEXTS
    + corpus.BLIND_KEYWORD_TEXTS
    + corpus.SECOND_KEYWORD_TEXTS
    + corpus.SPEC_KEYWORD_TEXTS
)


def _ids(cases: list[tuple[object, ...]]) -> list[str]:
    return [repr(case[0]) for case in cases]


@pytest.mark.parametrize(("text", "pain", "activity"), PAIN_REPLIES, ids=_ids(PAIN_REPLIES))
def test_corpus_reply_to_the_pain_question_reads_as_a_nurse_would(
    text: str, pain: int | None, activity: int | None
) -> None:
    assert read_reply(text, "pain") == Reading(pain=pain, activity=activity)


@pytest.mark.parametrize(("text", "pain", "activity"), ACTIVITY_REPLIES, ids=_ids(ACTIVITY_REPLIES))
def test_corpus_reply_to_the_activity_question_reads_as_a_nurse_would(
    text: str, pain: int | None, activity: int | None
) -> None:
    assert read_reply(text, "activity") == Reading(pain=pain, activity=activity)


@pytest.mark.parametrize(("text", "outcome", "sign"), SIGN_TEXTS, ids=_ids(SIGN_TEXTS))
def test_corpus_text_raises_the_warning_a_nurse_would(
    text: str, outcome: str, sign: str | None
) -> None:
    found = find_warning_signs(text)
    reported = [s.sign for s in found if not s.is_negated]
    denied = [s.sign for s in found if s.is_negated]
    if outcome == "urgent":
        assert sign in reported
    elif outcome == "negated":
        assert (reported, sign in denied) == ([], True)
    else:
        assert found == []


@pytest.mark.parametrize(("text", "outcome"), KEYWORD_TEXTS, ids=_ids(KEYWORD_TEXTS))
def test_corpus_keyword_or_request_is_obeyed_as_meant(text: str, outcome: str | None) -> None:
    keyword = match_keyword(text)
    if keyword is not None:
        assert keyword.value == outcome
    elif is_stop_request(text):
        assert outcome == "opt_out"
    elif is_help_request(text):
        assert outcome == "help"
    elif is_start_request(text):
        assert outcome == "opt_in"
    else:
        assert outcome is None
