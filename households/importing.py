"""Reading a household list from a CSV or XLSX file, validating every row, and planning the changes.

Nothing here writes: `build_plan` says what an import would create, update or leave unchanged, and
`services.apply_import` carries a clean plan out in one transaction. The file's kind is judged by its
content (an XLSX is a ZIP archive; a CSV is text in UTF-8 or Windows-1252), never by its name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from households.import_columns import COLUMN_BY_KEY, COLUMNS, ROW_NUMBER, SKIP, canonical_words, guess_field
from households.lib import FormulaError, PhoneError, clean_text_cell, normalise_phone
from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.money import RupiahParseError, format_rupiah, parse_rupiah

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# A 5-MB XLSX can unpack to gigabytes (a "zip bomb"); real household lists unpack to a few MB. openpyxl holds
# the shared strings in memory whole, so this bounds them too.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# openpyxl pads every row it reads to the sheet's width, so a few-KB sheet that declares (or reaches) column
# XFD costs 16,384 cells a row: about 600 MB over 5,000 rows. A sheet declared larger than these is refused
# before its rows are read, and no row is read wider or further than these whatever the sheet says.
MAX_COLUMNS = 200
MAX_DECLARED_ROWS = 2 * MAX_ROWS


STATUS_WORDS = {
    "aktif": HouseholdStatus.ACTIVE,
    "active": HouseholdStatus.ACTIVE,
    "dibebaskan": HouseholdStatus.EXEMPT,
    "bebas": HouseholdStatus.EXEMPT,
    "exempt": HouseholdStatus.EXEMPT,
    "pindah": HouseholdStatus.MOVED,
    "moved": HouseholdStatus.MOVED,
    "moved away": HouseholdStatus.MOVED,
}
# Month names as treasurers type them, Indonesian and English, in full and abbreviated.
MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
_WORDED_DATE = re.compile(r"(\d{1,2})\s*[\s/.\-]\s*([a-z]+)\.?\s*[\s/.\-]\s*(\d{4}|\d{2})")
_WEEKDAY = re.compile(r"^(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*")
# Fields compared to decide between "updated" and "unchanged".
COMPARED_FIELDS = (
    "head_name",
    "phone",
    "members",
    "status",
    "moved_on",
    "usual_amount",
    "route_position",
    "joined_on",
    "notes",
    "address",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is ready for the treasurer."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RowWarning:
    """Something the treasurer should know about a row that is imported all the same."""

    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    row: int
    rt_number: int
    values: dict
    household: Household | None = None  # the existing household to update
    changed: list[str] = field(default_factory=list)

    @property
    def changed_labels(self) -> list[str]:
        return [str(Household._meta.get_field(name).verbose_name) for name in self.changed]


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    new_rt_numbers: list[int] = field(default_factory=list)
    skipped_headers: list[str] = field(default_factory=list)  # columns with values that the mapping leaves out
    # canonical header words -> field key or SKIP: remembered when the import is carried out
    column_choices: dict[str, str] = field(default_factory=dict)

    @property
    def to_create(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.household is None]

    @property
    def to_update(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.household is not None and r.changed]

    @property
    def unchanged(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.household is not None and not r.changed]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


# --- Reading the file ---------------------------------------------------------------------------


def read_table(data: bytes) -> list[tuple[int, list]]:
    """The file's non-blank rows as (row number, cells). Raises ImportFileError for a file we cannot read."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("Berkas lebih dari 5 MB. Hapus kolom atau lembar yang tidak perlu, lalu unggah lagi."))
    if not data.strip():
        raise ImportFileError(_("Berkas kosong. Isi templat dengan satu baris per rumah, lalu unggah lagi."))
    if data.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Ini berkas Excel lama (.xls). Di Excel pilih Simpan Sebagai → Buku Kerja Excel (.xlsx) atau CSV.")
        )
    else:
        rows = _read_csv(data)
    numbered = [(number, cells) for number, cells in rows if any(_text(c) for c in cells)]
    if not numbered:
        raise ImportFileError(_("Berkas kosong. Isi templat dengan satu baris per rumah, lalu unggah lagi."))
    return numbered


def _not_a_table() -> ImportFileError:
    return ImportFileError(
        _("Berkas ini bukan CSV atau XLSX. Unggah daftar rumah yang disimpan sebagai CSV atau XLSX.")
    )


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data:
        raise _not_a_table()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Excel on Indonesian Windows saves CSV as Windows-1252 ("ANSI").
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            # The five bytes cp1252 leaves undefined: Latin-1 reads them, and the NUL check below still applies.
            text = data.decode("latin-1")
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:4096]):
        raise _not_a_table()
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Indonesian Excel writes ';' because ',' is the decimal mark; pick whichever the header uses most,
    # outside quotes ("Nomor HP, WA" is one header in a ';' file).
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    delimiter = max((";", ",", "\t"), key=unquoted.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise ImportFileError(
            _("Berkas CSV rusak: ada tanda kutip yang tidak ditutup. Simpan ulang dari Excel.")
        ) from None


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    broken = ImportFileError(
        _("Berkas XLSX rusak atau tidak bisa dibaca. Buka di Excel, simpan ulang, lalu unggah lagi.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise broken from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("Isi berkas XLSX terlalu besar. Salin daftar rumah saja ke berkas baru, lalu unggah lagi.")
        )
    try:
        # read_only streams the sheet; data_only=False keeps formulas visible so that they can be refused.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged archive; none may become a server error
        raise broken from None
    try:
        sheet = workbook.worksheets[0]
        _check_declared_size(sheet.max_row or 0, sheet.max_column or 0)
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        rows = sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 51, max_col=width, values_only=True)
        return [(number, list(row)) for number, row in enumerate(rows, start=1)]
    except ImportFileError:
        raise
    except Exception:
        raise broken from None
    finally:
        workbook.close()


def _check_declared_size(rows: int, columns: int) -> None:
    if rows > MAX_DECLARED_ROWS or columns > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "Lembar pertama berkas XLSX tercatat berukuran %(rows)s baris × %(columns)s kolom, lebih dari batas "
                "%(max_rows)s baris × %(max_columns)s kolom. Salin daftar rumah saja ke berkas baru, lalu unggah lagi."
            )
            % {
                "rows": _thousands(rows),
                "columns": _thousands(columns),
                "max_rows": _thousands(MAX_DECLARED_ROWS),
                "max_columns": _thousands(MAX_COLUMNS),
            }
        )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- Columns and the mapping ------------------------------------------------------------------


@dataclass
class FileColumn:
    index: int
    header: str  # as the file spells it
    words: str  # canonical_words(header): the key a choice is remembered under
    samples: list[str]  # the first few values, for the mapping step
    has_values: bool
    numbered: bool  # every value a whole number: a "No." column counting the rows

    @property
    def title(self) -> str:
        return self.header or _("(kolom %(number)d tanpa judul)") % {"number": self.index + 1}


@dataclass
class UploadedTable:
    columns: list[FileColumn]
    body: list[tuple[int, list]]


def read_upload(data: bytes) -> UploadedTable:
    """The file's columns (header, first values) and body rows. Raises ImportFileError."""
    (_number, header), *body = read_table(data)
    width = max(len(cells) for _n, cells in [(0, header), *body])
    columns = []
    for index in range(width):
        values = [_text(cells[index]) for _n, cells in body if index < len(cells)]
        values = [v for v in values if v]
        columns.append(
            FileColumn(
                index=index,
                header=_text(header[index]) if index < len(header) else "",
                words=canonical_words(_text(header[index])) if index < len(header) else "",
                samples=values[:3],
                has_values=bool(values),
                numbered=bool(values) and all(v.isdigit() for v in values),
            )
        )
    return UploadedTable(columns=columns, body=body)


def guess_mapping(table: UploadedTable, remembered: dict[str, str]) -> list[str]:
    """A field key, SKIP, or '' (undecided) per column. The last choice for the same header comes first,
    then a known phrasing; a field already given to an earlier column is not guessed twice."""
    guesses = []
    for column in table.columns:
        choice = remembered.get(column.words, "") if column.words else ""
        if not choice:
            choice = guess_field(column.header)
        if choice == ROW_NUMBER:
            choice = SKIP if column.numbered or not column.has_values else ""
        if not choice and not column.has_values:
            choice = SKIP  # an empty column has nothing to lose
        guesses.append(choice)
    taken: set[str] = set()
    for index, choice in enumerate(guesses):
        if choice not in ("", SKIP):
            if choice in taken:
                guesses[index] = "" if table.columns[index].has_values else SKIP
            taken.add(choice)
    return guesses


def mapping_problems(table: UploadedTable, mapping: list[str]) -> tuple[dict[int, str], list[str]]:
    """Problems by column index (shown next to its select), and fields that no column fills."""
    by_column: dict[int, str] = {}
    first_for: dict[str, FileColumn] = {}
    for column, choice in zip(table.columns, mapping, strict=True):
        if choice == "" and column.has_values:
            by_column[column.index] = _("Kolom ini berisi data: pilih kolom rumah yang diisinya, atau pilih Lewati.")
        elif choice not in ("", SKIP):
            if choice in first_for:
                by_column[column.index] = _(
                    "“%(field)s” sudah diisi dari kolom “%(column)s”. Pilih yang lain atau Lewati."
                ) % {"field": COLUMN_BY_KEY[choice].label, "column": first_for[choice].title}
            else:
                first_for[choice] = column
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in first_for]
    return by_column, missing


def check_mapping_fixable(table: UploadedTable, mapping: list[str]) -> None:
    """Refuse a file whose required columns are missing when no undecided column could supply them, and a
    file with a header but no rows: no choice on the mapping step would make those importable."""
    _problems, missing = mapping_problems(table, mapping)
    undecided = any(c == "" and col.has_values for col, c in zip(table.columns, mapping, strict=True))
    if missing and not undecided:
        raise ImportFileError(
            _(
                "Baris judul tidak lengkap: kolom %(columns)s tidak ditemukan di baris pertama. Pakai templat yang "
                "bisa diunduh di halaman ini."
            )
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
    if not table.body:
        raise ImportFileError(_("Berkas hanya berisi baris judul. Isi satu baris per rumah di bawahnya."))
    if len(table.body) > MAX_ROWS:
        raise ImportFileError(
            _("Berkas berisi lebih dari %(count)d baris. Bagi menjadi beberapa berkas.") % {"count": MAX_ROWS}
        )


# --- Validating cells ---------------------------------------------------------------------------


class CellError(ValueError):
    pass


def _parse_rt(value) -> int:
    text = _text(value)
    match = re.fullmatch(r"(?:rt\.?\s*)?0*(\d{1,3})", text, flags=re.IGNORECASE)
    if not match or int(match.group(1)) == 0:
        raise CellError(_("RT harus berupa nomor, misalnya 03."))
    return int(match.group(1))


def _parse_text(value, *, max_length: int, required: bool) -> str:
    try:
        text = clean_text_cell(_text(value))
    except FormulaError as error:
        raise CellError(str(error)) from None
    if required and not text:
        raise CellError(_("Wajib diisi."))
    if len(text) > max_length:
        raise CellError(_("Terlalu panjang: paling banyak %(count)d huruf.") % {"count": max_length})
    return text


def _parse_whole(value, *, maximum: int, message: str) -> int | None:
    if isinstance(value, bool):
        raise CellError(message)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(message)
        number = int(value)
    else:
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise CellError(message)
        number = int(text)
    if not 0 <= number <= maximum:
        raise CellError(message)
    return number


def _parse_amount(value, cap: int) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("Tulis jumlah dalam Rupiah tanpa sen, misalnya 500."))
        amount = int(value)
    else:
        text = _text(value)
        if not text:
            return None
        try:
            amount = parse_rupiah(text)
        except RupiahParseError:
            raise CellError(_("Tulis jumlah dalam Rupiah tanpa sen, misalnya 500.")) from None
    if amount < 0:
        raise CellError(_("Jumlah tidak boleh negatif."))
    if amount > cap:
        raise CellError(_("Jumlah di atas batas wajar %(cap)s; periksa salah ketik.") % {"cap": format_rupiah(cap)})
    return amount


def _parse_date(value) -> dt.date | None:
    """An XLSX date cell, or a date as treasurers type it: 17/08/2024, 17-8-24, 2024-08-17, 17 Agustus 2024,
    17 Agt 2024, Sabtu, 17 Agustus 2024. Day first, as Indonesians write it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _WEEKDAY.sub("", _text(value).lower())
    if not text:
        return None
    parts = None
    if match := _ISO_DATE.fullmatch(text):
        parts = int(match[1]), int(match[2]), int(match[3])
    elif match := _NUMERIC_DATE.fullmatch(text):
        parts = _full_year(match[3]), int(match[2]), int(match[1])
    elif (match := _WORDED_DATE.fullmatch(text)) and match[2] in MONTHS:
        parts = _full_year(match[3]), MONTHS[match[2]], int(match[1])
    try:
        return dt.date(*parts) if parts else _refuse_date()
    except ValueError:
        return _refuse_date()


def _full_year(text: str) -> int:
    # "17/08/24": treasurers' two-digit years are this century.
    return 2000 + int(text) if len(text) == 2 else int(text)


def _refuse_date():
    raise CellError(_("Tanggal tidak terbaca; tulis seperti 17/08/2024 atau 17 Agustus 2024."))


def _parse_status(value) -> str | None:
    text = _text(value).lower()
    if not text:
        return None
    if text not in STATUS_WORDS:
        raise CellError(_("Status harus aktif, dibebaskan, atau pindah."))
    return STATUS_WORDS[text]


def parse_row(cells: list, columns: dict[str, int], cap: int) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values by field, and its problems as (column header, message)."""

    def cell(key):
        return _cell(cells, columns.get(key))

    parsers = {
        "rt": lambda v: _parse_rt(v),
        "address": lambda v: _parse_text(v, max_length=100, required=True),
        "head_name": lambda v: _parse_text(v, max_length=150, required=True),
        "phone": _phone,
        "members": lambda v: _parse_whole(v, maximum=99, message=_("Jumlah anggota harus angka bulat 0 sampai 99.")),
        "status": _parse_status,
        "moved_on": _parse_date,
        "usual_amount": lambda v: _parse_amount(v, cap),
        "route_position": lambda v: _parse_whole(
            v, maximum=1_000_000, message=_("Urutan rute harus angka bulat, misalnya 12.")
        ),
        "joined_on": _parse_date,
        "notes": lambda v: _parse_text(v, max_length=1000, required=False),
    }
    values, problems = {}, []
    for key, parse in parsers.items():
        if key not in columns:
            continue
        try:
            values[key] = parse(cell(key))
        except CellError as error:
            problems.append((COLUMN_BY_KEY[key].header, str(error)))
    if not problems:
        status, moved_on = values.get("status"), values.get("moved_on")
        if moved_on and status is None:
            values["status"] = status = HouseholdStatus.MOVED
        if moved_on and status != HouseholdStatus.MOVED:
            problems.append(("Tanggal pindah", _("Tanggal pindah hanya diisi untuk rumah yang pindah.")))
    return values, problems


def _cell(cells: list, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


def _phone(value) -> str:
    try:
        return normalise_phone(clean_text_cell(_text(value)))
    except (PhoneError, FormulaError) as error:
        raise CellError(str(error)) from None


def _phone_warning(value, phone: str) -> str | None:
    """A phone read by guessing: the leading 0 that a number cell lost, or a trunk 0 after +62. A plain 08… or
    62… number is only reformatted, and says nothing."""
    digits = re.sub(r"\D", "", _text(value))
    if not phone or digits in ("0" + phone[3:], phone[1:]):
        return None
    return _("“%(written)s” dibaca sebagai %(phone)s; periksa bila salah.") % {"written": _text(value), "phone": phone}


# --- Planning -----------------------------------------------------------------------------------


def build_plan(table: UploadedTable, mapping: list[str], *, default_amount: int, amount_cap: int) -> ImportPlan:
    """Validate every row of `table`, its columns read as `mapping` says, against the current register."""
    columns = {key: column.index for column, key in zip(table.columns, mapping, strict=True) if key not in ("", SKIP)}
    plan = ImportPlan(
        skipped_headers=[
            c.title for c, key in zip(table.columns, mapping, strict=True) if key == SKIP and c.has_values
        ],
        column_choices={c.words: key for c, key in zip(table.columns, mapping, strict=True) if c.words and key},
    )
    parsed = []
    for number, cells in table.body:
        values, problems = parse_row(cells, columns, amount_cap)
        plan.errors.extend(RowError(number, column, message) for column, message in problems)
        if not problems:
            parsed.append((number, values))
            written = _cell(cells, columns.get("phone"))
            if written is not None and (warning := _phone_warning(written, values["phone"])):
                plan.warnings.append(RowWarning(number, COLUMN_BY_KEY["phone"].header, warning))
    _plan_rows(plan, parsed, default_amount)
    plan.errors.sort(key=lambda e: e.row)
    plan.warnings.sort(key=lambda w: w.row)
    return plan


def _plan_rows(plan: ImportPlan, parsed: list[tuple[int, dict]], default_amount: int) -> None:
    """Match the valid rows to the register: new or existing households, new RTs, duplicates in the file."""
    rt_numbers = {values["rt"] for _n, values in parsed}
    existing_rts = {rt.number for rt in RT.objects.filter(number__in=rt_numbers)}
    plan.new_rt_numbers = sorted(rt_numbers - existing_rts)
    existing = {
        (h.rt.number, h.address): h for h in Household.objects.filter(rt__number__in=rt_numbers).select_related("rt")
    }
    seen: dict[tuple[int, str], int] = {}
    for number, values in parsed:
        key = (values["rt"], values["address"])
        if key in seen:
            plan.errors.append(
                RowError(
                    number,
                    "Nomor rumah/alamat",
                    _("RT %(rt)02d “%(address)s” sudah ada di baris %(row)d; satu rumah cukup satu baris.")
                    % {"rt": key[0], "address": key[1], "row": seen[key]},
                )
            )
            continue
        seen[key] = number
        household = existing.get(key)
        planned = PlannedRow(number, values["rt"], _resolve(values, household, default_amount), household)
        if household is not None:
            planned.changed = [f for f in COMPARED_FIELDS if getattr(household, f) != planned.values[f]]
        if planned.values["status"] == HouseholdStatus.MOVED and planned.values["moved_on"] is None:
            # Treasurers rarely know when a family left: it is imported as moved, its date unknown.
            plan.warnings.append(
                RowWarning(
                    number,
                    "Tanggal pindah",
                    _("Pindah tanpa tanggal: diimpor sebagai pindah, tanggal pindahnya tidak diketahui."),
                )
            )
        plan.rows.append(planned)


def _resolve(values: dict, household: Household | None, default_amount: int) -> dict:
    """Full field values for the row. A blank amount, status, route position or join date keeps what the
    household has (or the default for a new one), so re-importing an old file never undoes later edits
    to those fields; phone, members and notes are taken as the file has them when the column is there."""

    def pick(key, default):
        value = values.get(key)
        if value is None or value == "":
            if key in ("phone", "notes", "members") and key in values:
                return "" if key != "members" else None
            return getattr(household, key) if household is not None else default
        return value

    status = pick("status", HouseholdStatus.ACTIVE)
    resolved = {
        "address": values["address"],
        "head_name": values["head_name"],
        "phone": pick("phone", ""),
        "members": pick("members", None),
        "status": status,
        "moved_on": pick("moved_on", None) if status == HouseholdStatus.MOVED else None,
        "usual_amount": pick("usual_amount", default_amount),
        "route_position": pick("route_position", None),
        "joined_on": pick("joined_on", None),
        "notes": pick("notes", ""),
    }
    return resolved
