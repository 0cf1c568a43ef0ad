"""Words, dates and numbers in the reader's language: the one door to Babel.

Every label, message and category name is written in English in the code and looked up in a
gettext catalog (`dashboard/locale/LANG/LC_MESSAGES/messages.po`). The catalogs are read as
text through Babel, so there is no compiled `.mo` file to keep in step. Data text (summaries,
quotes) is never translated: it stays in the source's language.

Adding a language: add it to LANGUAGES, run the commands in `dashboard/locale/README.md`,
translate the new `.po` file; `tests/core/test_i18n.py` says what is missing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# Each language's own name for itself: how the switch offers it.
LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
# The locale whose conventions each language's dates and numbers follow (British English).
_FORMATS_LOCALE: dict[str, str] = {"en": "en_GB", "ko": "ko_KR"}
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for the catalog where it is declared; it is translated where shown."""
    return message


# The language switch's label, declared with the languages it offers.
LANGUAGE_LABEL = N_("Language")


def language_or_default(lang: str | None) -> str:
    """A supported language code for whatever the URL or the command line said."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(lang: str) -> NullTranslations:
    path = catalog_path(lang)
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def _formats_locale(lang: str) -> Locale:
    """The Babel locale for a language's dates and numbers, parsed once (British English)."""
    return Locale.parse(_FORMATS_LOCALE.get(lang, lang))


@dataclass(frozen=True)
class Translator:
    """One language's words, numbers and dates; pass it down, never a global."""

    lang: str

    @property
    def locale(self) -> Locale:
        """The Babel locale for dates and numbers (British English for English)."""
        return _formats_locale(self.lang)

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, with `{name}` placeholders filled in."""
        text = _translations(self.lang).gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The singular or plural message for n, with `{n}` given as a formatted number."""
        text = _translations(self.lang).ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def number(self, n: float) -> str:
        """A number as this language writes it: 100,000 (and never 100000)."""
        return format_decimal(n, locale=self.locale)

    def date(self, day: dt.date, format: str = "medium") -> str:
        """A date as this language writes it: "12 May 2024" in English, "2024. 5. 12." in Korean."""
        return format_date(day, format=format, locale=self.locale)

    def month(self, day: dt.date) -> str:
        """A month and year: "May 2024", "2024년 5월"."""
        return format_skeleton("yMMMM", day, locale=self.locale)


@cache
def translator(lang: str | None = None) -> Translator:
    """The translator for a language code (unknown codes fall back to English)."""
    return Translator(language_or_default(lang))
