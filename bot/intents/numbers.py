"""Number words in English and Chinese ("two", "twenty", "两", "俩", "十五", "二十") and their regex fragments.

Settings, clip references, recut points and storyboard times all say numbers both ways, so they share one
reader. Digits are capped at four so that a hostile "999...9" never reaches ``int``'s digit limit.
"""

from __future__ import annotations

EN_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "a couple of": 2, "a couple": 2, "couple of": 2, "a pair of": 2,
    "a single": 1, "single": 1,
}

ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}

#: ASCII (and other Unicode decimal) digits, optionally with a decimal part; never more than four digits.
DIGITS = r"(?<![\d.])\d{1,4}(?:\.\d{1,2})?(?![\d])"
#: English number words, longest first so that "a couple of" wins over "a couple".
EN = (
    r"(?<![A-Za-z0-9])(?:"
    + "|".join(sorted((w.replace(" ", r"\s+") for w in EN_WORDS), key=len, reverse=True))
    + r")(?![A-Za-z0-9])"
)
#: Chinese numerals up to the hundreds ("十五", "二十", "两", "一百").
ZH = r"[零〇一二两俩三四五六七八九十百]{1,5}"
#: Digits or English words (no Chinese numerals: "一" also means "a").
EN_OR_DIGITS = f"(?:{DIGITS}|{EN})"
#: Any number: digits, English words or Chinese numerals.
ANY = f"(?:{DIGITS}|{EN}|{ZH})"


def zh_to_int(text: str) -> int | None:
    """"十五" -> 15, "二十" -> 20, "两" -> 2, "一百零五" -> 105; None when it is not a well-formed numeral."""
    if not text or any(ch not in ZH_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, None
    for ch in text:
        if ch in ZH_DIGITS:
            if current is not None and current != 0:
                return None  # two digits in a row ("二三") is not a number we read
            current = ZH_DIGITS[ch]
        else:
            unit = 10 if ch == "十" else 100
            total += (1 if current is None else current) * unit
            current = None
    return total + (current or 0)


def to_number(text: str) -> float | None:
    """Reads digits, an English word or a Chinese numeral; None when it is none of them."""
    word = " ".join(text.strip().lower().split())
    if not word:
        return None
    if word in EN_WORDS:
        return float(EN_WORDS[word])
    try:
        return float(word) if len(word) <= 8 else None
    except ValueError:
        value = zh_to_int(word)
        return None if value is None else float(value)
