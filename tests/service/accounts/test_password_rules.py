import pytest

from service.accounts.password_rules import password_problem


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa",            # one character repeated
    "abababababab",            # two characters repeated
    "short",                   # too short
    "casey.worker",            # the username
    "casey.worker2024",        # the username padded out
    "Password123456",          # a common word with digits
    "P@ssw0rd!!!!!!",          # the same with substitutions
    "passwordpassword",        # a common word repeated
    "welcome to london",       # two common words... the deny-list phrase
    "qwertyuiopasdf",          # a keyboard run
    "abcdefghijklmnop",        # the alphabet
    "123456789012",            # digits only, a run
    "Letmein2026!!",           # common phrase with a year
    "x" * 201,                 # too long
])
def test_predictable_passwords_are_refused_with_a_reason(password):
    problem = password_problem(password, username="casey.worker", full_name="Casey Worker")
    assert problem is not None and problem.startswith("Enter")


@pytest.mark.parametrize("password", [
    "correct pony saddle lantern",
    "tulip-harbour-engine",
    "Marmalade skies 1987",
    "casey.worker likes long walks by the river",  # the username inside a long passphrase
])
def test_long_unpredictable_passwords_are_accepted_without_complexity_rules(password):
    assert password_problem(password, username="casey.worker", full_name="Casey Worker") is None


def test_the_persons_name_is_refused():
    assert password_problem("WorkerWorker1", username="cw", full_name="Casey Worker") is not None
