"""A day told as a story reads by where the day was spent."""

from __future__ import annotations

import pytest

from recovery.understanding.activity_words import find_activity_phrases
from recovery.understanding.folding import fold


def _levels(text: str) -> set[int]:
    return {phrase.level for phrase in find_activity_phrases(fold(text).text)}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("she hasn't gotten out of bed", 1),
        ("did my crossword from bed", 1),
        ("dozed off and on most of the day", 1),
        ("se pasó el día acostada", 1),
        ("Grandma was in her lift chair", 2),
        ("haven't set foot outside", 2),
        ("no ha salido", 2),
        ("walked over to the church with the walker", 3),
        ("picked up groceries", 3),
        ("fuimos al mercado", 3),
        ("went back to work", 4),
        ("shoveled the snow", 4),
        ("jugamos boliche", 4),
    ],
)
def test_a_day_story_gives_the_level_of_where_it_was_spent(text: str, level: int) -> None:
    assert level in _levels(text)


@pytest.mark.parametrize(
    "text",
    [
        "hoping to go bowling on saturday",
        "can I walk to the store yet?",
        "watched the tennis on tv",
        "my son went to the pharmacy for me",
        "dormí en el sillón",
    ],
)
def test_a_trip_planned_asked_watched_or_made_for_the_patient_is_no_level(text: str) -> None:
    assert _levels(text) <= {2}
    assert 3 not in _levels(text) and 4 not in _levels(text)
