"""Spellings of one place name compared as equal: scripts, diacritics and romanisations.

Korean place names reach a newsroom in two romanisations (Revised: Bukcheong, Hamheung;
McCune-Reischauer: Pukch'ŏng, Hamhŭng) and in ad-hoc mixtures of them (Pukchong). Rather
than listing spellings by hand, every name is reduced to a key in which the systems'
differences vanish: the vowels eo/ŏ and eu/ŭ, the consonant pairs b/p, g/k, d/t, j/ch, r/l
and s/sh, apostrophes, hyphens, spaces and doubled letters. Names in other scripts (Hangul,
Chinese characters, Lao, Cyrillic) are compared after Unicode normalisation; the GeoNames
alternate names carry them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_APOSTROPHES = re.compile(r"['’`ʼ‘ʻ´]")
# Applied in order to a folded Latin name; both sides of a comparison go through them.
_KEY_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"eo"), "o"),
    (re.compile(r"eu"), "u"),
    (re.compile(r"j"), "ch"),
    (re.compile(r"tch|cch"), "ch"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"b"), "p"),
    (re.compile(r"g"), "k"),
    (re.compile(r"d"), "t"),
    (re.compile(r"r"), "l"),
    (re.compile(r"(.)\1+"), r"\1"),  # kk, tt, pp, ss, ll ... after the folds above
]
# Administrative suffixes a name may carry or drop ("Kaesŏng-si", "개성시", "丹东市").
_LATIN_SUFFIXES = (
    "si", "shi", "gun", "kun", "up", "eup", "ub", "ri", "ni", "dong", "tong", "ku", "gu",
    "do", "to", "myon", "myeon", "guyok", "kuyok", "guyeok", "shi", "xian", "qu", "sheng",
    "city", "county", "district", "province", "oblast", "krai",
)  # fmt: skip
_SCRIPT_SUFFIXES = ("특급시", "시", "군", "읍", "리", "구역", "구", "도", "市", "县", "縣", "区", "區", "省", "郡", "邑")  # fmt: skip
_SUFFIX_RE = re.compile(r"(?:[\s-]+(?:" + "|".join(sorted(set(_LATIN_SUFFIXES), key=len, reverse=True)) + r"))+$")  # fmt: skip


def fold(text: str) -> str:
    """Case, diacritics, apostrophes and punctuation folded: 'Pukch'ŏng-ŭp' -> 'pukchong up'.

    Diacritics are removed from Latin letters only; Hangul and other scripts are recomposed,
    so '개성' stays '개성'.
    """
    text = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for ch in text:
        # Accents on Latin, Greek and Cyrillic letters go; marks that carry sound in other
        # scripts (Lao and Thai vowels, Hangul jamo) stay.
        if unicodedata.combining(ch) and kept and ord(kept[-1]) < 0x530:
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept))
    # Lao writes the subscript lo (ຼ) and the letter lo (ລ) for the same sound, by era.
    text = text.replace("\u0ebc", "\u0ea5")
    text = _APOSTROPHES.sub("", text).casefold()
    text = "".join(
        ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in text
    )
    return " ".join(text.split())


def is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 or ch.isspace() for ch in text)


def romanisation_key(text: str) -> str:
    """One key for every romanisation of a Korean name: Bukcheong, Pukch'ŏng and Pukchong
    all give 'pukchonk'. Non-Latin text gives its folded form without spaces."""
    folded = fold(text).replace(" ", "").replace("_", "")
    if not is_latin(folded):
        return folded
    for pattern, repl in _KEY_RULES:
        folded = pattern.sub(repl, folded)
    return folded


def strip_suffix(text: str) -> str:
    """The name without a trailing administrative word ('Kaesong-si' -> 'Kaesong')."""
    stripped = text.strip()
    latin = _SUFFIX_RE.sub("", stripped)
    if latin != stripped and latin.strip():
        return latin.strip()
    for suffix in _SCRIPT_SUFFIXES:
        if stripped.endswith(suffix) and len(stripped) > len(suffix) and not is_latin(suffix):
            return stripped[: -len(suffix)].strip()
    return stripped


def search_keys(text: str) -> dict[str, int]:
    """Every key a name is found by, with its strength (higher is a closer match):
    3 the folded spelling, 2 the romanisation key, 1 either without an admin suffix."""
    keys: dict[str, int] = {}

    def put(key: str, strength: int) -> None:
        if key and keys.get(key, 0) < strength:
            keys[key] = strength

    folded = fold(text)
    put(folded, 3)
    put(folded.replace(" ", ""), 3)
    put("~" + romanisation_key(text), 2)
    base = strip_suffix(fold(text.replace("-", " ")))
    if base and base != folded:
        put(base, 1)
        put(base.replace(" ", ""), 1)
        put("~" + romanisation_key(base), 1)
    return keys


# Alternatives each system may write for the same sound (used to spell out variants).
# Vowels anywhere; consonants only before a vowel (where the systems differ: Busan/Pusan),
# and "ng" never (both write it so).
_VOWEL_SWAPS = {
    "eo": ("eo", "o"),
    "eu": ("eu", "u"),
    "ŏ": ("ŏ", "o", "eo"),
    "ŭ": ("ŭ", "u", "eu"),
    "o": ("o", "eo"),
    "u": ("u", "eu"),
}
_CONSONANT_SWAPS = {
    "b": ("b", "p"),
    "p": ("p", "b"),
    "g": ("g", "k"),
    "k": ("k", "g"),
    "d": ("d", "t"),
    "t": ("t", "d"),
    "j": ("j", "ch"),
    "ch": ("ch", "j"),
}
_VARIANT_RE = re.compile(r"ng|eo|eu|[oouŏŭ]|(?:ch|[bpgkdtj])(?=[aeiouŏŭwy])", flags=re.IGNORECASE)


def romanisation_variants(text: str, limit: int = 64) -> list[str]:
    """Spellings of a Latin name in the other romanisation, generated by rule: 'Hamheung'
    gives 'Hamhung', 'Pukch'ŏng' gives 'Bukcheong', 'Pukchong', ... (at most ``limit``,
    the given spelling first). For a search box that matches plain text; matching on
    ``romanisation_key`` is the exact equivalent without the list."""
    base = _APOSTROPHES.sub("", text.strip())
    if not base or not is_latin(base):
        return [text]
    lowered = base.lower()
    pieces: list[tuple[str, ...]] = []
    pos = 0
    for match in _VARIANT_RE.finditer(lowered):
        token = match.group()
        pieces.append((lowered[pos : match.start()],))
        pieces.append(_VOWEL_SWAPS.get(token) or _CONSONANT_SWAPS.get(token) or (token,))
        pos = match.end()
    pieces.append((lowered[pos:],))
    key = romanisation_key(text)
    found: list[tuple[int, str]] = []
    seen: set[str] = {text.lower()}
    for combo in itertools.islice(itertools.product(*pieces), 4096):
        spelled = "".join(combo)
        spelled = spelled[:1].upper() + spelled[1:] if text[:1].isupper() else spelled
        if spelled.lower() in seen or romanisation_key(spelled) != key:
            continue
        seen.add(spelled.lower())
        changes = sum(a != b[0] for a, b in zip(combo, pieces, strict=True))
        found.append((changes, spelled))
    found.sort(key=lambda item: item[0])  # stable: fewest changes first
    return [text, *(s for _, s in found)][:limit]
