"""Hostile files for the bounded-parser tests (issue 10), built in memory.

Each builder returns bytes small enough to upload but expensive for a naive parser.
"""

import io
import zipfile


def pdf_from_objects(objects: list[bytes], *, root: int = 1) -> bytes:
    """A syntactically valid PDF of ``objects`` (object n is ``objects[n-1]``), with xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, xref))
    return out.getvalue()


def pdf_with_pages(count: int, *, catalog_extra: bytes = b"", page_extra: bytes = b"",
                   extra_objects: list[bytes] = (), declared_count: int | None = None) -> bytes:
    """``count`` pages in one flat page tree; 1 catalog, 2 pages root, 3 content, 4.. pages."""
    stream = b"BT /F1 12 Tf 72 720 Td (ASEAN customs) Tj ET"
    first_page = 4
    extra_first = first_page + count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
        + b"] /Count %d >>" % (count if declared_count is None else declared_count),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            + page_extra + b" >>")
    objects += [page] * count
    objects += [o.replace(b"{EXTRA}", b"%d" % extra_first) for o in extra_objects]
    return pdf_from_objects(objects)


def zip_of(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook_parts(workbook: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    return {i.filename: source.read(i) for i in source.infolist()}


def replace_parts(package: bytes, changes: dict[str, bytes]) -> bytes:
    entries = workbook_parts(package)
    entries.update(changes)
    return zip_of(entries)


def xlsx_with_huge_row(package: bytes, cells: int = 40_000_000,
                       sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """``package`` with a second row that declares ``cells`` cells: a dimension of that size
    and a row full of empty cells, which deflate packs a thousandfold."""
    xml = workbook_parts(package)[sheet]
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    end = xml.index(b"</sheetData>")
    rows = xml[start:end]
    first_row_end = rows.index(b"</row>") + len(b"</row>")
    header = rows[:first_row_end]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in workbook_parts(package).items():
            if name != sheet:
                archive.writestr(name, data)
        with archive.open(sheet, "w", force_zip64=True) as part:
            prefix = xml[:start].replace(b'<dimension ref="', b'<dimension ref="A1:XFD2" x="')
            part.write(prefix + header + b'<row r="2" spans="1:%d">' % cells)
            block = b"<c/>" * 100_000
            for _ in range(cells // 100_000):
                part.write(block)
            part.write(b"</row>" + xml[end:])
    return buffer.getvalue()
