"""Training the bundled model from the shared corpora and Tertulia's own comment corpus."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops

from moderation.spam import corpora, features
from moderation.spam import model as model_module
from moderation.spam.corpora import Example
from moderation.spam.model import BUNDLED_MODEL, BUNDLED_SIDECAR, SpamModel, fit_pipeline

# Share of the total training weight each source gets, split evenly between its spam and ham so
# that SMS's 13% spam rate does not teach the model that comments are rarely spam. Our own
# corpus is small but is the genre we serve, so it weighs as much as all of YouTube.
SOURCE_WEIGHT = {
    "youtube": 0.3,
    "sms-en": 0.15,
    "sms-pt": 0.1,
    "es": 0.1,
    "corpus": 0.35,
}

DEFAULT_THRESHOLD = 0.85
DEFAULT_BORDERLINE = 0.5


def _group(example: Example) -> str:
    if example.source == "corpus":
        return "corpus"
    return example.source.split("/")[1]


def weights(examples: Sequence[Example]) -> list[float]:
    """Per-example training weights: each source's mass, halved between its two classes."""
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    for e in examples:
        counts[(_group(e), e.spam)] += 1
    present = {g for g, _ in counts}
    mass = {g: SOURCE_WEIGHT[g] / sum(SOURCE_WEIGHT[p] for p in present) for g in present}
    raw = [mass[_group(e)] / (2 * counts[(_group(e), e.spam)]) for e in examples]
    # Rescale to a mean of 1 so the regularisation strength C keeps its usual meaning.
    scale = len(raw) / sum(raw)
    return [w * scale for w in raw]


def fit(examples: Sequence[Example], meta: dict[str, Any] | None = None) -> SpamModel:
    """Fit a model on examples; meta fills the sidecar."""
    pipeline = fit_pipeline(
        [e.text for e in examples], [e.spam for e in examples], weights(examples)
    )
    sidecar = {
        "threshold": DEFAULT_THRESHOLD,
        "borderline": DEFAULT_BORDERLINE,
        "version": "unversioned",
        **(meta or {}),
    }
    return SpamModel(pipeline, sidecar)


def versions() -> dict[str, str]:
    """Library versions the artefact was written with; loading checks scikit-learn's."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def recipe_sha256() -> str:
    """Hash of the code that turns a body into model inputs (checks, phrases, preparation).

    Part of the version, so a retrain after a feature change gets a new version even when the
    training files are the same.
    """
    digest = hashlib.sha256()
    for module in (features, model_module):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def train_bundled(data_dir: Path, out_dir: Path | None = None) -> tuple[SpamModel, dict[str, Any]]:
    """Train on every shared corpus plus the corpus train split; write model.skops and model.json.

    The corpus test split is never trained on: its metrics go into the sidecar.
    """
    started = time.perf_counter()
    shared = corpora.shared(data_dir)
    own = corpora.comments("train")
    held_out = corpora.comments("test")
    examples = shared + own
    files = corpora.shared_files(data_dir)
    described = corpora.describe(files, shared)
    corpus_rel = "moderation/spam/corpus/comments.csv"
    described.append(
        corpora.SourceFile(
            corpus_rel + " (split=train)",
            corpora.sha256_file(corpora.CORPUS_PATH),
            len(own),
            sum(1 for e in own if e.spam),
        )
    )
    model = fit(examples)
    seconds = time.perf_counter() - started
    test_pairs = [(e.text, e.spam) for e in held_out]
    metrics = model.evaluate(test_pairs)
    recipe = recipe_sha256()
    digest = hashlib.sha256(("".join(f.sha256 for f in described) + recipe).encode()).hexdigest()[
        :8
    ]
    today = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    meta: dict[str, Any] = {
        **model.meta,
        "version": f"spam-{today}-{digest}",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "training": {
            "files": [asdict(f) for f in described],
            "rows": len(examples),
            "spam": sum(1 for e in examples if e.spam),
            "source_weight": SOURCE_WEIGHT,
            "recipe_sha256": recipe,
            "seconds": round(seconds, 1),
        },
        "metrics": {
            "held_out_corpus": {
                "file": corpus_rel + " (split=test)",
                "threshold": model.threshold,
                **metrics.as_dict(),
            }
        },
    }
    final = SpamModel(model.pipeline, meta)
    target = out_dir or BUNDLED_MODEL.parent
    target.mkdir(parents=True, exist_ok=True)
    (target / BUNDLED_MODEL.name).write_bytes(final.to_bytes())
    (target / BUNDLED_SIDECAR.name).write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    return final, meta
