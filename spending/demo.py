"""Demo spending for `seed_demo`: the kampung's real projects, running costs and other income.

Called after the jimpitan rounds exist; it reads the cash book (`ledger.selectors`) and writes the spending
app's tables and nothing else. Spending in a month never exceeds the cash left at the end of
the month before (other income of the month is only counted from the next month on), so the
balance cannot dip below zero on any day, whatever day in the month the coins came in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jimpitan.lib.months import month_start, next_month
from jimpitan.lib.sql import delete_all_rows, rows_changed_in_bulk
from ledger.models import default_account_id, number_in_bulk
from ledger.selectors import Flow, monthly_flows
from spending.models import Expense, IncomeSource, OtherIncome, Project, ProjectStatus

# name, description, budget, (start, end) as fractions of the demo period, purchases
PROJECTS = [
    (
        "Kesekretariatan",
        "Meja, lemari arsip, printer, dan papan pengumuman untuk sekretariat Pokja.",
        6_000_000,
        (0.0, 0.2),
        ["Lemari arsip", "Printer dan tinta", "Papan pengumuman", "Meja dan kursi rapat"],
    ),
    (
        "Balai warga",
        "Balai pertemuan warga RW 05: atap, lantai keramik, dan pengecatan.",
        40_000_000,
        (0.05, 0.45),
        ["Semen dan pasir", "Rangka atap baja ringan", "Keramik lantai", "Upah tukang", "Cat tembok"],
    ),
    (
        "Dapur stunting",
        "Dapur sehat untuk makanan tambahan balita dan ibu hamil.",
        12_000_000,
        (0.3, 1.0),
        ["Kompor dan tabung gas", "Peralatan masak", "Bahan makanan tambahan balita", "Susu dan telur"],
    ),
    (
        "Ambulans",
        "Ambulans desa untuk warga, bersama program mitra.",
        35_000_000,
        (0.4, 0.75),
        ["Uang muka mobil", "Perlengkapan medis", "Pengecatan dan stiker", "Servis dan BBM"],
    ),
    (
        "Arena belajar dan bermain",
        "Taman baca dan area bermain anak di samping balai warga.",
        15_000_000,
        (0.55, 0.85),
        ["Rak dan buku bacaan", "Ayunan dan perosotan", "Paving block", "Karpet dan mainan edukatif"],
    ),
    (
        "Musala",
        "Renovasi musala: tempat wudu, karpet, dan pengeras suara.",
        25_000_000,
        (0.7, 1.0),
        ["Tempat wudu", "Karpet musala", "Pengeras suara", "Upah tukang"],
    ),
    (
        "Kelompok Wanita Tani (KWT)",
        "Kebun gizi KWT: bibit, polybag, pupuk, dan rak hidroponik.",
        5_000_000,
        (0.15, 1.0),
        ["Bibit sayur", "Polybag dan pupuk", "Rak hidroponik", "Selang dan alat siram"],
    ),
]

RUNNING_COSTS = [
    ("Alat tulis dan fotokopi laporan", "Toko Fotokopi Berkah", (30, 120)),
    ("Konsumsi rapat Pokja", "Warung Bu Sri", (100, 300)),
    ("Listrik pos ronda", "PLN", (50, 150)),
    ("Senter dan baterai petugas ronda", "Toko Listrik Jaya", (40, 120)),
    ("Cetak kartu ronda", "Percetakan Mandiri", (60, 150)),
]

# Days the Pokja takes to look at an expense's receipt.
APPROVAL_LAG_DAYS = 3
PROJECT_PAYEES = ["Toko Bangunan Sumber Rejeki", "CV Maju Bersama", "Toko Serba Ada", "Pak Darto (tukang)"]
DONORS = ["Bapak H. Sulaiman", "Keluarga Bu Ratna", "Alumni Karang Taruna", "Warga RT 02", "Ibu Dewi Lestari"]


# What this seeder empties, children first.
WIPED_MODELS = (
    Expense.history.model,
    Expense,
    OtherIncome.history.model,
    OtherIncome,
    Project.history.model,
    Project,
)


@dataclass
class _Month:
    """One month of the seeding: where it sits in the period and the cash it may spend."""

    month: dt.date
    index: int
    cap: int
    latest: dt.date
    recorded_by: object
    account_id: int  # the default account, read once: a money model's field default would ask per instance


# A project with the indexes of its first and last month in the period, and the purchases it makes.
_DemoProject = tuple[Project, int, int, list[str]]


def wipe_spending() -> None:
    delete_all_rows(WIPED_MODELS)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = next_month(month)
    return months


def _day_in(rng: random.Random, month: dt.date, latest: dt.date, low: int = 2, high: int = 28) -> dt.date | None:
    last_day = min(next_month(month) - dt.timedelta(days=1), latest)
    if last_day.day < low:
        return None
    return month.replace(day=rng.randint(low, min(high, last_day.day)))


def _thousands(amount: float) -> int:
    return int(amount) // 1000 * 1000


@transaction.atomic
def seed_spending(
    *, rng: random.Random, first_month: dt.date, last_month: dt.date, recorded_by, approved_by=None
) -> None:
    """Projects over the period, with their purchases, running costs and other income month by month. The
    Pokja (`approved_by`) has approved the expenses older than a week."""
    months = _months(first_month, last_month)
    if not months:
        return
    latest = dt.date.today()
    flows = monthly_flows()
    opening = sum((f.net for m, f in flows.items() if m < months[0]), 0)
    projects = _create_projects(months, latest)
    account_id = default_account_id()
    remaining = {p.pk: p.budget or 0 for p, *_ in projects}
    partner_given: set[int] = set()
    expenses: list[Expense] = []
    incomes: list[OtherIncome] = []
    for index, month in enumerate(months):
        flow = flows.get(month, Flow())
        # Cash that is there from the 1st: last month's closing, less anything this month already
        # takes out on its own (existing spending or negative adjustments).
        spendable = opening - max(0, -flow.net)
        step = _Month(month, index, int(spendable * 0.9), latest, recorded_by, account_id)
        month_expenses = _running_costs(rng, step)
        month_expenses += _project_purchases(rng, step, projects, remaining, sum(e.amount for e in month_expenses))
        month_incomes = _project_incomes(rng, step, projects, partner_given) + _donations(rng, step)
        approve_older_expenses(month_expenses, approved_by, latest)
        expenses += month_expenses
        incomes += month_incomes
        opening += flow.net - sum(e.amount for e in month_expenses) + sum(i.amount for i in month_incomes)
    _keep_running_if_nothing_bought(projects, remaining)

    number_in_bulk(sorted([*expenses, *incomes], key=lambda document: document.number_day))
    bulk_create_with_history(expenses, Expense, batch_size=500, default_user=recorded_by)
    bulk_create_with_history(incomes, OtherIncome, batch_size=500, default_user=recorded_by)
    # bulk_create saves no model, so nothing else hears of these rows unless told.
    rows_changed_in_bulk.send(sender=Expense)
    rows_changed_in_bulk.send(sender=OtherIncome)


def approve_older_expenses(expenses: list[Expense], approver, latest: dt.date) -> None:
    """A kampung's Pokja looks at the receipts within days; the last week's are still waiting."""
    if approver is None:
        return
    for expense in expenses:
        if expense.spent_on <= latest - dt.timedelta(days=APPROVAL_LAG_DAYS * 2):
            looked_at = expense.spent_on + dt.timedelta(days=APPROVAL_LAG_DAYS)
            expense.approved_by = approver
            expense.approved_at = timezone.make_aware(dt.datetime.combine(looked_at, dt.time(20)))


def _create_projects(months: list[dt.date], latest: dt.date) -> list[_DemoProject]:
    """The kampung's projects, each placed in its share of the period; done once its end has passed."""
    projects: list[_DemoProject] = []
    for order, (name, description, budget, (start, end), items) in enumerate(PROJECTS):
        first_index = int(start * (len(months) - 1))
        # The first month has no cash from before it to spend: a project also runs in the second one, if any.
        last_index = max(first_index, int(end * (len(months) - 1)), min(1, len(months) - 1))
        ends_on = next_month(months[last_index]) - dt.timedelta(days=1)
        if last_index == len(months) - 1 and end >= 1.0:
            status, ends_on = ProjectStatus.RUNNING, None
        elif ends_on < latest:
            status = ProjectStatus.DONE
        else:
            status = ProjectStatus.RUNNING
        project, _created = Project.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "budget": budget,
                "status": status,
                "starts_on": months[first_index],
                "ends_on": ends_on,
                "display_order": order,
            },
        )
        projects.append((project, first_index, last_index, items))
    return projects


def _keep_running_if_nothing_bought(projects: list[_DemoProject], remaining: dict[int, int]) -> None:
    """A project whose months had no cash to spend (a very short demo period) is not shown as done."""
    for project, *_rest in projects:
        if project.status == ProjectStatus.DONE and remaining[project.pk] == (project.budget or 0):
            project.status, project.ends_on = ProjectStatus.RUNNING, None
            project.save(update_fields=["status", "ends_on"])


def _running_costs(rng: random.Random, step: _Month) -> list[Expense]:
    """One to three of the usual small costs, as long as the month's cash allows."""
    expenses: list[Expense] = []
    spent = 0
    for description, payee, (low, high) in rng.sample(RUNNING_COSTS, k=rng.randint(1, 3)):
        amount = rng.randint(low, high) * 1000
        day = _day_in(rng, step.month, step.latest)
        if day is None or spent + amount > step.cap:
            continue
        expenses.append(
            Expense(
                spent_on=day,
                description=description,
                payee=payee,
                amount=amount,
                recorded_by=step.recorded_by,
                account_id=step.account_id,
            )
        )
        spent += amount
    return expenses


def _project_purchases(
    rng: random.Random, step: _Month, projects: list[_DemoProject], remaining: dict[int, int], spent: int
) -> list[Expense]:
    """A share of what is left of the month's cash for each running project, up to its remaining budget."""
    expenses: list[Expense] = []
    for project, first_index, last_index, items in projects:
        if not (first_index <= step.index <= last_index) or remaining[project.pk] <= 0:
            continue
        room = step.cap - spent
        share = rng.uniform(0.25, 0.6) if (project.budget or 0) >= 20_000_000 else rng.uniform(0.1, 0.35)
        if step.index == last_index and remaining[project.pk] == (project.budget or 0):
            share = max(share, 0.5)  # its last month and nothing bought yet: a project does not end empty-handed
        amount = _thousands(min(remaining[project.pk], room * share))
        day = _day_in(rng, step.month, step.latest, low=5)
        if amount < 100_000 or day is None:
            continue
        expenses.append(
            Expense(
                spent_on=day,
                project=project,
                description=rng.choice(items),
                payee=rng.choice(PROJECT_PAYEES),
                amount=amount,
                recorded_by=step.recorded_by,
                account_id=step.account_id,
            )
        )
        spent += amount
        remaining[project.pk] -= amount
    return expenses


def _project_incomes(
    rng: random.Random, step: _Month, projects: list[_DemoProject], partner_given: set[int]
) -> list[OtherIncome]:
    """The KWT's vegetable sales every month after its first, and one partner grant for two projects."""
    incomes: list[OtherIncome] = []
    for project, first_index, _last_index, _items in projects:
        day = _day_in(rng, step.month, step.latest, low=1)
        if day is None:
            continue
        if project.name.startswith("Kelompok Wanita Tani") and step.index > first_index:
            incomes.append(
                OtherIncome(
                    received_on=day,
                    source=IncomeSource.KWT_SALES,
                    source_name="KWT Melati",
                    description="Penjualan sayur hasil kebun KWT",
                    amount=rng.randint(5, 25) * 10_000,
                    project=project,
                    recorded_by=step.recorded_by,
                    account_id=step.account_id,
                )
            )
        elif (
            project.name in ("Ambulans", "Dapur stunting")
            and step.index == first_index + 1
            and project.pk not in partner_given
        ):
            amount = 15_000_000 if project.name == "Ambulans" else 4_000_000
            partner = "Program CSR Bank Daerah" if project.name == "Ambulans" else "Puskesmas Batuceper"
            incomes.append(
                OtherIncome(
                    received_on=day,
                    source=IncomeSource.PARTNER,
                    source_name=partner,
                    description=f"Bantuan program mitra untuk {project.name.lower()}",
                    amount=amount,
                    project=project,
                    recorded_by=step.recorded_by,
                    account_id=step.account_id,
                )
            )
            partner_given.add(project.pk)
    return incomes


def _donations(rng: random.Random, step: _Month) -> list[OtherIncome]:
    """Now and then a resident or a group gives to the kampung's cash."""
    if rng.random() >= 0.25:
        return []
    day = _day_in(rng, step.month, step.latest, low=1)
    if day is None:
        return []
    amount = rng.choice([250_000, 500_000, 1_000_000, 2_000_000])
    return [
        OtherIncome(
            received_on=day,
            source=IncomeSource.DONATION,
            source_name=rng.choice(DONORS),
            description="Donasi untuk kas kampung",
            amount=amount,
            recorded_by=step.recorded_by,
            account_id=step.account_id,
        )
    ]
