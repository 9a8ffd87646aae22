"""What a password must be, after the NCSC's guidance: length over complexity, no forced character
classes, no expiry, and a deny-list of the predictable (common words, the username, one repeated
character, keyboard runs)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
_DENY_LIST = Path(__file__).with_name("common_passwords.txt")
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv")


@cache
def _denied() -> frozenset[str]:
    lines = _DENY_LIST.read_text().splitlines()
    return frozenset(_letters(line) for line in lines if line.strip() and not line.startswith("#"))


def _letters(text: str) -> str:
    """Case, digits, spaces and punctuation dropped: 'Password123!' and 'pass word' both read 'password'."""
    return re.sub(r"[^a-z]", "", text.lower().replace("@", "a").replace("$", "s"))


def password_problem(password: str, *, username: str = "", full_name: str = "") -> str | None:
    """Why ``password`` is refused, in words a person can act on; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters: three random words make a good one."
    if len(password) > MAX_LENGTH:
        return f"Enter a password of at most {MAX_LENGTH} characters."
    if len(set(password)) <= 2:
        return "Enter a password that is not the same few characters repeated."
    lowered = password.lower()
    if any(_is_run(lowered, sequence) for sequence in _SEQUENCES):
        return "Enter a password that is not a run of keys or letters (like abcdef or qwerty)."
    letters = _letters(password)
    for personal in (username, *(part for part in full_name.split() if len(part) > 2)):
        # The username padded out with digits is still the username: what is left must be long enough alone.
        if personal and len(lowered.replace(personal.lower(), "")) < MIN_LENGTH and personal.lower() in lowered:
            return "Enter a password that is not your username or name."
    if not letters or _is_repeat_of_denied(letters):
        return "Enter a less common password: this one is on the list of passwords that are easy to guess."
    return None


def _is_run(password: str, sequence: str) -> bool:
    compact = re.sub(r"\s", "", password)
    looped = sequence * 3  # runs that wrap around: 1234567890123
    return compact in looped or compact in looped[::-1]


def _is_repeat_of_denied(letters: str) -> bool:
    denied = _denied()
    if letters in denied or _only_denied_words(letters, denied):
        return True
    # 'passwordpassword', 'letmeinletmein': a denied word (or any short unit) repeated.
    for size in range(1, len(letters) // 2 + 1):
        unit = letters[:size]
        if len(letters) % size == 0 and unit * (len(letters) // size) == letters and (size <= 4 or unit in denied):
            return True
    return False


def _only_denied_words(letters: str, denied: frozenset[str]) -> bool:
    """'welcometolondon', 'summermonday': nothing but common words run together."""
    words = {word for word in denied if len(word) >= 2}
    reachable = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reachable[end] = any(reachable[start] and letters[start:end] in words for start in range(max(0, end - 30), end))
    return reachable[-1]
