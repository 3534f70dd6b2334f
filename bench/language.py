"""Language detection on held-out test data, against raw langdetect: `python -m bench.language`."""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import langdetect
from langdetect.lang_detect_exception import LangDetectException

from moderation.language import LanguageDetector

SITE = ("en", "es", "pt")
EIGHT = ("en", "es", "pt", "fr", "it", "de", "ca", "nl")
KINDS = ("single-words", "word-pairs", "sentences")
REPO = Path(__file__).resolve().parents[1]

Corpus = dict[str, dict[str, list[str]]]  # kind -> language -> texts


def shared_data() -> Path:
    """Return the shared data folder: $TERTULIA_SHARED_DATA, else ../shared/data beside the repo."""
    return Path(os.environ.get("TERTULIA_SHARED_DATA", REPO / ".." / "shared" / "data")).resolve()


def test_corpus(languages: tuple[str, ...]) -> Corpus:
    """Return the held-out lingua test texts (never trained on) for the given languages."""
    root = shared_data() / "lang"
    return {
        kind: {
            lang: (root / kind / f"{lang}.txt").read_text("utf-8").splitlines()
            for lang in languages
        }
        for kind in KINDS
    }


def dev_corpus(per_kind: int = 500, seed: int = 0) -> Corpus:
    """Return en/es/pt texts cut from the spam corpora, for tuning without touching the test set."""
    spam = shared_data() / "spam"
    sentences: dict[str, list[str]] = {"en": [], "es": [], "pt": []}
    for line in (spam / "sms-en" / "SMSSpamCollection").read_text("utf-8").splitlines():
        sentences["en"].append(line.split("\t", 1)[1])
    with (spam / "sms-pt" / "spam_br.csv").open(encoding="utf-8") as handle:
        sentences["pt"] += [row["EmailTextBR"] for row in csv.DictReader(handle)]
    for name in ("train.csv", "test.csv"):
        with (spam / "es" / name).open(encoding="utf-8") as handle:
            sentences["es"] += [row[0] for row in list(csv.reader(handle))[1:] if row]
    rng = random.Random(seed)
    corpus: Corpus = {kind: {} for kind in KINDS}
    for lang, texts in sentences.items():
        texts = sorted({t for t in texts if len(t) >= 40})
        words = [re.findall(r"[^\W\d_]{2,}", t.lower()) for t in texts]
        corpus["sentences"][lang] = rng.sample(texts, min(per_kind, len(texts)))
        flat = [w for ws in words for w in ws]
        corpus["single-words"][lang] = rng.sample(flat, per_kind)
        pairs = [f"{ws[i]} {ws[i + 1]}" for ws in words for i in range(len(ws) - 1)]
        corpus["word-pairs"][lang] = rng.sample(pairs, per_kind)
    return corpus


@dataclass
class Score:
    """Counts for one language and one kind of text."""

    right: int = 0
    undecided: int = 0
    total: int = 0
    answers: list[str] = field(default_factory=list)


Scores = dict[str, dict[str, Score]]  # kind -> language -> counts


def run(detect: Callable[[str], str], corpus: Corpus) -> tuple[Scores, float]:
    """Detect every text; return scores per kind and language, and microseconds per detection."""
    scores: Scores = {}
    count, started = 0, time.perf_counter()
    for kind, by_lang in corpus.items():
        scores[kind] = {}
        for lang, texts in by_lang.items():
            score = Score()
            for text in texts:
                code = detect(text)
                score.answers.append(code)
                score.total += 1
                score.right += code == lang
                score.undecided += code == "und"
            scores[kind][lang] = score
            count += len(texts)
    return scores, (time.perf_counter() - started) / max(count, 1) * 1e6


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / max(whole, 1):.1f}"


def table(title: str, scores: Scores) -> str:
    """Render accuracy (and share of und) per language and kind as a Markdown table."""
    languages = list(next(iter(scores.values())))
    head = "| language | " + " | ".join(KINDS) + " |"
    lines = [f"**{title}** — accuracy % (und %)", "", head, "|---" * (len(KINDS) + 1) + "|"]
    for lang in [*languages, "all"]:
        cells = []
        for kind in KINDS:
            picked = scores[kind].values() if lang == "all" else [scores[kind][lang]]
            right = sum(s.right for s in picked)
            und = sum(s.undecided for s in picked)
            total = sum(s.total for s in picked)
            cells.append(f"{_pct(right, total)} ({_pct(und, total)})")
        name = "**all**" if lang == "all" else lang
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def raw_langdetect(text: str) -> str:
    """langdetect as most code calls it: global factory, all 55 languages, seeded."""
    try:
        return str(langdetect.detect(text))
    except LangDetectException:
        return "und"


def digest(scores: Scores) -> str:
    """Return a short hash of every answer, to compare runs across processes."""
    answers = "\n".join(a for kind in scores.values() for s in kind.values() for a in s.answers)
    return hashlib.sha256(answers.encode()).hexdigest()[:16]


def with_priors(detector: LanguageDetector, corpus: Corpus, wrong: bool) -> Scores:
    """Detect every text with one article-language prior: its own language, or a wrong one."""
    languages = detector.languages
    results: Scores = {}
    for kind, by_lang in corpus.items():
        results[kind] = {}
        for lang, texts in by_lang.items():
            prior = languages[(languages.index(lang) + 1) % len(languages)] if wrong else lang

            def detect(text: str, prior: str = prior) -> str:
                return detector.detect(text, priors=(prior,)).code

            results[kind][lang] = run(detect, {kind: {lang: texts}})[0][kind][lang]
    return results


def foreign(detector: LanguageDetector) -> str:
    """Tell how often text is called "not moderated here": right for others, wrong for ours."""
    corpus = test_corpus(EIGHT)
    lines = ["| language | " + " | ".join(KINDS) + " |", "|---" * (len(KINDS) + 1) + "|"]
    for lang in EIGHT:
        cells = []
        for kind in KINDS:
            results = [detector.detect(text) for text in corpus[kind][lang]]
            flagged = sum(not r.moderated for r in results)
            named = sum(not r.moderated and r.code == lang for r in results)
            cells.append(f"{_pct(flagged, len(results))} ({_pct(named, len(results))})")
        lines.append(f"| {lang} | " + " | ".join(cells) + " |")
    site = ",".join(detector.languages)
    head = f'**Flagged "language not moderated here" by a {site} site** — % (named right %)'
    return "\n".join([head, "", *lines])


def report(
    title: str, languages: tuple[str, ...], corpus: Corpus, args: argparse.Namespace
) -> None:
    """Print our table, optionally the prior tables, and the raw langdetect reference."""
    detector = LanguageDetector(languages)

    def detect(text: str) -> str:
        return detector.detect(text).code

    scores, ours = run(detect, corpus)
    print(table(f"Tertulia, {title} ({','.join(languages)})", scores))
    print(f"\n{ours:.0f} µs per detection; answers digest {digest(scores)}\n")
    if languages == SITE and not args.dev:
        print(foreign(detector) + "\n")
    if args.priors:
        for label, wrong in (("the true", False), ("a wrong", True)):
            print(
                table(
                    f"Tertulia, {title}, with {label} article language as prior",
                    with_priors(detector, corpus, wrong),
                )
            )
            print()
    if not args.no_reference:
        raw_langdetect("warm up")  # profile loading is start-up cost, not per-detection cost
        reference, raw = run(raw_langdetect, corpus)
        print(table(f"raw langdetect.detect (seeded, all 55 languages), {title}", reference))
        print(f"\n{raw:.0f} µs per detection; Tertulia is {raw / ours:.1f}x faster\n")


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", action="store_true", help="spam-corpus text instead of test set")
    parser.add_argument("--no-reference", action="store_true", help="skip raw langdetect")
    parser.add_argument("--priors", action="store_true", help="also run with true/wrong priors")
    args = parser.parse_args(argv)
    langdetect.DetectorFactory.seed = 0
    source = "dev: spam corpora" if args.dev else "test: lingua/Leipzig"
    print(f"data: {shared_data()} ({source})\n")
    if args.dev:
        report("site set", SITE, dev_corpus(), args)
        return
    for title, languages in (("site set", SITE), ("eight languages", EIGHT)):
        report(title, languages, test_corpus(languages), args)


if __name__ == "__main__":
    main()
