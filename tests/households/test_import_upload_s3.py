"""With media in an S3 bucket (several app servers), a household-import file kept between the preview and the
commit lives in the bucket: the commit may reach another server than the preview. moto stands for the bucket."""

from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

from households import upload_store
from jimpitan.settings import media_storage

BUCKET = "kas-kampung"


@pytest.fixture
def bucket(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "drill")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "drill")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        storage = media_storage(BUCKET, "")
        storage["OPTIONS"]["region_name"] = "us-east-1"
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        yield s3


def _keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_kept_import_file_is_read_back_by_another_server(bucket, settings, tmp_path):
    request = SimpleNamespace(session={})
    token = upload_store.keep(request, b"alamat;kepala\nNo. 1;Siti\n", "warga.csv")
    assert _keys(bucket) == [f"imports/{token}.upload"]
    assert not (settings.VAR_DIR / "imports").exists()  # nothing on the preview server's own disk

    settings.VAR_DIR = tmp_path / "server-b"  # the commit reaches a server with a var folder of its own
    assert upload_store.load(request, token) == (b"alamat;kepala\nNo. 1;Siti\n", "warga.csv")
    upload_store.discard(request)
    assert _keys(bucket) == []
