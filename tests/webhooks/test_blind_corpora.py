"""Replies written blind from SPEC alone, through the signed webhook, scored as a nurse would.

The score per kind is printed with the test's output (`pytest -s`); the thresholds are the
promises of the understanding: no urgent warning sign that no nurse reads, no false urgent
on a near miss, and the share of replies right in every respect.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.recovery.understanding.scoring import load
from tests.webhooks.blind_corpora import score_through_webhook

# Each corpus: the least share right in every respect, and the most urgent signs without
# an urgent flag (each of them still reaches a nurse as a comment).
PROMISES = {"unseen": (0.98, 1), "holdout": (0.98, 1)}


@pytest.fixture
def database_url(sqlite_template: str, tmp_path: Path) -> str:
    """One SQLite database: the corpus is about reading, the databases are tested elsewhere."""
    path = tmp_path / "recovery.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("corpus", sorted(PROMISES))
def test_blind_replies_through_the_webhook(client, settings, runtime, corpus: str) -> None:
    least_right, most_without_urgent_flag = PROMISES[corpus]
    score = score_through_webhook(client, settings, runtime, load(corpus))
    print(f"\n{corpus}\n{score.table()}")
    assert score.counts["urgent sign reaching no nurse"] == 0, score.wrong
    assert score.counts["false urgent (near_miss)"] == 0, score.wrong
    assert score.counts["urgent sign without an urgent flag"] <= most_without_urgent_flag
    assert score.share() >= least_right, score.table()
