"""Amounts in Indonesian words (*terbilang*), as a receipt (kwitansi) writes them under the figure.

Receipts keep Indonesian words in every interface language: the words are part of the document, the way a
cheque's words follow its currency, not the reader.
"""

from __future__ import annotations

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
# Each group of three digits, from the lowest; "ribu" alone takes "se-" for one (seribu, but satu juta).
_SCALES = ["", "ribu", "juta", "miliar", "triliun"]
LARGEST = 10 ** (3 * len(_SCALES)) - 1  # 999 triliun and the rest


def _below_thousand(number: int) -> list[str]:
    hundreds, rest = divmod(number, 100)
    words = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_UNITS[units], "belas"]
    else:
        if tens:
            words += [_UNITS[tens], "puluh"]
        if units:
            words.append(_UNITS[units])
    return words


def terbilang(amount: int) -> str:
    """125000 -> 'seratus dua puluh lima ribu rupiah'. Whole rupiah from nol up to `LARGEST`."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("terbilang takes whole rupiah as an int")
    if amount < 0 or amount > LARGEST:
        raise ValueError(f"terbilang covers 0 to {LARGEST}, not {amount}")
    if amount == 0:
        return "nol rupiah"
    words: list[str] = []
    for scale in reversed(range(len(_SCALES))):
        group = amount // 1000**scale % 1000
        if not group:
            continue
        if group == 1 and scale == 1:
            words.append("seribu")
        else:
            words += _below_thousand(group) + ([_SCALES[scale]] if scale else [])
    return " ".join(words + ["rupiah"])
