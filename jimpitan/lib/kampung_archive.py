"""One kampung's whole data in the backup archive format, and its import into another deployment.

The archive is the same .tar.gz as `backup.py` makes (`manifest.json`, a database part, `media/`), with
`"kampung": <slug>` and `"engine": "json"` in the manifest. Its database part, `kampung.json`, holds:
- `kampung`: the Kampung row; `users`: the accounts its rows name (recorded_by, closed_by, history_user...),
  with their group (role) names;
- `tables`: every row of every table with a `kampung` key (its profile, signature columns, RTs, households,
  rounds, contributions, expenses, closings...), the history rows of those tables, and the Kampung's own
  history, each as {column: value} keyed by the row's old primary key;
- `links`: the rows of automatic many-to-many tables (a round's collectors).
`media/` holds only the files its rows name.

The import gives every row a fresh primary key and rewrites every key that points at an imported row, so it
never collides with the deployment's rows, whatever their ids. A kampung row that names a row of another
kampung is refused (the archive would be incomplete). A household sticker code (unique across kampungs)
already held here is given a fresh one. It runs in one transaction, in an order the database's
triggers accept: parents first, the closed months last (a closed month refuses new records), a round's
handover after its contributions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from jimpitan.lib.backup import FORMAT_VERSION, MANIFEST_NAME, MEDIA_DIR, BackupError, _applied_migrations
from jimpitan.models import Kampung
from jimpitan.tenancy import reset_sequence

# Model classes and fields are handled generically here, through Django's _meta: typed loosely.
ModelClass = Any

DATA_NAME = "kampung.json"
# Inserted last: a closed month refuses the records dated in it (a trigger), so the records go in first.
LAST_TABLES = ("ledger.monthclosing",)
# Set after every table is in: a round that names its handover refuses new contributions (a trigger).
LATE_KEYS = {"nightly.round": ("handover",)}
USER_FIELDS = ("username", "first_name", "last_name", "email", "password", "is_active", "is_staff", "date_joined")


def _tenant_models() -> list[ModelClass]:
    """Every concrete table with a `kampung` key, the history tables included."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "kampung"), None)
        if field is not None and field.is_relation and field.related_model is Kampung:
            found.append(model)
    return found


def _fresh_codes(model: ModelClass) -> list[Any]:
    """A table's unique columns that make their own value (a household's sticker code): unique across kampungs."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and not f.is_relation and callable(f.default)
    ]


def _label(model: ModelClass) -> str:
    return model._meta.label_lower


def _keys(model: ModelClass) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _ordered(tenant: list[ModelClass]) -> list[ModelClass]:
    """Parents before children; history tables (which no trigger guards) after the live ones; LAST_TABLES last."""
    live = [m for m in tenant if not hasattr(m, "instance_type")]
    done: list[ModelClass] = []

    def visit(model: ModelClass, path: tuple) -> None:
        if model in done or model in path:
            return
        for field in _keys(model):
            if field.related_model in live and field.related_model is not model:
                visit(field.related_model, (*path, model))
        done.append(model)

    for model in sorted(live, key=_label):
        visit(model, ())
    last = [m for m in done if _label(m) in LAST_TABLES]
    history = sorted((m for m in tenant if hasattr(m, "instance_type")), key=_label)
    return [m for m in done if m not in last] + last + history


# --- Export ----------------------------------------------------------------------------------------


def _rows(model: ModelClass, **where) -> list[dict]:
    names = [f.attname for f in model._meta.concrete_fields]
    return list(model._base_manager.filter(**where).order_by("pk").values(*names))


def _file_names(model: ModelClass, rows: list[dict]) -> set[str]:
    fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    return {row[name] for row in rows for name in fields if row[name]}


def _export_data(kampung: Kampung) -> tuple[dict, set[str]]:
    """The archive's database part, and the media files its rows name."""
    User = get_user_model()
    tables: dict[str, list[dict]] = {}
    links: list[dict] = []
    files: set[str] = set()
    user_ids: set[int] = set()
    for model in _ordered(_tenant_models()):
        rows = tables[_label(model)] = _rows(model, kampung_id=kampung.pk)
        files |= _file_names(model, rows)
        for field in _keys(model):
            if field.related_model is User:
                user_ids |= {row[field.attname] for row in rows if row[field.attname] is not None}
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            pairs = list(
                through.objects.filter(**{f"{source}__in": [row["id"] for row in rows]})
                .order_by("pk")
                .values_list(f"{source}_id", f"{target}_id")
            )
            if field.related_model is User:
                user_ids |= {target_id for _source, target_id in pairs}
            links.append({"table": _label(model), "field": field.name, "pairs": pairs})
    history = Kampung.history.model
    tables[_label(history)] = _rows(history, id=kampung.pk)
    user_ids |= {row["history_user_id"] for row in tables[_label(history)] if row["history_user_id"]}
    users = [
        {
            "id": user.pk,
            **{name: getattr(user, name) for name in USER_FIELDS},
            "groups": [g.name for g in user.groups.all()],
        }
        for user in User.objects.filter(pk__in=user_ids).prefetch_related("groups").order_by("pk")
    ]
    kampung_row = _rows(Kampung, pk=kampung.pk)[0]
    # The roles are the deployment's groups, the same names everywhere: a membership names its role by name.
    roles = {str(pk): name for pk, name in Group.objects.values_list("pk", "name")}
    return {"kampung": kampung_row, "users": users, "tables": tables, "links": links, "roles": roles}, files


def export_kampung(kampung: Kampung, output: Path) -> dict:
    """Write `kampung`'s archive to `output` (a file, or a folder that gets a dated name); its manifest."""
    output = Path(output)
    if output.is_dir():
        output = output / f"jimpitan-{kampung.slug}-{dt.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    data, files = _export_data(kampung)
    body = json.dumps(data, cls=DjangoJSONEncoder).encode()
    media = {name: default_storage.open(name).read() for name in sorted(files) if default_storage.exists(name)}
    manifest = {
        "format": FORMAT_VERSION,
        "app": "jimpitan",
        "kampung": kampung.slug,
        "kampung_name": kampung.name,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": "json",
        "database_file": DATA_NAME,
        "database_sha256": hashlib.sha256(body).hexdigest(),
        "row_counts": {label: len(rows) for label, rows in data["tables"].items() if rows},
        "users": len(data["users"]),
        "migrations": _applied_migrations(),
        "media_bucket": None,
        "media_files": len(media),
        "media_bytes": sum(len(content) for content in media.values()),
    }
    with tempfile.NamedTemporaryFile(dir=output.parent, prefix=".jimpitan-kampung-", delete=False) as handle:
        partial = Path(handle.name)
        with tarfile.open(fileobj=handle, mode="w:gz") as tar:
            _add(tar, MANIFEST_NAME, json.dumps(manifest, indent=2).encode())
            _add(tar, DATA_NAME, body)
            for name, content in media.items():
                _add(tar, f"{MEDIA_DIR}/{name}", content)
    partial.chmod(0o600)  # residents' names and phones are inside
    partial.replace(output)
    return {**manifest, "path": str(output)}


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(dt.datetime.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(content))


# --- Import ----------------------------------------------------------------------------------------


def read_kampung_archive(path: Path) -> tuple[dict, dict, dict[str, bytes]]:
    """The manifest, the data and the media files of a kampung archive; refuses anything else."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            contents = {
                member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
                for member in tar.getmembers()
                if member.isfile()
            }
        manifest = json.loads(contents[MANIFEST_NAME])
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a Jimpitan backup archive ({error}).") from None
    if manifest.get("app") != "jimpitan" or manifest.get("format") != FORMAT_VERSION or not manifest.get("kampung"):
        raise BackupError(f"{path} is not one kampung's archive: make it with manage.py backup --kampung SLUG.")
    body = contents.get(DATA_NAME, b"")
    if hashlib.sha256(body).hexdigest() != manifest["database_sha256"]:
        raise BackupError(f"{path} is damaged: its {DATA_NAME} does not match the manifest's checksum.")
    prefix = f"{MEDIA_DIR}/"
    media = {name[len(prefix) :]: content for name, content in contents.items() if name.startswith(prefix)}
    return manifest, json.loads(body), media


class _Import:
    """One import: the maps from the archive's primary keys to the new ones, per table."""

    def __init__(self, data: dict, media: dict[str, bytes], *, slug: str, name: str) -> None:
        self.data, self.media, self.slug, self.name = data, media, slug, name
        self.new: dict[str, dict[int, int]] = defaultdict(dict)
        self.saved_files: list[str] = []
        self.file_names: dict[str, str] = {}
        self.renamed_users: dict[str, str] = {}
        self.late: list[tuple[models.Model, dict]] = []
        self.taken: dict[str, set] = {}

    def run(self) -> Kampung:
        row = {**self.data["kampung"], "slug": self.slug, "name": self.name or self.data["kampung"]["name"]}
        kampung = self._insert(Kampung, row)
        self._users()
        models_by_label = {_label(m): m for m in _tenant_models()} | {
            _label(Kampung.history.model): Kampung.history.model
        }
        for label, rows in self.data["tables"].items():
            model = models_by_label.get(label)
            if model is None:
                raise BackupError(f"The archive holds a table this version does not know: {label}.")
            if label in LAST_TABLES or hasattr(model, "instance_type"):
                self._set_late_keys()  # before a month is closed over the rows they change
            # Rows written with their own ids (the first kampung's profile) leave PostgreSQL's sequence behind.
            reset_sequence(model, connection)
            self.taken = self._taken_values(model, rows)
            for table_row in rows:
                self._insert(model, table_row)
        self._set_late_keys()
        self._links(models_by_label)
        return kampung

    @staticmethod
    def _taken_values(model: ModelClass, rows: list[dict]) -> dict[str, set]:
        """The archive's values of a table's own unique codes (a household's sticker code) that this deployment
        already holds: one query per such column. Those get a fresh code (the kampung was copied in here)."""
        taken = {}
        for field in _fresh_codes(model):
            values = [row[field.attname] for row in rows if row.get(field.attname)]
            found = model._base_manager.filter(**{f"{field.attname}__in": values}).values_list(field.attname, flat=True)
            taken[field.attname] = set(found)
        return taken

    def _set_late_keys(self) -> None:
        for obj, values in self.late:
            type(obj)._base_manager.filter(pk=obj.pk).update(**values)
        self.late = []

    def _users(self) -> None:
        User = get_user_model()
        taken = set(
            User.objects.filter(username__in=[u["username"] for u in self.data["users"]]).values_list(
                "username", flat=True
            )
        )
        for row in self.data["users"]:
            fields = {name: row[name] for name in USER_FIELDS}
            if fields["username"] in taken:
                # Another person's account on this deployment: the imported one gets its own name.
                fields["username"] = self.renamed_users[row["username"]] = f"{row['username']}-{self.slug}"[:150]
            fields["date_joined"] = models.DateTimeField().to_python(fields["date_joined"])
            user = User(**fields)
            user.save()
            user.groups.set(Group.objects.filter(name__in=row["groups"]))
            self.new[_label(User)][row["id"]] = user.pk

    def _insert(self, model: ModelClass, row: dict) -> Any:
        label, old_pk = _label(model), row[model._meta.pk.attname]
        values = {}
        late = {}
        for field in model._meta.concrete_fields:
            value = row.get(field.attname)
            if field.primary_key:
                continue
            if field.is_relation and value is not None:
                value = self._key(model, field, value)
                if field.name in LATE_KEYS.get(label, ()):
                    late[field.attname], value = value, None
            elif isinstance(field, models.FileField) and value:
                value = self._file(value)
            elif value is not None:
                value = field.to_python(value)
                if value in self.taken.get(field.attname, ()):
                    value = field.get_default()
            if field.attname == "id" and hasattr(model, "instance_type"):
                value = self._history_of(model, value)
            values[field.attname] = value
        obj = model(**values)
        obj.save_base(raw=True, force_insert=True)  # raw: no history row, no auto_now; those are imported
        self.new[label][old_pk] = obj.pk
        if late:
            self.late.append((obj, late))
        return obj

    def _key(self, model: ModelClass, field: Any, value: int) -> int | None:
        target = field.related_model
        if target is Group:
            return Group.objects.get(name=self.data["roles"][str(value)]).pk
        mapped = self.new[_label(target)].get(value)
        if mapped is not None:
            return mapped
        if hasattr(model, "instance_type"):
            return None  # the history of a row that named one since deleted: the name is gone with it
        raise BackupError(
            f"A {model._meta.verbose_name} of this kampung names {target._meta.verbose_name} #{value}, which is not "
            "in the archive (a row of another kampung?). Nothing was imported."
        )

    def _history_of(self, model: ModelClass, old_id: Any) -> int:
        """The new id of the row a history row tells of; a row deleted since keeps its old id negated, so that
        its history stays together and never points at a live row."""
        return self.new[_label(model.instance_type)].get(old_id, -abs(old_id))

    def _file(self, name: str) -> str:
        if name not in self.file_names:
            content = self.media.get(name)
            if content is None:
                self.file_names[name] = name  # not in the archive (kept in a bucket): the name as it was
            else:
                saved = default_storage.save(name, ContentFile(content))
                self.saved_files.append(saved)
                self.file_names[name] = saved
        return self.file_names[name]

    def _links(self, models_by_label: dict[str, ModelClass]) -> None:
        for link in self.data["links"]:
            model = models_by_label[link["table"]]
            field = model._meta.get_field(link["field"])
            through = field.remote_field.through
            source_map, target_map = self.new[link["table"]], self.new[_label(field.related_model)]
            through.objects.bulk_create(
                through(
                    **{
                        f"{field.m2m_field_name()}_id": source_map[a],
                        f"{field.m2m_reverse_field_name()}_id": target_map[b],
                    }
                )
                for a, b in link["pairs"]
                if b in target_map
            )


def import_kampung(path: Path, *, slug: str = "", name: str = "") -> tuple[Kampung, dict, dict[str, str]]:
    """Load a kampung archive as a new kampung (the archive's slug, or `slug`): the kampung, the manifest and
    the accounts renamed because their username was taken. All or nothing."""
    manifest, data, media = read_kampung_archive(path)
    slug = slug or manifest["kampung"]
    if Kampung.objects.filter(slug=slug).exists():
        raise BackupError(
            f"This deployment already has a kampung {slug!r}. Import it under another slug (--slug) if both are wanted."
        )
    job = _Import(data, media, slug=slug, name=name)
    try:
        with transaction.atomic():
            kampung = job.run()
    except Exception:
        for saved in job.saved_files:
            default_storage.delete(saved)
        raise
    return kampung, manifest, job.renamed_users


def kampung_rows(kampung: Kampung) -> Iterator[tuple[str, int]]:
    """(table, rows) of a kampung, for the command's summary."""
    for model in _tenant_models():
        if not hasattr(model, "instance_type"):
            count = model._base_manager.filter(kampung=kampung).count()
            if count:
                yield model._meta.label, count
