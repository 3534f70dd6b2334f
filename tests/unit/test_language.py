"""Behaviour of the language detector: determinism, robustness, threads, priors, foreign text."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import moderation.language as language
from moderation.language import LanguageDetector, LanguageResult
from moderation.language.text import tokens

REPO = Path(__file__).resolve().parents[2]
SITE = ("en", "es", "pt")
# Short, ambiguous and script-mixed texts: where a sampling detector would wobble between runs.
SAMPLES = [
    "Obrigado!",
    "casa",
    "de",
    "no sé",
    "comida boa",
    "la casa blanca",
    "muito bom mesmo",
    "THANK YOU SO MUCH",
    "este producto es muy bueno para todos",
    "Bonjour à tous, je suis tout à fait d'accord avec vous",
    "Привет, как дела у тебя сегодня",  # noqa: RUF001
    "perfecto 👍👍 www.example.com",
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(SITE)


def _answers(detector: LanguageDetector) -> list[list[object]]:
    return [list(_as_tuple(detector.detect(text))) for text in SAMPLES]


def _as_tuple(result: LanguageResult) -> tuple[str, float, bool, str, bool]:
    return (
        result.code,
        round(result.confidence, 9),
        result.moderated,
        result.reason,
        result.failed,
    )


def test_same_answers_in_another_process(detector: LanguageDetector) -> None:
    # A plain process: the detector needs no Flask (nor pytest) to give the same answers.
    script = (
        "import dataclasses, json, sys; sys.path.insert(0, sys.argv[1]);"
        "from moderation.language import LanguageDetector;"
        "detector = LanguageDetector(json.loads(sys.argv[2]));"
        "answers = [dataclasses.astuple(detector.detect(t)) for t in json.loads(sys.argv[3])];"
        "print(json.dumps({'answers': answers, 'flask': 'flask' in sys.modules}))"
    )
    # Another hash seed than ours: set iteration order and sampling must not matter.
    ours = os.environ.get("PYTHONHASHSEED", "random")
    env = {**os.environ, "PYTHONHASHSEED": "1" if ours == "0" else "0"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(REPO), json.dumps(SITE), json.dumps(SAMPLES)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    other = json.loads(done.stdout)
    rounded = [[code, round(confidence, 9), *rest] for code, confidence, *rest in other["answers"]]
    assert rounded == json.loads(json.dumps(_answers(detector)))
    assert other["flask"] is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "🙂🙂🙂 🎉",
        "https://example.com/some/path?q=1",
        "www.example.org",
        "someone@example.com",
        "@maria #promo",
        "1234 5678 90,00",
        "!!!???...",
        "x" * 100_000,
        "\ud800\x00\u200b",
    ],
)
def test_no_evidence_is_undetermined_and_never_raises(
    detector: LanguageDetector, text: str
) -> None:
    result = detector.detect(text)
    assert result.code == "und"
    assert result.moderated
    assert result.confidence == 0.0
    assert result.reason


@pytest.mark.parametrize("priors", [(), ("xx", ""), ("pt", "es", "en", "fr")])
def test_odd_input_never_raises(detector: LanguageDetector, priors: tuple[str, ...]) -> None:
    for text in ["\ud800 broken surrogate", "a", "é", "a" * 5000 + " b", "ß" * 31, "\u0301" * 10]:
        result = detector.detect(text, priors=priors)
        assert isinstance(result, LanguageResult)
        assert 0.0 <= result.confidence <= 1.0


def test_huge_comment_is_detected_without_raising(detector: LanguageDetector) -> None:
    text = "Eu gostei muito deste artigo, obrigado pela informação. " * 2000  # about 110 kB
    result = detector.detect(text)
    assert (result.code, result.moderated) == ("pt", True)
    assert 0.0 <= result.confidence <= 1.0


def test_links_mentions_digits_and_emoji_are_not_evidence(detector: LanguageDetector) -> None:
    noisy = (
        "@johnsmith www.bestprices.com https://shop.example.com #sale 2024 🎉 muchas gracias amigo"
    )
    assert detector.detect(noisy).code == "es"


def test_all_caps_is_folded(detector: LanguageDetector) -> None:
    assert detector.detect("ESTE ARTIGO ESTÁ MUITO BEM ESCRITO").code == "pt"
    assert detector.detect("THIS ARTICLE IS REALLY WELL WRITTEN").code == "en"


def test_threads_detect_from_a_cold_start() -> None:
    expected = _answers(LanguageDetector(SITE))
    # Forget every shared table so the threads race to build them, as at a worker's start-up.
    language._model.cache_clear()
    language._all_profiles.cache_clear()
    language._profiles.cache_clear()
    barrier = threading.Barrier(16)
    results: list[list[list[object]]] = []
    models: set[int] = set()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            built = LanguageDetector(SITE)
            models.add(id(built._model))
            results.append([_answers(built) for _ in range(3)][-1])
        except BaseException as error:  # collected: an exception in a thread would be lost
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(results) == 16
    assert all(answer == expected for answer in results)
    assert len(models) == 1


def test_one_shared_detector_across_threads(detector: LanguageDetector) -> None:
    expected = _answers(detector)
    results: list[list[list[object]]] = []
    threads = [
        threading.Thread(target=lambda: results.append(_answers(detector))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [expected] * 8


def test_priors_settle_a_one_word_comment(detector: LanguageDetector) -> None:
    # "casa" is a Spanish and a Portuguese word: only the context can tell.
    assert detector.detect("casa", priors=("es",)).code == "es"
    assert detector.detect("casa", priors=("pt", "pt")).code == "pt"
    assert detector.detect("Obrigado!", priors=("pt",)).code == "pt"
    without = detector.detect("casa")
    with_prior = detector.detect("casa", priors=("es",))
    assert with_prior.code != without.code or with_prior.confidence > without.confidence


def test_priors_do_not_overrule_a_sentence(detector: LanguageDetector) -> None:
    sentence = "Muchas gracias por el artículo, me ha parecido muy interesante."
    assert detector.detect(sentence, priors=("pt", "pt")).code == "es"


def test_unknown_priors_are_ignored(detector: LanguageDetector) -> None:
    assert detector.detect("muchas gracias", priors=("xx", "", "EN-us")).code == "es"


def test_foreign_language_gets_a_reason(detector: LanguageDetector) -> None:
    text = "Bonjour à tous, je suis tout à fait d'accord avec cet article, merci beaucoup."
    result = detector.detect(text)
    assert (result.code, result.moderated) == ("fr", False)
    assert result.reason == "language not moderated here: fr"


def test_foreign_script_gets_a_reason(detector: LanguageDetector) -> None:
    result = detector.detect("Привет, как дела у тебя сегодня? Всё хорошо, спасибо.")  # noqa: RUF001
    assert (result.code, result.moderated) == ("ru", False)
    assert result.reason == "language not moderated here: ru"


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("pl", "Dziękuję bardzo za ten artykuł, bardzo mi się podobał i zgadzam się z autorem."),
        ("tr", "Makale için çok teşekkür ederim, çok beğendim ve yazara katılıyorum."),  # noqa: RUF001
    ],
)
def test_a_language_outside_the_model_is_named(
    detector: LanguageDetector, code: str, text: str
) -> None:
    # The word + letter model knows eight languages; langdetect names the other Latin-script ones.
    result = detector.detect(text)
    assert (result.code, result.moderated) == (code, False)


def test_a_site_language_amid_another_script_is_still_moderated(
    detector: LanguageDetector,
) -> None:
    # Mostly Chinese letters, yet the words langdetect can weigh are Spanish.
    result = detector.detect("文章 谢谢 ciudad 文章 你好 谢谢 gracias 谢谢 文章")
    assert (result.code, result.moderated) == ("es", True)


def test_a_site_language_is_moderated_with_a_readable_reason() -> None:
    result = LanguageDetector(("en", "fr")).detect("Je suis tout à fait d'accord avec vous.")
    assert (result.code, result.moderated) == ("fr", True)
    assert result.reason.startswith("French (")


def test_unknown_site_language_is_refused() -> None:
    with pytest.raises(ValueError, match="xx"):
        LanguageDetector(("en", "xx"))
    with pytest.raises(ValueError):
        LanguageDetector(())


def test_the_stored_model_gives_the_recorded_answers() -> None:
    # Recorded with the model before its storage changed (JSON, then arrays): every score the
    # word + letter model gives, to the last bit, and every answer, must be what it was.
    golden = json.loads((REPO / "tests" / "fixtures" / "language-golden.json").read_text("utf-8"))
    detector = LanguageDetector(golden["site"])
    model = detector._model
    digest = hashlib.sha256()
    for text in golden["texts"]:
        if words := model.split(tokens(text)):
            digest.update(model.token_scores(words).tobytes())
    assert digest.hexdigest() == golden["token_scores_sha256"]
    results = [detector.detect(text, priors=golden["priors"]) for text in golden["texts"]]
    assert not any(result.failed for result in results)
    # Recorded as (code, confidence, moderated, reason), before results could say `failed`.
    assert [list(_as_tuple(result)[:4]) for result in results] == golden["answers"]
