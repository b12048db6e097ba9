"""CV checks on real files: what is a CV here is decided by the content, never the name."""

from __future__ import annotations

import os
import stat

import pytest

from bot.applications import files
from bot.applications.files import MAX_CV_BYTES, CvRefused, check_cv
from tests.applications.cvs import docx, pdf
from tests.conftest import make_settings


def test_a_plain_pdf_and_a_plain_docx_are_cvs():
    assert check_cv(pdf()).kind == "pdf"
    assert check_cv(pdf(open_at_page=True)).kind == "pdf"  # opening at page 1 is harmless
    assert check_cv(docx()).kind == "docx"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "cv_empty"),
        (b"%PDF-1.7\nnot really a pdf at all", "cv_not_a_cv"),
        (b"<html><script>alert(1)</script></html>", "cv_not_a_cv"),
        (b"MZ\x90\x00 an executable", "cv_not_a_cv"),
        (b"PK\x03\x04 a broken zip", "cv_not_a_cv"),
        (b"\x89PNG\r\n\x1a\n", "cv_not_a_cv"),
        (b"%PDF-" + b"x" * MAX_CV_BYTES, "cv_too_big"),
    ],
    ids=["empty", "fake-pdf", "html", "exe", "broken-zip", "png", "too-big"],
)
def test_what_is_not_a_cv_is_refused_with_its_reason(content, code):
    with pytest.raises(CvRefused) as refused:
        check_cv(content)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "content",
    [
        pdf(javascript=True),
        pdf(open_action=True),
        pdf(attachment=True),
        docx(macro=True),
        docx(external_template=True),
    ],
    ids=[
        "pdf-javascript",
        "pdf-launch-on-open",
        "pdf-embedded-file",
        "docx-macro",
        "docx-template",
    ],
)
def test_active_content_is_refused(content):
    with pytest.raises(CvRefused) as refused:
        check_cv(content)
    assert refused.value.code == "cv_active_content"


def test_a_zip_bomb_and_a_zip_that_is_not_a_document_are_refused():
    with pytest.raises(CvRefused) as bomb:
        check_cv(docx(padding=files.MAX_DOCX_UNPACKED + 1))
    assert bomb.value.code == "cv_not_a_cv"
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CvRefused) as other:
        check_cv(out.getvalue())
    assert other.value.code == "cv_not_a_cv"


def test_a_cv_is_stored_privately_under_a_random_name(tmp_path):
    settings = make_settings(tmp_path)
    first = files.store(settings, check_cv(pdf()))
    second = files.store(settings, check_cv(pdf()))
    assert first != second and first.endswith(".pdf") and len(first) == 36
    path = files.stored_path(settings, first)
    assert path is not None and path.read_bytes()[:5] == b"%PDF-"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    for outside in ("../app.db", "/etc/passwd", "..", "", "x/../../y.pdf"):
        assert files.stored_path(settings, outside) is None
    files.remove(settings, first)
    assert files.stored_path(settings, first) is None
    files.remove(settings, first)  # twice: nothing to do
