"""Field-by-field validation of what a commenter sends."""

from __future__ import annotations

import pytest

from moderation.pipeline import Submission, ValidationFailed, validate
from moderation.pipeline.submission import MAX_ID, parse_id, storable, unstorable_shown

GOOD = {"name": "Lucía", "email": "lucia@example.org", "body": "Muy buen artículo."}


def errors_for(raw: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate(raw)
    return caught.value.errors


def test_valid_submission_is_stripped() -> None:
    submission = validate({"name": "  Lucía ", "email": " lucia@example.org", "body": " Hola \n"})
    assert submission == Submission(name="Lucía", email="lucia@example.org", body="Hola")


def test_every_missing_field_gets_its_own_message() -> None:
    errors = errors_for({})
    assert set(errors) == {"name", "email", "body"}
    assert "never published" in errors["email"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 81, "at most 80"),
        ("name", 42, "must be text"),
        ("email", "not-an-email", "does not look like an email"),
        ("email", "two@@example.org", "does not look like an email"),
        ("email", "a b@example.org", "does not look like an email"),
        ("email", "a@" + "b" * 250 + ".org", "at most 254"),
        ("body", "   ", "Please write"),
        ("body", "y" * 5001, "at most 5000"),
        ("body", ["list"], "must be text"),
        ("parent_id", "abc", "comment number"),
        ("parent_id", True, "comment number"),
        ("parent_id", -3, "comment number"),
        ("parent_id", 2**40, "comment number"),
        ("parent_id", "²", "comment number"),
        ("parent_id", "①", "comment number"),
        ("parent_id", "9" * 5000, "comment number"),
        ("parent_id", 1.0, "comment number"),
        ("name", "Ana\x00", "not text"),
        ("email", "ana\x00@example.org", "not text"),
        ("body", "half a pair \ud83d", "not text"),
        ("page_language", "english please", "language code"),
    ],
)
def test_bad_field_is_named_with_a_message(field: str, value: object, message: str) -> None:
    errors = errors_for({**GOOD, field: value})
    assert list(errors) == [field]
    assert message in errors[field]


@pytest.mark.parametrize("value", [7, "7", " 7 "])
def test_parent_id_accepts_numbers_and_digit_strings(value: object) -> None:
    assert validate({**GOOD, "parent_id": value}).parent_id == 7


def test_client_details_are_kept_and_user_agent_is_truncated() -> None:
    submission = validate(GOOD, client_ip="203.0.113.9", user_agent="A" * 1000)
    assert submission.client_ip == "203.0.113.9"
    assert submission.user_agent == "A" * 300


def test_page_language_is_normalised() -> None:
    assert validate({**GOOD, "page_language": "PT"}).page_language == "pt"


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
