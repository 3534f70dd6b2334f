"""The catalogs: every marked string is in them, translated in Spanish and Portuguese, and used."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask

from moderation import messages, reasons
from moderation.i18n import LOCALES, supported
from tests.english import forms

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "moderation" / "translations"
TRANSLATED = [code for code in LOCALES if code != "en"]  # English is the source language


def catalog(code: str) -> Catalog:
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


@functools.cache
def marked_strings() -> set[str]:
    """Every string the code and templates mark for translation, as `make translations` finds."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.update((message,) if isinstance(message, str) else message)
    return found


def test_the_extraction_finds_marked_strings() -> None:
    # Guards the next test against an extraction that silently finds nothing.
    assert "Back to the articles" in marked_strings()


@pytest.mark.parametrize("code", LOCALES)
def test_every_marked_string_is_in_the_catalog(code: str) -> None:
    known = {
        message.id if isinstance(message.id, str) else message.id[0] for message in catalog(code)
    }
    known |= {
        message.id[1] for message in catalog(code) if isinstance(message.id, tuple)
    }  # plural forms
    missing = sorted(marked_strings() - known)
    assert not missing, f"run `make translations`, then translate: {missing[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str) -> None:
    problems = []
    for message in catalog(code):
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"{code}: untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_match(code: str) -> None:
    # Babel's checkers compare the python-format placeholders of each message with its msgid.
    errors = [(message.id, errs) for message, errs in catalog(code).check()]
    assert not errors, errors[:5]


BRACES = re.compile(r"\{([^{}]*)\}")


@pytest.mark.parametrize("code", TRANSLATED)
def test_named_params_match(code: str) -> None:
    # The tables of codes (reasons, messages) use {params}, which Babel does not check.
    wrong = []
    for message in catalog(code):
        ids, strings = forms(message.id), forms(message.string)
        expected = set(BRACES.findall(ids[-1]))
        for translated in strings:
            if set(BRACES.findall(translated)) - expected or (
                len(ids) == 1 and set(BRACES.findall(translated)) != expected
            ):
                wrong.append((message.id, translated))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("table", [reasons.TEMPLATES, reasons.VERDICT_LABELS, messages.MESSAGES])
def test_tables_use_plain_named_params(table: dict[str, Any]) -> None:
    # Numbers are localized before they are filled in: a format spec ("{score:.2f}") would fail
    # on the localized text. Every template is marked, so `make translations` finds it.
    marked = marked_strings()
    for code, template in table.items():
        for form in template if isinstance(template, tuple) else (template,):
            assert all(name.isidentifier() for name in BRACES.findall(form)), (code, form)
            assert code == "legacy" or form in marked, (code, form)


@pytest.mark.parametrize(
    ("tag", "code"),
    [("es", "es"), ("pt-BR", "pt"), ("es_AR", "es"), ("EN", "en"), ("fr", None), ("", None)],
)
def test_language_tags_map_to_catalogs(tag: str, code: str | None) -> None:
    assert supported(tag) == code


@pytest.mark.parametrize(
    ("accept", "text"),
    [
        ("es-AR,es;q=0.9", "Volver a los artículos"),
        ("pt-BR", "Voltar aos artigos"),
        ("fr", "Back to the articles"),
    ],
)
def test_pages_follow_the_browser_language(app: Flask, accept: str, text: str) -> None:
    page = app.test_client().get("/no-such-page", headers={"Accept-Language": accept})
    assert page.status_code == 404
    assert text in page.get_data(as_text=True)


def test_the_site_default_language_applies_without_a_browser_preference(
    app_factory: object,
) -> None:
    app = app_factory(TERTULIA_DEFAULT_LOCALE="pt")  # type: ignore[operator]
    page = app.test_client().get("/no-such-page")
    assert "Voltar aos artigos" in page.get_data(as_text=True)
