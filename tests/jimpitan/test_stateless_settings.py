"""Several app servers: CACHE_URL picks the shared cache, JIMPITAN_S3_BUCKET the shared media storage; unset,
both stay on this machine as before. A value the app cannot use stops it at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jimpitan.lib import backup as backup_lib
from jimpitan.settings import FILE_CACHE, cache_from_url, media_storage

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.conf import settings; from django.core.files.storage import storages; "
    "print(settings.CACHES['default']['BACKEND'], type(storages['default']).__name__)"
)


def _shell(tmp_path, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_", "CACHE_"))}
    env.update({"JIMPITAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jimpitan.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "redis://cache.internal:6380", "rediss://:secret@cache.example:6380/2"]
)
def test_a_redis_url_selects_djangos_redis_cache(url):
    assert cache_from_url("CACHE_URL", url) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "TIMEOUT": 3600,
    }


def test_unset_keeps_the_file_cache_of_one_server():
    assert cache_from_url("CACHE_URL", "") == FILE_CACHE
    assert FILE_CACHE["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"


@pytest.mark.parametrize(
    "url",
    [
        "memcached://127.0.0.1:11211",
        "127.0.0.1:6379",
        "redis://",
        "redis://127.0.0.1:port/0",
        "redis://127.0.0.1:6379/zero",
        "file:///var/cache/jimpitan",
    ],
)
def test_a_cache_url_it_cannot_use_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="is not a Redis URL"):
        cache_from_url("CACHE_URL", url)


def test_media_stay_on_disk_unless_a_bucket_is_named():
    assert media_storage("", "") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = media_storage("kas-kampung", "http://127.0.0.1:9000")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "kas-kampung"
    assert s3["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    # Receipts are private and never overwritten by a later upload of the same name.
    assert s3["OPTIONS"]["default_acl"] is None and s3["OPTIONS"]["file_overwrite"] is False


@pytest.mark.parametrize(
    "bucket,endpoint,message",
    [("", "http://127.0.0.1:9000", "JIMPITAN_S3_BUCKET is not"), ("kas", "127.0.0.1:9000", "not an http")],
)
def test_an_s3_setting_it_cannot_use_is_refused(bucket, endpoint, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(bucket, endpoint)


def test_sessions_and_login_failures_are_kept_in_the_shared_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_the_app_starts_with_the_shared_cache_and_s3_and_refuses_a_bad_cache_url(tmp_path):
    default = _shell(tmp_path)
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["django.core.cache.backends.filebased.FileBasedCache", "FileSystemStorage"]
    shared = _shell(
        tmp_path, CACHE_URL="redis://127.0.0.1:6379/0", JIMPITAN_S3_BUCKET="kas", JIMPITAN_S3_ENDPOINT_URL="http://s3"
    )
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "S3Storage"]
    bad = _shell(tmp_path, CACHE_URL="memcache://127.0.0.1")
    assert bad.returncode != 0
    assert "CACHE_URL='memcache://127.0.0.1' is not a Redis URL" in bad.stderr


def test_a_backup_names_the_bucket_instead_of_archiving_a_local_media_folder(settings, tmp_path):
    receipt = tmp_path / "receipts" / "nota.jpg"
    receipt.parent.mkdir()
    receipt.write_bytes(b"nota")
    assert backup_lib.media_bucket() is None
    assert backup_lib._media_files(tmp_path) == [receipt]
    settings.STORAGES = {**settings.STORAGES, "default": media_storage("kas-kampung", "http://127.0.0.1:9000")}
    # Leftovers on one app server's disk are not the kampung's receipts once they live in the bucket.
    assert backup_lib.media_bucket() == "kas-kampung"
    assert backup_lib._media_files(tmp_path) == []
