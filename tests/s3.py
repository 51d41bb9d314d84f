"""An S3 bucket for media (JIMPITAN_S3_BUCKET), stood for by moto's in-process S3: the `bucket` fixture (made
available to every test by tests/conftest.py) switches the default storage to it and yields the boto3 client."""

import boto3
import pytest
from moto import mock_aws

from jimpitan.settings import media_storage

BUCKET = "kas-kampung"


@pytest.fixture
def bucket(settings, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "drill", "AWS_SECRET_ACCESS_KEY": "drill"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        storage = media_storage(BUCKET, "")
        storage["OPTIONS"]["region_name"] = "us-east-1"
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        yield s3


def bucket_files(s3) -> dict[str, bytes]:
    """Every file in the bucket, by key."""
    listing = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listing}
