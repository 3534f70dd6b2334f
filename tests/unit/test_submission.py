"""Field-by-field validation of what a commenter sends."""

from __future__ import annotations

import pytest

from moderation.pipeline import Problem, Submission, ValidationFailed, validate
from moderation.pipeline.submission import MAX_ID, parse_id, storable, unstorable_shown

GOOD = {"name": "Lucía", "email": "lucia@example.org", "body": "Muy buen artículo."}


def problems_for(raw: dict[str, object]) -> dict[str, Problem]:
    with pytest.raises(ValidationFailed) as caught:
        validate(raw)
    return caught.value.problems


def test_valid_submission_is_stripped() -> None:
    submission = validate({"name": "  Lucía ", "email": " lucia@example.org", "body": " Hola \n"})
    assert submission == Submission(name="Lucía", email="lucia@example.org", body="Hola")


def test_every_missing_field_gets_its_own_problem() -> None:
    problems = problems_for({})
    assert problems == {name: Problem("required") for name in ("name", "email", "body")}


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("name", "x" * 81, Problem("too_long", {"limit": 80, "length": 81})),
        ("name", 42, Problem("not_text")),
        ("email", "not-an-email", Problem("invalid")),
        ("email", "two@@example.org", Problem("invalid")),
        ("email", "a b@example.org", Problem("invalid")),
        ("email", "a@" + "b" * 250 + ".org", Problem("too_long", {"limit": 254, "length": 256})),
        ("body", "   ", Problem("required")),
        ("body", "y" * 5001, Problem("too_long", {"limit": 5000, "length": 5001})),
        ("body", ["list"], Problem("not_text")),
        ("parent_id", "abc", Problem("invalid")),
        ("parent_id", True, Problem("invalid")),
        ("parent_id", -3, Problem("invalid")),
        ("parent_id", 2**40, Problem("invalid")),
        ("page_description", 7, Problem("not_text")),
        ("parent_id", "²", Problem("invalid")),
        ("parent_id", "①", Problem("invalid")),
        ("parent_id", "9" * 5000, Problem("invalid")),
        ("parent_id", 1.0, Problem("invalid")),
        ("name", "Ana\x00", Problem("not_storable")),
        ("email", "ana\x00@example.org", Problem("not_storable")),
        ("body", "half a pair \ud83d", Problem("not_storable")),
    ],
)
def test_bad_field_is_named_with_its_problem(field: str, value: object, problem: Problem) -> None:
    assert problems_for({**GOOD, field: value}) == {field: problem}


@pytest.mark.parametrize("value", [7, "7", " 7 "])
def test_parent_id_accepts_numbers_and_digit_strings(value: object) -> None:
    assert validate({**GOOD, "parent_id": value}).parent_id == 7


def test_client_details_are_kept_and_user_agent_is_truncated() -> None:
    submission = validate(GOOD, client_ip="203.0.113.9", user_agent="A" * 1000)
    assert submission.client_ip == "203.0.113.9"
    assert submission.user_agent == "A" * 300


@pytest.mark.parametrize(
    ("tag", "code"),
    [("PT", "pt"), ("pt-BR", "pt"), ("es_AR", "es"), ("x-klingon", None), ("english please", None),
     ("", None), (None, None), (42, None)],
)  # fmt: skip
def test_page_language_is_a_hint_an_unusual_tag_is_ignored(tag: object, code: str | None) -> None:
    # The embed sends the host page's <html lang>: a tag we cannot read must not stop a comment.
    assert validate({**GOOD, "page_language": tag}).page_language == code


def test_a_user_agent_loses_what_cannot_be_stored() -> None:
    assert validate(GOOD, user_agent="Bot\x00/1").user_agent == "Bot/1"
    assert validate(GOOD, user_agent="\x00").user_agent is None


def test_ids_are_ascii_digits_within_an_integer_column() -> None:
    assert [parse_id(v) for v in ("1", " 42 ", 7, str(MAX_ID))] == [1, 42, 7, MAX_ID]
    for odd in ("0", "-1", "²", "٣", "1e3", "9" * 11, MAX_ID + 1, True, None, "", 2.0):
        assert parse_id(odd) is None, odd


def test_storable_text_has_no_nul_and_no_lone_surrogate() -> None:
    assert storable("Olá, ¿qué tal? 👋")
    assert not storable("a\x00") and not storable("\udc80") and not storable("\ud83d")
    assert unstorable_shown("a\x00b\ud800") == "a\ufffdb\ufffd"
