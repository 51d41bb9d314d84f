"""Which field each column of a treasurer's household list fills: the fields, and the guess from the header.

Treasurers head their columns in many ways ("No. HP", "WA", "Telp.", "Nama KK", "Iuran/malam (Rp)"). A header
is reduced to canonical words (lower case, punctuation and "Rp" dropped, abbreviations spelled out) and looked
up among the known phrasings; failing that, a leading "No."/"Nomor" is dropped and it is looked up again;
failing that, a tell-tale word ("iuran", "hp", "anggota") decides. Whatever is still unknown is left for the
treasurer to choose on the mapping step; nothing with values in it is ever dropped without their say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SKIP = "skip"  # the treasurer's (or the remembered) choice to leave a column out
ROW_NUMBER = "row_number"  # a "No." column of 1, 2, 3…: guessed as skip, and said so in the preview


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header, also the column name in error lists (the file format, so Indonesian)
    label: object  # the field's name on the mapping step, in the UI language
    aliases: tuple[str, ...]  # canonical phrasings (see canonical_words) of the header
    required: bool = False


COLUMNS = (
    Column("rt", "RT", _("RT"), ("rt", "nomor rt", "rt ke", "wilayah rt"), required=True),
    Column(
        "address",
        "Nomor rumah/alamat",
        _("Nomor rumah/alamat"),
        (
            "nomor rumah alamat",
            "nomor rumah",
            "rumah",
            "alamat",
            "alamat rumah",
            "alamat lengkap",
            "blok",
            "blok nomor",
            "blok rumah",
            "nomor blok",
            "jalan",
            "jl",
            "address",
            "house number",
            "nomor alamat",
            "alamat nomor rumah",
            "rumah alamat",
        ),
        required=True,
    ),
    Column(
        "head_name",
        "Kepala keluarga",
        _("Kepala keluarga"),
        (
            "kepala keluarga",
            "nama kepala keluarga",
            "nama kk",
            "kk",
            "nama",
            "nama warga",
            "warga",
            "penghuni",
            "nama penghuni",
            "pemilik",
            "nama pemilik",
            "kepala rumah tangga",
            "nama kepala rumah tangga",
            "krt",
            "nama lengkap",
            "head of household",
            "name",
        ),
        required=True,
    ),
    Column(
        "phone",
        "Nomor HP/WhatsApp",
        _("Nomor HP/WhatsApp"),
        (
            "nomor hp whatsapp",
            "hp whatsapp",
            "whatsapp",
            "hp",
            "wa",
            "hp wa",
            "wa hp",
            "telepon",
            "telepon hp",
            "hp telepon",
            "telepon wa",
            "wa telepon",
            "kontak",
            "nomor kontak",
            "phone",
            "telepon whatsapp",
        ),
    ),
    Column(
        "members",
        "Jumlah anggota keluarga",
        _("Jumlah anggota keluarga"),
        (
            "jumlah anggota keluarga",
            "jumlah anggota",
            "anggota keluarga",
            "anggota",
            "jumlah jiwa",
            "jiwa",
            "jumlah penghuni",
            "jumlah orang",
            "members",
        ),
    ),
    Column("status", "Status", _("Status"), ("status", "status rumah", "status warga", "status kk")),
    Column(
        "moved_on",
        "Tanggal pindah",
        _("Tanggal pindah"),
        ("tanggal pindah", "pindah tanggal", "tanggal keluar", "pindah sejak", "date moved"),
    ),
    Column(
        "usual_amount",
        "Jumlah biasa",
        _("Jumlah biasa"),
        (
            "jumlah biasa",
            "jumlah",
            "usual amount",
            "iuran",
            "iuran per malam",
            "iuran harian",
            "iuran per hari",
            "jimpitan",
            "jimpitan per malam",
            "nominal",
            "nominal jimpitan",
            "nominal iuran",
            "per malam",
            "jumlah per malam",
            "jumlah iuran",
            "jumlah jimpitan",
            "besar iuran",
            "iuran jimpitan",
            "nilai",
            "nominal per malam",
            "setoran per malam",
        ),
    ),
    Column(
        "route_position",
        "Urutan rute",
        _("Urutan rute"),
        ("urutan rute", "urutan", "rute", "urutan ambil", "urutan keliling", "route position"),
    ),
    Column(
        "joined_on",
        "Tanggal bergabung",
        _("Tanggal bergabung"),
        (
            "tanggal bergabung",
            "bergabung",
            "tanggal masuk",
            "tanggal gabung",
            "mulai",
            "tanggal mulai",
            "date joined",
            "bergabung sejak",
            "masuk",
        ),
    ),
    Column("notes", "Catatan", _("Catatan"), ("catatan", "keterangan", "catatan lain", "notes")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_HEADERS = [c.header for c in COLUMNS]
ROW_NUMBER_ALIASES = ("nomor", "nomor urut", "urut", "#")
# Headers of data the register does not keep (family-card and ID numbers): never guessed, even as "KK" names.
NOT_A_FIELD = ("nomor kk", "kk nomor", "nik", "nomor ktp", "ktp", "nomor induk kependudukan", "nkk")
# Tell-tale words, tried in this order only when no phrasing matched.
KEYWORDS = (
    ("status", ("status",)),
    ("members", ("anggota", "jiwa")),
    ("phone", ("hp", "wa", "whatsapp", "telepon", "kontak")),
    ("moved_on", ("pindah",)),
    ("joined_on", ("bergabung", "gabung")),
    ("usual_amount", ("iuran", "nominal", "jimpitan", "malam", "jumlah")),
    ("head_name", ("nama", "kepala")),
    ("address", ("alamat", "rumah", "blok")),
    ("notes", ("catatan", "keterangan")),
    ("rt", ("rt",)),
)
# Abbreviations and spellings treasurers use, to the word the aliases are written with.
SYNONYMS = {
    "no": "nomor",
    "nmr": "nomor",
    "nomer": "nomor",
    "nr": "nomor",
    "num": "nomor",
    "jml": "jumlah",
    "jmlh": "jumlah",
    "jlh": "jumlah",
    "tgl": "tanggal",
    "tg": "tanggal",
    "tanggal": "tanggal",
    "telp": "telepon",
    "tlp": "telepon",
    "telpon": "telepon",
    "tlpn": "telepon",
    "telefon": "telepon",
    "handphone": "hp",
    "ponsel": "hp",
    "hape": "hp",
    "wa": "wa",
    "whatsap": "whatsapp",
    "rmh": "rumah",
    "ket": "keterangan",
    "ktrngn": "keterangan",
    "kel": "keluarga",
    "klg": "keluarga",
    "permalam": "per malam",
    "semalam": "per malam",
    "perhari": "per hari",
    "malamnya": "malam",
    "kpl": "kepala",
    "almt": "alamat",
    "nm": "nama",
    "kep": "kepala",
    "stts": "status",
    "sts": "status",
}
NOISE = {"rp", "rupiah", "idr", "nya"}


def canonical_words(header: str) -> str:
    """'No. HP / WA' -> 'nomor hp wa'; 'Iuran/malam (Rp)' -> 'iuran malam'; '#' -> '#'."""
    text = str(header or "").strip().lower()
    if text == "#":
        return text
    words = []
    for word in re.sub(r"[^0-9a-z]+", " ", text).split():
        words.extend(SYNONYMS.get(word, word).split())
    return " ".join(w for w in words if w not in NOISE)


_ALIASES = {alias: c.key for c in COLUMNS for alias in c.aliases}
_ALIASES.update(dict.fromkeys(ROW_NUMBER_ALIASES, ROW_NUMBER))
_ALIASES.update(dict.fromkeys(NOT_A_FIELD, ""))


def guess_field(header: str) -> str:
    """The field key the header names, ROW_NUMBER, or '' when it is not known."""
    words = canonical_words(header)
    if not words:
        return ""
    if words in _ALIASES:
        return _ALIASES[words]
    if words.startswith("nomor "):
        rest = words.removeprefix("nomor ")
        if rest in _ALIASES:
            return _ALIASES[rest]
    tokens = set(words.split())
    for key, tells in KEYWORDS:
        if tokens & set(tells):
            return key
    return ""


def known_phrasings() -> dict[str, list[str]]:
    """Every phrasing the guesser knows, by field (for the docs and the report)."""
    known: dict[str, list[str]] = {}
    for alias, key in _ALIASES.items():
        known.setdefault(key or "(not a field)", []).append(alias)
    return known
