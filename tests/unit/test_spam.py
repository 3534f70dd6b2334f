"""The spam classifier: scores and reasons, fast path, learning, storage, CSV reader and CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import sklearn
import skops.io
from flask.testing import FlaskCliRunner

from moderation.spam import (
    LabelledCsvError,
    Metrics,
    SpamContext,
    SpamModel,
    corpora,
    features,
    promotion_check,
    read_labelled_csv,
)
from moderation.spam.model import BUNDLED_SIDECAR, design, prepare

SHARED_DATA = Path(
    os.environ.get("TERTULIA_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
needs_corpora = pytest.mark.skipif(
    not (SHARED_DATA / "spam").is_dir(), reason=f"shared corpora not found in {SHARED_DATA}"
)

PHONE_SPAM = (
    "Delta airlines customer service number +1-888-720-4513, call now for cancellations "
    "and refunds 24/7"
)
ANGRY = (
    "This is a disgrace. The mayor lied to every one of us about the housing plan and the "
    "council just nodded along. Resign, all of you!"
)


@pytest.fixture(scope="module")
def model() -> SpamModel:
    return SpamModel.bundled()


def test_bundled_is_cached(model: SpamModel) -> None:
    assert SpamModel.bundled() is model
    assert 0 < model.borderline < model.threshold < 1
    assert model.version.startswith("spam-")


def test_phone_number_spam_scores_high_with_reasons(model: SpamModel) -> None:
    result = model.score(PHONE_SPAM)
    assert result.score >= model.threshold
    assert "phone number" in result.reasons
    assert any(reason.startswith("phrase: customer service number") for reason in result.reasons)
    assert result.model_version == model.version
    assert result.top_features and result.top_features[0][1] > 0


@pytest.mark.parametrize(
    "text",
    [
        "Great article, thanks for sharing! Visit my blog for more tips: "
        "https://best-seo-tips-2024.blogspot.com",
        "Ganhe dinheiro com criptomoedas trabalhando de casa, R$ 3.000 por semana: "
        "lucro-facil.online",
        "Préstamos rápidos sin aval, aprobación en 10 minutos, escríbenos al +52 55 4321 8765",
    ],
)
def test_article_comment_spam_in_three_languages(model: SpamModel, text: str) -> None:
    result = model.score(text)
    assert result.score >= model.threshold, result
    assert result.reasons


@pytest.mark.parametrize(
    "text",
    [
        ANGRY,
        "Vergonzoso. El gobierno recorta en sanidad y educación mientras rescata a los bancos.",
        "Que absurdo! Esse prefeito é um mentiroso e a câmara é cúmplice.",
        "Thanks!",
        "Correction: the law passed in 2022. Source: https://www.legislation.gov.uk/ukpga/2022/1",
    ],
)
def test_genuine_comments_stay_out_of_the_spam_folder(model: SpamModel, text: str) -> None:
    assert model.score(text).score < model.threshold


def test_context_adds_reasons_and_raises_the_score(model: SpamModel) -> None:
    text = "I agree with the previous comment, check the figures again."
    plain = model.score(text)
    context = SpamContext(
        article_language="es",
        comment_language="en",
        repeats_recent_comment=True,
        recent_posts_from_client=6,
    )
    scored = model.score(text, context)
    assert scored.score > plain.score
    assert "repeats a recent comment" in scored.reasons
    assert "language en, article in es" in scored.reasons
    assert "7 comments from this client in 10 minutes" in scored.reasons
    assert model.score(text, SpamContext(recent_posts_from_client=2)).score == plain.score


def test_structural_checks_name_what_they_found() -> None:
    found = features.extract(
        "Best deals http://cheap.example.com/a and http://cheap.example.com/b "
        "<a href='https://bit.ly/x'>cheap flights</a> mail me: deals@example.com  WOW!!!!!"
    )
    assert "3 links to one domain (cheap.example.com)" not in found.reasons  # bit.ly differs
    assert "2 links to one domain (cheap.example.com)" in found.reasons
    assert "link shortener" in found.reasons
    assert 'link text "cheap flights"' in found.reasons
    assert "email address in the body" in found.reasons
    assert "repeated characters" in found.reasons
    assert len(found.values) == len(features.FEATURE_NAMES)
    assert features.extract("Thanks, see page 12 of the 2021 report.").reasons == ()


def test_video_links_are_counted_apart_and_bait_is_named() -> None:
    names = features.FEATURE_NAMES
    clip = features.extract("Full session: https://youtu.be/abc123 from minute 40")
    assert clip.values[names.index("links")] == 0.0
    assert clip.values[names.index("video links")] > 0
    assert clip.reasons == ("1 link (youtu.be)",)
    other = features.extract("Cheap pills at http://pills.example.com")
    assert other.values[names.index("links")] > 0
    assert other.values[names.index("video links")] == 0.0
    bait = features.extract("Like this comment if you are watching in 2015")
    assert bait.values[names.index("phrase: engagement bait")] == 1.0
    assert "phrase: like this comment" in bait.reasons


def test_digits_are_reduced_to_their_shape() -> None:
    assert prepare("2,000,000,000 views in 2015") == "0,000,000,000 views in 0000"
    assert prepare("call 07781482378") == "call 0000"


def test_fast_path_equals_the_sklearn_pipeline(model: SpamModel) -> None:
    texts = [e.text for e in corpora.comments()]
    texts += [
        "",
        "   ",
        "ÁÉÍÓÚ ñ ç ão ÇÃO!!! 😀😀😀 <b>bold</b> &amp; &#39;quoted&#39;",
        "x" * 6000,
        "a " * 300,
        "https://example.com/" + "path/" * 40,
    ]
    expected = model.pipeline.decision_function(design(texts))
    fast = np.array([model.base_logit(t) for t in texts])
    assert np.max(np.abs(expected - fast)) < 1e-9


def test_learning_moves_a_near_duplicate(model: SpamModel) -> None:
    spam = (
        "Join the Harbour Lights residents savings club, members get 40% off, ask Marta for details"
    )
    near = "Join the Harbour Lights residents savings club: members get 40 percent off, ask Marta"
    before = model.score(near).score
    learned = model.learn([(spam, True)] * 3 + [(ANGRY, False)])
    after = learned.score(near).score
    assert after > before + 0.2, (before, after)
    assert learned is not model and model.score(near).score == before  # self is not mutated
    assert learned.version != model.version and learned.version.startswith(model.version)
    assert learned.score(ANGRY).score < model.threshold


def test_a_version_that_loses_genuine_comments_is_not_promoted(model: SpamModel) -> None:
    recent = [(ANGRY, False), ("Thanks, very clear.", False), (PHONE_SPAM, True)]
    spoiled = model.learn([(ANGRY, True)] * 20)  # a moderator's mis-clicks
    ok, reason = promotion_check(model, spoiled, recent)
    assert not ok and "genuine comments" in reason
    better = model.learn([("Join the savings club, ask Marta", True)])
    assert promotion_check(model, better, recent)[0]
    assert not promotion_check(model, better, [])[0]


def test_learned_model_round_trips_through_bytes(model: SpamModel) -> None:
    learned = model.learn([("cheap tickets at fly-cheap-now dot com", True), ("thanks!", False)])
    loaded = SpamModel.from_bytes(learned.to_bytes())
    assert loaded.version == learned.version
    assert loaded.site.weights == learned.site.weights
    text = "cheap tickets at fly-cheap-now dot com today"
    assert loaded.score(text).score == pytest.approx(learned.score(text).score, abs=1e-12)


def test_loading_refuses_untrusted_types() -> None:
    evil = skops.io.dumps({"format": 1, "pipeline": Metrics(1, 0, 0, 0)})
    with pytest.raises(skops.io.exceptions.UntrustedTypesFoundException):
        SpamModel.from_bytes(evil)


def test_sidecar_describes_the_bundled_model(model: SpamModel) -> None:
    sidecar = json.loads(BUNDLED_SIDECAR.read_text(encoding="utf-8"))
    assert sidecar["version"] == model.version
    assert sidecar["versions"]["scikit-learn"] == sklearn.__version__
    files = {f["path"]: f for f in sidecar["training"]["files"]}
    assert "spam/sms-en/SMSSpamCollection" in files
    assert all(len(f["sha256"]) == 64 and f["rows"] > 0 for f in files.values())
    held_out = sidecar["metrics"]["held_out_corpus"]
    assert {"precision", "recall", "f1", "mcc", "confusion"} <= held_out.keys()


def test_metrics_from_a_known_confusion_matrix() -> None:
    metrics = Metrics(tp=8, fp=2, tn=85, fn=5)
    assert metrics.precision == pytest.approx(0.8)
    assert metrics.recall == pytest.approx(8 / 13)
    assert metrics.mcc == pytest.approx((8 * 85 - 2 * 5) / np.sqrt(10 * 13 * 87 * 90))
    assert metrics.as_dict()["confusion"] == {"tp": 8, "fp": 2, "tn": 85, "fn": 5}
    assert Metrics(0, 0, 0, 0).mcc == 0.0


def _csv(tmp_path: Path, content: str, name: str = "labels.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_read_labelled_csv_accepts_both_label_styles(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'text,label\n"hello, world",ham\nbuy now,SPAM\nok,0\nwin,1\n')
    assert read_labelled_csv(path) == [
        ("hello, world", False),
        ("buy now", True),
        ("ok", False),
        ("win", True),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("body,label\nhi,ham\n", "line 1: header must name the columns text and label"),
        ("text,label\nhi,ham\nbye,maybe\n", "line 3: label must be spam, ham, 1 or 0"),
        ("text,label\nhi,ham\nbye\n", "line 3: expected 2 fields, found 1"),
        ("text,label\nhi,ham\n,spam\n", "line 3: empty text"),
        ("text,label\n", "no labelled rows"),
    ],
)
def test_read_labelled_csv_names_the_bad_line(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(LabelledCsvError, match=message):
        read_labelled_csv(_csv(tmp_path, content))


def test_read_labelled_csv_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\nok,ham\nol\xe1,spam\n".encode("latin-1"))
    with pytest.raises(LabelledCsvError, match="line 3: not UTF-8"):
        read_labelled_csv(path)


def test_evaluate_command_prints_metrics(tmp_path: Path, runner: FlaskCliRunner) -> None:
    # Through the app: `evaluate` scores the site's model, which lives in its database.
    path = _csv(tmp_path, f'text,label\n{ANGRY.replace(",", "")},ham\n"{PHONE_SPAM}",spam\n')
    result = runner.invoke(args=["spam", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    for word in ("precision", "recall", "F1", "MCC", "confusion matrix"):
        assert word in result.output
    result = runner.invoke(args=["spam", "evaluate", str(path), "--json"])
    report = json.loads(result.output)
    assert report["confusion"] == {"tp": 1, "fp": 0, "tn": 1, "fn": 0}
    assert report["mcc"] == 1.0


def test_evaluate_command_rejects_a_malformed_csv(tmp_path: Path, runner: FlaskCliRunner) -> None:
    path = _csv(tmp_path, "text,label\nfine,ham\nbad,perhaps\n")
    result = runner.invoke(args=["spam", "evaluate", str(path)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "perhaps" in result.output


def test_train_command_explains_missing_data(tmp_path: Path, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["spam", "train", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "no shared spam corpora" in result.output


def test_corpus_has_both_splits_and_three_languages() -> None:
    rows = corpora.comments()
    assert {e.split for e in rows} == {"train", "test"}
    assert {e.language for e in rows} == {"en", "es", "pt"}
    assert {e.spam for e in corpora.comments("test")} == {True, False}


@pytest.mark.corpora
@needs_corpora
def test_shared_corpora_load_with_the_documented_sizes() -> None:
    assert sum(len(corpora.youtube(SHARED_DATA, name)) for name in corpora.YOUTUBE_FILES) == 1586
    sms = corpora.sms_en(SHARED_DATA)
    assert (len(sms), sum(e.spam for e in sms)) == (5574, 747)
    assert len(corpora.sms_pt(SHARED_DATA)) == 5572
    assert len(corpora.spanish(SHARED_DATA)) > 1000
