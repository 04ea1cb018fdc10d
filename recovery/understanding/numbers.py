"""Number words from zero to ten in English and Spanish, forgiving small typos."""

from __future__ import annotations

import re

from recovery.understanding.folding import word_set

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "cero": 0,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
}

# Frequent misspellings that are more than one edit away, or that the rule below refuses.
_KNOWN_MISSPELLINGS: dict[str, int] = {"sinko": 5, "dies": 10, "tress": 3}

# Misspellings that are also real words: numbers only where nothing else is said.
WEAK_NUMBER_WORDS = frozenset({"dies", "tress"})

# Real English and Spanish words one edit away from a number word of four or more letters
# (found with the wamerican and wspanish word lists), plus common inflections those lists
# lack. A patient who writes one of these means the word, not the number.
_REAL_WORDS = word_set(
    """
    acero ares bight canco caro cebo cedo cedro cefo cejo celo cenco ceno cepo cera cerco
    cerdo cereo cerf cerio cerno ceron cerro ceso cetro cinc cinca cinch cincho cine cinico
    cinto circo cisco clero cocho coro cuadro cuarto cuatri cuero diaz died diem diet dine
    dive dour echo eighth eights eighty even fice fife fight file fine fire fiver fives flour
    foir foul fours fres give gocho gres height hero hinco hive hour icho jive keven leis
    light line live mero might mine mocho neis nene nero nice nieve night nike nile nina
    nines ninez nino nipe nire nite none nueva nuevo ochoa ocio ores pero pine pocho pour
    pres reis right rocho seas secen secs seen sees seise semen semis sesen sesi sete sets
    sevens sever severn sews siege sieve sight sine sirte site skis sour steven sven tares
    tees tero thee there threes threw throe ties tight tinco tine tires tocho toes tores
    tour tras treas tree trees trek treks tren treo tress trey tries tris trues tues tyree
    vero vinco vine weight wight wine wive yero your zeno zeros zuro die fou och thr teen
    teens
    siente sienta sientes mueve nueves ceros cincos seises sietes ochos dieces treses
    fivee foure fiver lives fines fined mines lines nights rights lights
    """
)
_TYPO_MIN_LENGTH = 4


def number_word_value(word: str) -> int | None:
    """The value of a folded number word from zero to ten, allowing one small typo."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word in _KNOWN_MISSPELLINGS:
        return _KNOWN_MISSPELLINGS[word]
    if word in _REAL_WORDS or not word.isalpha():
        return None
    if len(word) < _TYPO_MIN_LENGTH:
        return _shortened_value(word)
    squeezed = _squeeze(word)
    if squeezed != word and (value := number_word_value(squeezed)) is not None:
        return value
    values = {
        value
        for name, value in NUMBER_WORDS.items()
        if len(name) >= _TYPO_MIN_LENGTH and is_one_edit_apart(word, name)
    }
    return values.pop() if len(values) == 1 else None


def _shortened_value(word: str) -> int | None:
    """ "fiv", "nin": a longer number word cut short; "svn", "thr": one without its vowels."""
    if len(word) < 3:
        return None
    values = {
        value
        for name, value in NUMBER_WORDS.items()
        if len(name) > len(word)
        and (name[:-1] == word or (_is_vowelless(word) and _consonants(name) == word))
    }
    return values.pop() if len(values) == 1 else None


def _is_vowelless(word: str) -> bool:
    """Whether a word is written without vowels, as texters shorten words ("svn", "thr")."""
    return not set(word) & set("aeiouy")


def _consonants(word: str) -> str:
    """A word without its vowels."""
    return "".join(char for char in word if char not in "aeiouy")


def _squeeze(word: str) -> str:
    """A word with each run of one repeated letter written once ("sixx", "fiiive")."""
    return re.sub(r"(\w)\1+", r"\1", word)


def is_one_edit_apart(first: str, second: str) -> bool:
    """Whether two different words differ by one insertion, deletion, change or swap."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differences = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differences) == 1:
            return True
        return _is_swap(first, second, differences)
    shorter, longer = sorted((first, second), key=len)
    pairs = enumerate(zip(shorter, longer, strict=False))
    index = next((i for i, (a, b) in pairs if a != b), len(shorter))
    return shorter[index:] == longer[index + 1 :]


def _is_swap(first: str, second: str, differences: list[int]) -> bool:
    """Whether two same-length words differ only by two neighbouring letters swapped."""
    if len(differences) != 2 or differences[1] != differences[0] + 1:
        return False
    i, j = differences
    return first[i] == second[j] and first[j] == second[i]
