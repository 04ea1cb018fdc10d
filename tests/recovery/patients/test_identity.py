"""Telling people apart (pure): names folded for comparison, and initials for naming a
follow-up without naming its patient."""

from __future__ import annotations

import pytest

from recovery.patients.identity import folded_name, initials


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("María López", "maria lopez"),
        ("MARÍA  LÓPEZ", " María López "),
        ("José\tNúñez", "jose nunez"),
        ("Zoë Ça", "ZOE CA"),
        # Composed and decomposed accents are the same letters.
        ("Mari\u0301a Lo\u0301pez", "Mar\u00eda L\u00f3pez"),
    ],
)
def test_names_differing_in_case_accents_or_spacing_fold_alike(one, other) -> None:
    assert folded_name(one) == folded_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Maria Lopez", "Mario Lopez"), ("Ann Lee", "Anne Lee"), ("Ann Lee", "Lee Ann")],
)
def test_different_names_stay_different(one, other) -> None:
    assert folded_name(one) != folded_name(other)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("María López", "M.L."),
        ("mario lopez", "M.L."),
        ("Ann", "A."),
        ("María de la Luz Fernández", "M.F."),
        ("Ángel  Ñúñez", "Á.Ñ."),
        ("Ann Lee (caregiver)", "A.L."),
    ],
)
def test_initials_are_the_first_and_last_words_first_letters(name, expected) -> None:
    assert initials(name) == expected
