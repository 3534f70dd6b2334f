"""langdetect made deterministic and thread safe: one seeded factory per language set."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

SEED = 0
# langdetect names a few languages with a region; the site speaks ISO 639-1.
_CODE = {"zh-cn": "zh", "zh-tw": "zh"}
_LOAD_LOCK = threading.Lock()


def profile_languages() -> tuple[str, ...]:
    """Return every language langdetect ships a profile for, in its own codes."""
    return tuple(sorted(p.name for p in Path(PROFILES_DIRECTORY).iterdir()))


class SeededLangdetect:
    """A private langdetect factory, loaded once, that gives the same answer in every process."""

    def __init__(self, languages: Iterable[str] | None = None, seed: int = SEED) -> None:
        wanted = profile_languages() if languages is None else tuple(languages)
        self._factory = DetectorFactory()
        # langdetect's own module-level factory is filled lazily on first use, so two threads
        # detecting at start-up both load it; building ours eagerly under a lock avoids that.
        with _LOAD_LOCK:
            profiles = [(Path(PROFILES_DIRECTORY) / name).read_text("utf-8") for name in wanted]
            self._factory.load_json_profile(profiles)
            self._factory.set_seed(seed)

    def probabilities(self, text: str) -> dict[str, float]:
        """Return langdetect's probabilities per language, or {} when it finds no feature."""
        # A Detector holds its own Random seeded from the factory, so one per call is thread safe.
        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return {}
        return {_CODE.get(item.lang, item.lang): float(item.prob) for item in ranked}
