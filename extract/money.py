"""Monetary amounts in plain text: "CHF 346 000", "USD 2.48 billion", "€30 million", "1-2 million euros",
"half a million Swiss francs".

An amount needs a currency (code, symbol or name) next to it, so percentages, resolution numbers,
document symbols, years and footnote marks never become money. Currency data, scale words and
qualifiers live in schemas/data/currencies.json.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from schemas.models import MoneyMention
from schemas.rules import Currencies, load_rules

# Space-like thousands separators: space, no-break, thin, narrow no-break, figure space.
_SEP = "[ \u00a0\u2009\u202f\u2007]{1,2}"
# A number in digits, in every convention the corpus writes: the one number pattern (tables, assessments).
NUMBER = (
    rf"\d{{1,3}}(?:{_SEP}\d{{3}}(?!\d))+(?:\.\d+)?"  # 346 000 / 1 250 000.50
    r"|\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?"  # 1,250,000
    r"|\d{1,3}(?:\.\d{3}(?!\d)){2,}(?:,\d+)?"  # 1.250.000 (continental)
    r"|\d+(?:[.,]\d+)?"  # 35 / 2.48 / 2,5
)
_WS = r"[\s\u00a0]*"


def _data() -> Currencies:
    return load_rules(Currencies)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, Decimal]], dict[str, float], dict[str, str | None]]:
    """Lookup of every currency form (code, symbol, lower-cased name, sub-unit name) to (ISO code, factor)."""
    forms: dict[str, tuple[str, Decimal]] = {}
    one = Decimal(1)
    for cur in _data().currencies:
        code = cur.code
        forms.setdefault(code, (code, one))
        for sym in cur.symbols:
            forms.setdefault(sym, (code, one))
        for name in cur.names:
            forms.setdefault(name.lower(), (code, one))
        for name in cur.subunits:
            forms.setdefault(name.lower(), (code, Decimal(str(cur.subunit_factor))))
    return forms, _data().scales, _data().qualifiers


def _alt(items: list[str]) -> str:
    return "|".join(re.escape(i).replace(r"\ ", r"\s+") for i in sorted(set(items), key=len, reverse=True))


def _scale_re() -> str:
    """Scale words case-insensitive ("Million"), abbreviations exactly as listed ("m", "bn", "M", "B")."""
    scales = list(_data().scales)
    words = [s for s in scales if len(s) > 4]
    abbrevs = [s for s in scales if len(s) <= 4]
    return rf"(?:(?i:{_alt(words)})|{_alt(abbrevs)})(?![A-Za-z])"


@lru_cache(maxsize=1)
def _num_re() -> str:
    """A number in digits or words; "a", "an", "half a" count only before a scale word ("half a million")."""
    words = _data().number_words
    lone = [w for w in words if not re.fullmatch(r"(?:half |a |quarter |an? quarter of )?an?|.* an?", w)]
    article = [w for w in words if w not in lone]
    tens = [w for w, v in words.items() if w in lone and v >= 20 and v % 10 == 0 and v < 100]
    units = [w for w, v in words.items() if w in lone and 1 <= v <= 9 and " " not in w]
    compound = rf"(?:{_alt(tens)})[-\s](?:{_alt(units)})"
    word = rf"(?i:{compound}|{_alt(lone)}|(?:{_alt(article)})(?=\s+{_scale_re()}))(?![A-Za-z])"
    return rf"{NUMBER}|{word}"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    data = _data()
    codes = [c.code for c in data.currencies]
    symbols = [s for c in data.currencies for s in c.symbols]
    names = [n for c in data.currencies for n in c.names + c.subunits]
    word_syms = [s for s in symbols if s[-1].isalpha()]
    sign_syms = [s for s in symbols if not s[-1].isalpha()]
    code_re = rf"(?<![A-Za-z])(?:{_alt(codes + word_syms)})(?![A-Za-z])"
    cur = rf"{code_re}|{_alt(sign_syms)}"
    scale = _scale_re()
    num = _num_re()
    dash = r"\s*(?:-|–|—|‑|(?i:to))\s*"
    amount = (
        rf"(?P<num>{num})(?:{_WS}(?P<scale>{scale}))?"
        rf"(?:{dash}(?:(?P=pre){_WS})?(?P<num2>{num})(?:{_WS}(?P<scale2>{scale}))?)?"
    )
    post_cur = rf"(?P<post>{cur}|(?<![A-Za-z])(?i:{_alt(names)})(?![A-Za-z]))"
    prefixed = rf"(?P<pre>{cur}){_WS}{amount}"
    suffixed = (
        rf"(?P<snum>{num})(?:{_WS}(?P<sscale>{scale}))?"
        rf"(?:{dash}(?P<snum2>{num})(?:{_WS}(?P<sscale2>{scale}))?)?"
        rf"(?:{_WS}(?i:of))?(?:{_WS}|-){post_cur}"
    )
    between = (
        rf"(?P<btw>(?i:between){_WS})(?P<bpre>{cur}){_WS}(?P<bnum>{num})(?:{_WS}(?P<bscale>{scale}))?"
        rf"{_WS}(?i:and){_WS}(?:(?P=bpre){_WS})?(?P<bnum2>{num})(?:{_WS}(?P<bscale2>{scale}))?"
    )
    return re.compile(rf"(?<![\w/.]){between}|(?<![\w/.]){prefixed}|(?<![\w/.,]){suffixed}")


def parse_number(raw: str) -> float | None:
    """A number matched by NUMBER (or written in words) as a float, separators read as the writer meant."""
    d = _decimal(raw)
    return float(d) if d is not None else None


def _decimal(raw: str) -> Decimal | None:
    """A number as written, exactly: digits with any thousands/decimal convention, or number words."""
    raw = re.sub(r"\s+", " ", raw.strip())
    words = _data().number_words
    low = raw.lower()
    if low in words:
        return Decimal(str(words[low]))
    m = re.fullmatch(r"([a-z]+)[- ]([a-z]+)", low)
    if m and m.group(1) in words and m.group(2) in words:
        return Decimal(str(words[m.group(1)])) + Decimal(str(words[m.group(2)]))
    raw = re.sub(_SEP, "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?", raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif "," in raw:
        raw = raw.replace(",", ".")  # decimal comma: "2,5 million"
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def parse_amount(text: str, scale: str | float | None = None) -> float | None:
    """A number as written ("346 000", "1,250,000", "2.48", "2.48 billion", "2,5") in full units.

    `scale` is a scale word or factor taken from elsewhere (a table header "US$ million"); a scale
    word inside `text` wins over it. Returns None when `text` holds no number.
    """
    _, scales, _ = _tables()
    m = re.search(rf"({_num_re()})(?:{_WS}([A-Za-z]+))?", text)
    if not m:
        return None
    value = _decimal(m.group(1))
    if value is None:
        return None
    word = m.group(2)
    factor = None
    if word and (word in scales or word.lower() in scales):
        factor = scales.get(word, scales.get(word.lower()))
    elif isinstance(scale, (int, float)):
        factor = float(scale)
    elif scale:
        factor = scales.get(scale, scales.get(scale.lower()))
    return float(value * Decimal(str(factor))) if factor else float(value)


def _scale(word: str | None) -> Decimal:
    if not word:
        return Decimal(1)
    _, scales, _ = _tables()
    return Decimal(str(scales.get(word, scales.get(word.lower(), 1.0))))


def _currency(form: str) -> tuple[str, Decimal] | None:
    forms, _, _ = _tables()
    form = re.sub(r"\s+", " ", form)
    return forms.get(form) or forms.get(form.upper()) or forms.get(form.lower())


def _is_word(raw: str) -> bool:
    return not any(ch.isdigit() for ch in raw)


def _qualifier(text: str, start: int) -> str | None:
    """The hedge word right before the amount: "over USD 770 million" -> "over"."""
    before = text[max(0, start - 40) : start].lower()
    before = re.sub(r"\s+", " ", before)
    for phrase, pat, value in _qualifier_res():
        if phrase in before and pat.search(before):
            return value
    return None


@lru_cache(maxsize=1)
def _qualifier_res() -> list[tuple[str, re.Pattern[str], str | None]]:
    """(phrase, its end-of-text pattern, normalised qualifier), longest phrase first, compiled once."""
    _, _, quals = _tables()
    return [(p, re.compile(rf"(?<![a-z]){re.escape(p)} (?:of )?$"), quals[p])
            for p in sorted(quals, key=len, reverse=True)]


def _groups(m: re.Match[str]) -> tuple[str, str, str | None, str | None, str | None, int]:
    """(currency form, number, scale, upper number, upper scale, end of the first amount)."""
    for cur, n1, s1, n2, s2 in (
        ("bpre", "bnum", "bscale", "bnum2", "bscale2"),
        ("pre", "num", "scale", "num2", "scale2"),
        ("post", "snum", "sscale", "snum2", "sscale2"),
    ):
        if m.group(n1):
            first_end = m.end(s1) if m.group(s1) else m.end(n1)
            return m.group(cur), m.group(n1), m.group(s1), m.group(n2), m.group(s2), first_end
    raise ValueError("unreachable: pattern matched without a number")


def find_money(text: str) -> list[MoneyMention]:
    """Every amount with a currency in `text`, in order; ranges give amount and amount_max.

    Accepts raw text with line breaks ("USD\\n35 million"); offsets index `text` as given. `amount_exact`
    holds the value as a Decimal string (no float rounding) for storage and sums.
    """
    return [m.model_copy() for m in _money_in(text)]


def money_in(text: str) -> tuple[MoneyMention, ...]:
    """find_money's mentions without the copies, for callers that only read them (figures asks for every
    block's amounts several times: a copy per mention cost more than the cached scan). Do not mutate."""
    return _money_in(text)


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s


@lru_cache(maxsize=4096)
def _money_in(text: str) -> tuple[MoneyMention, ...]:
    """Cached: figures, dates (to skip amounts) and the figure's own date scan all ask for the same block."""
    out: list[MoneyMention] = []
    for m in _pattern().finditer(text):
        cur_form, n1, s1, n2, s2, first_end = _groups(m)
        found = _currency(cur_form)
        if not found or _looks_like_year(n1, s1, text, m):
            continue
        code, unit = found
        if _is_word(n1) and not s1 and not s2 and not m.group("post"):
            continue  # "USD one": a number word needs a scale or a currency name after it
        post = (m.group("post") or "").lower()
        if _is_word(n1) and post in _data().word_number_blocked_names:
            continue  # "the team of five won": a word, not a currency
        start, end = m.start(), m.end()
        if m.group("btw"):
            start += len(m.group("btw"))
        d1, d2 = _decimal(n1), _decimal(n2) if n2 else None
        if d1 is None:
            continue
        # "US$ 3 to 5 million": the scale written on the far end only applies to both ends.
        low = d1 * _scale(s1 or s2) * unit
        high = d2 * _scale(s2 or s1) * unit if d2 is not None else None
        if high is not None and high <= low:
            if s2 and not s1:
                # "US$ 3 to 2 million": both ends in millions, written high to low; keep them ordered
                low, high = high, low
                if low == high:
                    high = None
            elif not m.group("post"):
                # "USD 5 million to 10 schools" or "USD 5 million to 3 ...": not a range
                high, end = None, first_end
                low = d1 * _scale(s1) * unit
            else:
                continue
        elif high is not None and s1 and not s2 and not m.group("post"):
            high, end = None, first_end
        out.append(
            MoneyMention(
                start=start,
                end=end,
                text=text[start:end],
                amount=float(low),
                amount_max=float(high) if high is not None else None,
                currency=code,
                qualifier=_qualifier(text, start),
                amount_exact=_plain(low),
                amount_max_exact=_plain(high) if high is not None else None,
            )
        )
    return tuple(out)


def _looks_like_year(num: str, scale: str | None, text: str, m: re.Match[str]) -> bool:
    """A price base ("USD 2022 prices"), not an amount."""
    if scale or not re.fullmatch(r"(?:19|20)\d\d", num):
        return False
    return bool(re.match(r"\s*(?:prices|constant|terms|values)\b", text[m.end() :], re.IGNORECASE))
