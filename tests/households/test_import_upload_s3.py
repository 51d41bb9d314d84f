"""With media in an S3 bucket (several app servers), a household-import file kept between the preview and the
commit lives in the bucket: the commit may reach another server than the preview. moto stands for the bucket."""

from types import SimpleNamespace

from households import upload_store
from tests.s3 import bucket_files


def _keys(s3) -> list[str]:
    return list(bucket_files(s3))


def test_a_kept_import_file_is_read_back_by_another_server(bucket, settings, tmp_path):
    request = SimpleNamespace(session={})
    token = upload_store.keep(request, b"alamat;kepala\nNo. 1;Siti\n", "warga.csv")
    assert _keys(bucket) == [f"imports/{token}.upload"]
    assert not (settings.VAR_DIR / "imports").exists()  # nothing on the preview server's own disk

    settings.VAR_DIR = tmp_path / "server-b"  # the commit reaches a server with a var folder of its own
    assert upload_store.load(request, token) == (b"alamat;kepala\nNo. 1;Siti\n", "warga.csv")
    upload_store.discard(request)
    assert _keys(bucket) == []
