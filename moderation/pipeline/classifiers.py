"""The bundled models a site classifies with: loaded once per process, never fatal.

The language detector and the spam model are read from files that ship with the code. A
missing or corrupt file must not stop the site: comments are then stored unclassified (they
wait in the queue like any other), admins see the problem on their pages and in `/readyz`,
and commands that need no model never load one. Under gunicorn the models are loaded in the
master before the workers fork (`moderation.serving`), so that every worker shares one copy.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from moderation.language import DEFAULT_PATH as LANGUAGE_MODEL
from moderation.language import LanguageDetector, site_codes
from moderation.pipeline.learning import SiteModels
from moderation.spam import SpamModel, bundled
from moderation.spam.storage import BUNDLED_SIDECAR, read_tables, text_model
from moderation.spam.storage import BUNDLED_TABLES as BUNDLED_MODEL

log = logging.getLogger(__name__)

T = TypeVar("T")
State = Literal["not loaded", "loaded", "failed"]


class ModelUnavailable(RuntimeError):
    """A bundled model could not be loaded; `problem` says which and why."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name} model unavailable: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """Where one model stands: what `/readyz` and the admins' banner show."""

    name: str
    state: State
    problem: str | None = None
    seconds: float | None = None


class Loaded(Generic[T]):
    """One model, loaded on first use or by `load()`, once, under a lock. A failure is kept:
    retrying a corrupt file on every comment would cost seconds each time, and nothing changes
    until the file is replaced and the server restarted."""

    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.name = name
        self._load = load
        self._value: T | None = None
        self._status = ModelStatus(name, "not loaded")
        self._lock = threading.Lock()

    def get(self) -> T:
        """The model; raises `ModelUnavailable` if it could not be loaded."""
        if self._value is None:
            self.load()
        if self._value is None:
            raise ModelUnavailable(self.name, self._status.problem or "not loaded")
        return self._value

    def available(self) -> T | None:
        """The model, or None if it could not be loaded."""
        try:
            return self.get()
        except ModelUnavailable:
            return None

    def load(self) -> ModelStatus:
        """Load the model unless that was already tried; returns how it went."""
        with self._lock:
            if self._status.state == "not loaded":
                started = time.perf_counter()
                try:
                    self._value = self._load()
                except Exception as error:  # any failure: a missing file, a corrupt one, a bug
                    log.exception("the %s model could not be loaded", self.name)
                    problem = f"{type(error).__name__}: {error}"
                    self._status = ModelStatus(self.name, "failed", problem)
                else:
                    seconds = round(time.perf_counter() - started, 3)
                    self._status = ModelStatus(self.name, "loaded", seconds=seconds)
                    # Which process loads matters: under gunicorn only the master should.
                    log.info(
                        "the %s model loaded in %.1f s (process %d)",
                        self.name,
                        seconds,
                        os.getpid(),
                    )
            return self._status

    @property
    def status(self) -> ModelStatus:
        """How the model stands now, without loading it."""
        return self._status


@functools.cache
def _bundled_spam(path: Path) -> SpamModel:
    if path == BUNDLED_MODEL:
        return bundled()  # the copy the spam commands and benchmarks share
    meta = json.loads(BUNDLED_SIDECAR.read_text(encoding="utf-8"))
    return SpamModel(text_model(read_tables(path)), meta)


class Classifiers:
    """The language detector and the spam model of one site, each loaded once."""

    def __init__(
        self,
        languages: tuple[str, ...],
        language_model: Path = LANGUAGE_MODEL,
        spam_model: Path = BUNDLED_MODEL,
    ) -> None:
        codes = site_codes(languages)  # a misconfigured site fails at start, not per comment
        self.language_model = language_model
        self.language = Loaded("language", lambda: detector_for(codes, language_model))
        # The site's learned versions are read from its database, per application.
        self.spam = Loaded("spam", lambda: SiteModels(_bundled_spam(spam_model)))

    def load(self) -> list[ModelStatus]:
        """Load both models now (before forking workers, or for `/readyz`)."""
        return [self.language.load(), self.spam.load()]

    def statuses(self) -> list[ModelStatus]:
        """How each model stands, without loading anything."""
        return [self.language.status, self.spam.status]

    def problems(self) -> list[ModelStatus]:
        """The models that failed to load (they are tried first if they never were)."""
        return [status for status in self.load() if status.state == "failed"]


@functools.cache
def detector_for(languages: tuple[str, ...], model: Path = LANGUAGE_MODEL) -> LanguageDetector:
    """One detector per language set and model file per process: immutable and thread-safe."""
    return LanguageDetector(languages, model)
