"""The one reader of uploaded CSVs: capped by bytes and rows, read a row at a time."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apdash.imports import csv_rows, read_csv_upload


def test_a_file_within_the_caps_is_read_as_text(settings):
    settings.APDASH_IMPORT_MAX_ROWS = 2
    assert read_csv_upload(SimpleUploadedFile("a.csv", "\ufeffa,b\n1,2\n3,4\n".encode())) == "a,b\n1,2\n3,4\n"


def test_one_row_too_many_is_refused(settings):
    settings.APDASH_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationError, match="more than 2 rows"):
        read_csv_upload(SimpleUploadedFile("a.csv", b"a,b\n1,2\n3,4\n5,6\n"))


def test_the_byte_cap_is_checked_before_reading(settings):
    settings.APDASH_IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="smaller than 10"):
        read_csv_upload(SimpleUploadedFile("a.csv", b"a,b\n" + b"1,2\n" * 10))


def test_a_file_not_in_utf8_is_refused():
    with pytest.raises(ValidationError, match="UTF-8"):
        read_csv_upload(SimpleUploadedFile("a.csv", b"a,b\n\xff\xfe,1\n"))


def test_rows_are_streamed_after_the_header():
    rows = csv_rows("h1,h2\n1,2\n3,4\n")
    assert next(rows) == ["1", "2"]
    assert list(rows) == [["3", "4"]]


def test_the_defaults_are_2000_rows_and_2_mb():
    from django.conf import settings

    assert settings.APDASH_IMPORT_MAX_ROWS == 2000
    assert settings.APDASH_IMPORT_MAX_BYTES == 2 * 1024 * 1024
