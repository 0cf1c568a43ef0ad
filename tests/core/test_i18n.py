"""The catalogs cover every message the code shows, with the same placeholders."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard.i18n import LANGUAGES, catalog_path, language_or_default, translator

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}


def _messages_in_code() -> dict[str, str]:
    """Every msgid the dashboard's Python code marks, with where it was found."""
    found: dict[str, str] = {}
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / "dashboard", method_map=method_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"dashboard/{filename}:{lineno}")
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_message_in_the_code_is_translated_with_its_placeholders(lang: str) -> None:
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    problems = []
    for msgid, where in sorted(_messages_in_code().items()):
        entry = catalog.get(msgid) or next(
            (m for m in catalog if isinstance(m.id, tuple) and msgid in m.id), None
        )
        if entry is None:
            problems.append(f"{where}: no {lang} translation for {msgid!r}")
            continue
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(translations) or entry.fuzzy:
            problems.append(f"{where}: {lang} translation of {msgid!r} is empty or fuzzy")
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for text in translations:
            if _placeholders(text) != wanted:
                problems.append(
                    f"{where}: {lang} translation {text!r} has placeholders "
                    f"{sorted(_placeholders(text))}, the message has {sorted(wanted)}"
                )
    assert not problems, "\n".join(problems)


def test_the_test_finds_messages_at_all() -> None:
    # Guards the guard: an extraction that silently found nothing would pass the test above.
    assert "Language" in _messages_in_code()


def test_numbers_dates_and_plurals_follow_the_language() -> None:
    en, ko = translator("en"), translator("ko")
    assert en.number(100000) == "100,000" and ko.number(100000) == "100,000"
    assert en.date(dt.date(2024, 5, 12)) == "12 May 2024"
    assert ko.date(dt.date(2024, 5, 12), "long") == "2024년 5월 12일"
    assert en.month(dt.date(2024, 5, 1)) == "May 2024"
    assert ko.month(dt.date(2024, 5, 1)) == "2024년 5월"
    assert en.ngettext("{n} incident", "{n} incidents", 1) == "1 incident"
    assert en.ngettext("{n} incident", "{n} incidents", 100000) == "100,000 incidents"
    assert ko.ngettext("{n} incident", "{n} incidents", 100000) == "사건 100,000건"
    assert ko.gettext("Language") == "언어"


@pytest.mark.parametrize(
    ("asked", "given"),
    [("ko", "ko"), ("KO", "ko"), ("ko-KR", "ko"), ("ko_KR", "ko"), ("xx", "en"), (None, "en")],
)
def test_an_unknown_language_falls_back_to_english(asked: str | None, given: str) -> None:
    assert language_or_default(asked) == given


def test_catalog_files_are_utf8_without_fuzzy_markers() -> None:
    for lang in LANGUAGES:
        path = catalog_path(lang)
        if path.exists():
            assert not re.search(r"^#,.*fuzzy", path.read_text("utf-8"), re.M), path
