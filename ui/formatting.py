"""Numbers and dates formatted for the reader's language (CLDR rules through Babel).

French groups thousands with a narrow no-break space (U+202F) and puts one before "%"; English
uses commas and no space. Values that are not numbers (a suppressed count such as "<5", None)
pass through as text so that small-number protection from access/ is never undone here.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from numbers import Number

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

NNBSP = "\u202f"  # narrow no-break space
DASH = "–"  # shown for a missing value (no data / denominator zero)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA raise or compare unequal
    except (TypeError, ValueError):
        return True


def _locale(lang: str) -> str:
    return "fr_FR" if lang == "fr" else "en_GB" if lang == "en_GB" else "en_US"


def _fix_spaces(text: str, lang: str) -> str:
    # CLDR French already groups with U+202F; make sure no plain NBSP slips through
    return text.replace("\xa0", NNBSP) if lang == "fr" else text


def fmt_int(value: object, lang: str) -> str:
    """A count: 1,234 (en) / 1 234 (fr). Text such as '<5' passes through."""
    if _is_missing(value):
        return DASH
    if isinstance(value, str):
        return value
    if not isinstance(value, Number):
        return str(value)
    return _fix_spaces(
        format_decimal(round(float(value)), format="#,##0", locale=_locale(lang)), lang
    )


def fmt_number(value: object, lang: str, digits: int = 1) -> str:
    """A decimal number with a fixed number of decimals (1,234.5 / 1 234,5)."""
    if _is_missing(value):
        return DASH
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _fix_spaces(format_decimal(float(value), format=pattern, locale=_locale(lang)), lang)


def fmt_pct(value: object, lang: str, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage: 12% (en) / 12 % (fr, narrow no-break space)."""
    if _is_missing(value):
        return DASH
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    number = fmt_number(float(value) * 100, lang, digits)
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def _sign(value: float, digits: int, scale: float = 1.0) -> str:
    """'+', '−' (true minus) or '±' when the value rounds to zero at the shown precision."""
    if round(abs(float(value)) * scale, digits) == 0:
        return "±"
    return "+" if value > 0 else "−"


def fmt_signed_pct(value: object, lang: str, digits: int = 0) -> str:
    """A relative change with its sign: +12% / −3 % (true minus sign)."""
    if _is_missing(value):
        return DASH
    if not isinstance(value, Number) or isinstance(value, bool):
        return str(value)
    sign = _sign(value, digits, 100)
    return sign + fmt_pct(abs(float(value)), lang, digits)


def fmt_signed_int(value: object, lang: str) -> str:
    if _is_missing(value):
        return DASH
    if not isinstance(value, Number) or isinstance(value, bool):
        return str(value)
    sign = _sign(value, 0)
    return sign + fmt_int(abs(value), lang)


def fmt_pp(value: object, lang: str, digits: int = 0) -> str:
    """A change of a rate in percentage points: +3 pts / +3 pts (fr: « pts » too, 'pt' abbr.)."""
    if _is_missing(value):
        return DASH
    if not isinstance(value, Number) or isinstance(value, bool):
        return str(value)
    sign = _sign(value, digits, 100)
    unit = "pts"
    return f"{sign}{fmt_number(abs(float(value)) * 100, lang, digits)}{NNBSP if lang == 'fr' else ' '}{unit}"


def _as_date(value: object) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def fmt_date(value: object, lang: str, style: str = "medium") -> str:
    """A date: 26 Mar 2024 / 26 mars 2024 (style 'long': March 26, 2024 / 26 mars 2024)."""
    d = _as_date(value)
    if d is None:
        return DASH if _is_missing(value) or not isinstance(value, str) else value
    if lang == "fr":
        return _babel_date(d, format=style, locale="fr_FR")
    # en: day-month-year reads unambiguously to an international audience
    return _babel_date(d, format="d MMM y" if style == "medium" else "d MMMM y", locale="en_GB")


def fmt_month(value: object, lang: str) -> str:
    d = _as_date(value)
    if d is None:
        return DASH
    return _babel_date(d, format="MMM y", locale=_locale(lang))


def fmt_days(value: object, lang: str) -> str:
    if _is_missing(value):
        return DASH
    if not isinstance(value, Number):
        return str(value)
    n = round(float(value))
    word = ("jour" if abs(n) < 2 else "jours") if lang == "fr" else ("day" if n == 1 else "days")
    return f"{fmt_int(n, lang)}{NNBSP if lang == 'fr' else ' '}{word}"


def fmt_value(value: object, fmt: str, lang: str) -> str:
    """Format by a catalogue format name: count | rate | pct | days | date | number."""
    if fmt in ("rate", "pct", "percent", "share"):
        return fmt_pct(value, lang)
    if fmt in ("days", "duration_days"):
        return fmt_days(value, lang)
    if fmt == "date":
        return fmt_date(value, lang)
    if fmt in ("number", "decimal"):
        return fmt_number(value, lang)
    if isinstance(value, float) and not math.isnan(value) and not value.is_integer():
        return fmt_number(value, lang)
    return fmt_int(value, lang)


def alphabetical(name: str) -> str:
    """Sort key for names as a reader expects them: accents and case ignored (Côte d'Ivoire
    before Cyprus, Haïti among the H)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def colon(lang: str) -> str:
    """': ' in English; French typography puts a narrow no-break space before the colon."""
    return f"{NNBSP}: " if lang == "fr" else ": "
