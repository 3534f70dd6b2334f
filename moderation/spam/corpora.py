"""Readers for the shared public corpora, the real reader comments, and Tertulia's own corpora."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

CORPUS_PATH = Path(__file__).parent / "corpus" / "comments.csv"
SCAMS_PATH = Path(__file__).parent / "corpus" / "scams.csv"
YOUTUBE_FILES = (
    "Youtube01-Psy.csv",
    "Youtube02-KatyPerry.csv",
    "Youtube03-LMFAO.csv",
    "Youtube04-Eminem.csv",
)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text and where it came from."""

    text: str
    spam: bool
    source: str  # file relative to the data dir, e.g. "spam/sms-en/SMSSpamCollection"
    language: str = ""
    split: str = ""  # "train" or "test" for the own corpus


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A training file with its hash, for the model sidecar."""

    path: str
    sha256: str
    rows: int
    spam: int


class MissingDataError(FileNotFoundError):
    """The shared corpora are not where we were told to look."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _need(path: Path) -> Path:
    if not path.is_file():
        raise MissingDataError(
            f"{path} not found: point --data-dir (or TERTULIA_SHARED_DATA) at the shared data "
            "folder that holds spam/ and comments/"
        )
    return path


def youtube(data_dir: Path, name: str) -> list[Example]:
    """One YouTube Spam Collection file (CONTENT, CLASS with 1 = spam)."""
    path = _need(data_dir / "spam" / "youtube" / name)
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(row["CONTENT"], row["CLASS"].strip() == "1", f"spam/youtube/{name}", "en")
            for row in csv.DictReader(handle)
        ]


def sms_en(data_dir: Path) -> list[Example]:
    """SMS Spam Collection v.1, tab-separated label and text."""
    path = _need(data_dir / "spam" / "sms-en" / "SMSSpamCollection")
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text:
            examples.append(Example(text, label == "spam", "spam/sms-en/SMSSpamCollection", "en"))
    return examples


def sms_pt(data_dir: Path) -> list[Example]:
    """The SMS collection machine-translated to Brazilian Portuguese."""
    path = _need(data_dir / "spam" / "sms-pt" / "spam_br.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                row["EmailTextBR"], row["Label"].strip() == "spam", "spam/sms-pt/spam_br.csv", "pt"
            )
            for row in csv.DictReader(handle)
            if row["EmailTextBR"]
        ]


def spanish(data_dir: Path) -> list[Example]:
    """The Spanish spam/ham messages, train and test files together."""
    examples = []
    for name in ("train.csv", "test.csv"):
        path = _need(data_dir / "spam" / "es" / name)
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for row in reader:
                if len(row) >= 2 and row[0].strip() and row[1].strip() in {"spam", "ham"}:
                    examples.append(
                        Example(row[0], row[1].strip() == "spam", f"spam/es/{name}", "es")
                    )
    return examples


def comments(split: str | None = None, path: Path = CORPUS_PATH) -> list[Example]:
    """Tertulia's own article comments; split is "train", "test" or None for both."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(row["text"], row["label"] == "spam", "corpus", row["language"], row["split"])
            for row in csv.DictReader(handle)
            if split is None or row["split"] == split
        ]


def scams(split: str | None = None) -> list[Example]:
    """Our modern scam comments in en/es/pt (investment, recovery, giveaways, jobs by chat)."""
    return [
        Example(e.text, e.spam, "scams", e.language, e.split)
        for e in comments(split, path=SCAMS_PATH)
    ]


# Real reader comments (may be trained on): file, text column, label (None: all genuine).
REAL_GENUINE = {
    "comments/fox-news-comments.csv": ("text", "en"),
    "comments/reddit-br-comments.csv": ("body", "pt"),
}
REAL_SPAM = "comments/tg-spam-samples.txt"
# Real reader comments for measuring only: never trained on, never used to choose anything.
EVALUATION = {
    "comments-eval/necos-elmundo-comments.csv": ("comment_text", "es"),
    "comments-eval/sfu-globeandmail-comments.csv": ("comment", "en"),
}


def _csv_column(path: Path, column: str) -> list[str]:
    csv.field_size_limit(1 << 24)
    with _need(path).open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle) if row[column].strip()]


def real_genuine(data_dir: Path, name: str) -> list[Example]:
    """One of the real genuine comment sets, by its path under the data dir."""
    column, language = {**REAL_GENUINE, **EVALUATION}[name]
    return [Example(text, False, name, language) for text in _csv_column(data_dir / name, column)]


def real_spam(data_dir: Path) -> list[Example]:
    """Real spam posted in Telegram groups, one message a line."""
    lines = _need(data_dir / REAL_SPAM).read_text(encoding="utf-8").splitlines()
    return [Example(line, True, REAL_SPAM) for line in lines if line.strip()]


def real(data_dir: Path) -> list[Example]:
    """Every real comment that may be trained on: genuine readers and real spam."""
    examples: list[Example] = []
    for name in REAL_GENUINE:
        examples += real_genuine(data_dir, name)
    return examples + real_spam(data_dir)


def shared_files(data_dir: Path) -> dict[str, Path]:
    """Every shared file the full training run reads, keyed by Example.source."""
    names = [
        *(f"spam/youtube/{name}" for name in YOUTUBE_FILES),
        "spam/sms-en/SMSSpamCollection",
        "spam/sms-pt/spam_br.csv",
        "spam/es/train.csv",
        "spam/es/test.csv",
        *REAL_GENUINE,
        REAL_SPAM,
    ]
    return {name: data_dir / name for name in names}


def shared(data_dir: Path) -> list[Example]:
    """All four shared corpora."""
    examples: list[Example] = []
    for name in YOUTUBE_FILES:
        examples += youtube(data_dir, name)
    return examples + sms_en(data_dir) + sms_pt(data_dir) + spanish(data_dir)


def describe(files: dict[str, Path], examples: list[Example]) -> list[SourceFile]:
    """Hashes and row counts per training file (keyed by Example.source), for the sidecar."""
    described = []
    for source, path in files.items():
        rows = [e for e in examples if e.source == source]
        described.append(
            SourceFile(source, sha256_file(path), len(rows), sum(1 for e in rows if e.spam))
        )
    return described
