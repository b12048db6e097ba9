"""CVs: checked by their content (never by their name), stored outside the web root.

A PDF must parse as one (pypdf) and carry no active content: no JavaScript, no
action run on opening or on a page event, no launch of another program, no
embedded file, no form script. A DOCX must be what Word writes (a ZIP with the
document part and its content types), without macros, embedded objects or an
external template, and of a sane size once unpacked (no ZIP bomb). Anything else,
an empty file or one over 5 MB, is refused with a code saying why.

Files are stored in `<VAR_DIR>/uploads/cv/` under a random name, readable by this
user only; the name the candidate's computer gave the file is never used.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, IndirectObject

from bot.core.settings import Settings

MAX_CV_BYTES = 5 * 1024 * 1024
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
MAX_DOCX_PARTS = 2000
MAX_PDF_OBJECTS_SCANNED = 20000
# Names that make a PDF do something when it is opened or read.
PDF_ACTIVE = (
    "/JavaScript",
    "/JS",
    "/Launch",
    "/AA",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
)
DOCX_REQUIRED = ("[Content_Types].xml", "word/document.xml")
DOCX_FORBIDDEN_PARTS = ("vbaproject.bin", "/embeddings/", "activex")


class CvRefused(ValueError):
    """A file that cannot be a CV here; `code` says why (cv_empty, cv_too_big, cv_not_a_cv,
    cv_active_content)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedCv:
    kind: str  # "pdf" or "docx"
    content: bytes


def _folder(settings: Settings) -> Path:
    return settings.var_dir / "uploads" / "cv"


def upload_dir(settings: Settings) -> Path:
    """The folder CVs live in (created, private to this user)."""
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    return folder


def _harmless_opening(action: object) -> bool:
    """An /OpenAction that only opens at a page (what word processors write) is harmless."""
    if isinstance(action, IndirectObject):
        action = action.get_object()
    if isinstance(action, list):  # a destination: [page /XYZ left top zoom]
        return True
    return isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo"


def _pdf_is_active(reader: PdfReader) -> bool:
    """Whether any object of the PDF names an action or embedded content (bounded walk)."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    scanned = 0
    while stack:
        item = stack.pop()
        scanned += 1
        if scanned > MAX_PDF_OBJECTS_SCANNED:
            return True  # too convoluted to vouch for
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001 - a broken reference: not a CV we vouch for
                return True
        if isinstance(item, DictionaryObject):
            if any(name in item for name in PDF_ACTIVE):
                return True
            if "/OpenAction" in item and not _harmless_opening(item["/OpenAction"]):
                return True
            if item.get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _check_pdf(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted or len(reader.pages) == 0:
            raise CvRefused("cv_not_a_cv")
        active = _pdf_is_active(reader)
    except CvRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError, OSError):
        raise CvRefused("cv_not_a_cv") from None
    except Exception:  # noqa: BLE001 - whatever else a crafted file makes pypdf raise
        raise CvRefused("cv_not_a_cv") from None
    if active:
        raise CvRefused("cv_active_content")


def _check_docx(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            names = {p.filename for p in parts}
            if len(parts) > MAX_DOCX_PARTS or any(n not in names for n in DOCX_REQUIRED):
                raise CvRefused("cv_not_a_cv")
            if sum(p.file_size for p in parts) > MAX_DOCX_UNPACKED:
                raise CvRefused("cv_not_a_cv")
            lowered = [n.lower() for n in names]
            if any(bad in n for n in lowered for bad in DOCX_FORBIDDEN_PARTS):
                raise CvRefused("cv_active_content")
            types = archive.read("[Content_Types].xml")
            if b"wordprocessingml.document.main" not in types:
                raise CvRefused("cv_not_a_cv")  # a .docm, a .dotx…: not a plain document
            for part in parts:
                if part.filename.endswith(".rels"):
                    rels = archive.read(part)
                    if b'TargetMode="External"' in rels and (
                        b"attachedTemplate" in rels or b"oleObject" in rels or b"/frame" in rels
                    ):
                        raise CvRefused("cv_active_content")
    except CvRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError):
        raise CvRefused("cv_not_a_cv") from None


def check_cv(content: bytes) -> CheckedCv:
    """The file's kind when it is a CV we take, else CvRefused."""
    if not content:
        raise CvRefused("cv_empty")
    if len(content) > MAX_CV_BYTES:
        raise CvRefused("cv_too_big")
    if content.startswith(b"%PDF-"):
        _check_pdf(content)
        return CheckedCv("pdf", content)
    if content.startswith(b"PK\x03\x04"):
        _check_docx(content)
        return CheckedCv("docx", content)
    raise CvRefused("cv_not_a_cv")


def store(settings: Settings, cv: CheckedCv) -> str:
    """Write the CV under a new random name; that name."""
    name = f"{secrets.token_hex(16)}.{cv.kind}"
    path = upload_dir(settings) / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(cv.content)
    return name


def stored_path(settings: Settings, stored_as: str) -> Path | None:
    """The file of a stored name (never outside the uploads folder), if it is there; reading
    creates nothing (only `store` makes the folder)."""
    folder = _folder(settings)
    path = (folder / stored_as).resolve()
    if path.parent != folder.resolve() or not path.is_file():
        return None
    return path


def remove(settings: Settings, stored_as: str) -> None:
    path = stored_path(settings, stored_as)
    if path is not None:
        path.unlink(missing_ok=True)
