"""What the build of LD 42 LGBTQ+ Training Resources makes: a PDF of each document page.

The documents are written once, as the accessible HTML pages in package/documents/; this reads
each page's text (its h1, h2, paragraphs, lists and tables, not the page's tools) and lays it out
with fpdf2 in pdf/<name>.pdf, so the PDF never says something the page does not. Reproducible:
a fixed creation date, and fpdf2's /ID derived from the content.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "package" / "documents"
COURSE = "LD 42 LGBTQ+ Training Resources"
# A fixed date for every PDF (no build carries the time it was made).
PDF_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
BRAND = (18, 57, 92)
INK = (27, 31, 36)
MUTED = (74, 82, 96)


class _Block:
    """One block of text: h1, h2, p, li (text: its mark, a space, its text), or a table's
    row or head (cells). A plain class: the builder loads this file outside sys.modules, where
    dataclasses cannot resolve annotations."""

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind = kind
        self.text = text
        self.cells: list[str] = []


class _DocumentText(HTMLParser):
    """The blocks of a document page's <main>, skipping its tools (nav) and its notice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.in_main = False
        self.skipping: str | None = None  # the tag being skipped, to its end
        self.lists: list[str] = []
        self.numbers: list[int] = []
        self.current: _Block | None = None
        self.row: _Block | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if self.skipping:
            return
        if tag in ("nav", "caption") or values.get("id") == "document-notice":
            self.skipping = tag
            return
        if tag in ("ul", "ol"):
            self.lists.append(tag)
            self.numbers.append(0)
        elif tag == "li":
            self.numbers[-1] += 1
            mark = f"{self.numbers[-1]}." if self.lists[-1] == "ol" else "-"
            self.current = _Block("li", mark + " ")
        elif tag in ("h1", "h2", "p"):
            self.current = _Block(tag)
        elif tag == "tr":
            self.row = _Block("row")
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []
            if tag == "th" and values.get("scope") == "col":
                self.row.kind = "head"

    def handle_endtag(self, tag: str) -> None:
        if not self.in_main:
            return
        if self.skipping:
            if tag == self.skipping:
                self.skipping = None
            return
        if tag == "main":
            self.in_main = False
        elif tag in ("ul", "ol"):
            self.lists.pop()
            self.numbers.pop()
        elif tag in ("li", "h1", "h2", "p") and self.current is not None:
            self.current.text = " ".join(self.current.text.split())
            self.blocks.append(self.current)
            self.current = None
        elif tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.blocks.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if not self.in_main or self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.current is not None:
            self.current.text += data


def _latin(text: str) -> str:
    """The PDF's core fonts hold Latin-1 only."""
    for wide, narrow in (("–", "-"), ("—", "-"), ("’", "'"), ("…", "..."), ("←", "<-")):
        text = text.replace(wide, narrow)
    return text.replace("“", '"').replace("”", '"')


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.set_text_color(*MUTED)
        self.cell(0, 10, f"{COURSE} - California POST - page {self.page_no()}", align="C")


def document_pdf(page: str) -> bytes:
    """The PDF of one document page's HTML."""
    reader = _DocumentText()
    reader.feed(page)
    blocks = reader.blocks
    title = next(block.text for block in blocks if block.kind == "h1")
    pdf = _Document(format="Letter")
    pdf.set_creation_date(PDF_DATE)
    pdf.set_title(title)
    pdf.set_author("Learning Portal course team")
    pdf.set_subject(COURSE)
    pdf.set_lang("en-US")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind in ("row", "head"):
            rows = []
            while index < len(blocks) and blocks[index].kind in ("row", "head"):
                rows.append(blocks[index].cells)
                index += 1
            _table(pdf, rows)
            continue
        if block.kind == "h1":
            pdf.set_font("Helvetica", "B", 20)
            pdf.set_text_color(*BRAND)
            pdf.multi_cell(0, 9, _latin(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif block.kind == "h2":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 14)
            pdf.set_text_color(*BRAND)
            pdf.multi_cell(0, 7, _latin(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "li":
            mark, _, text = block.text.partition(" ")
            pdf.set_font("Helvetica", size=11)
            pdf.set_text_color(*INK)
            pdf.set_x(pdf.l_margin)
            pdf.cell(7, 5.6, mark)
            pdf.multi_cell(0, 5.6, _latin(text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font("Helvetica", size=11)
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, 5.6, _latin(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        index += 1
    return bytes(pdf.output())


def _table(pdf: FPDF, rows: list[list[str]]) -> None:
    pdf.set_font("Helvetica", size=10.5)
    pdf.set_text_color(*INK)
    widths = (40, 86) if len(rows[0]) == 2 else (52, 44, 44)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=6) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(_latin(cell) or " ")
    pdf.ln(4)


def generate(out: Path) -> None:
    """pdf/<name>.pdf in the package being built, for every document page."""
    folder = out / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    for page in sorted(DOCUMENTS.glob("*.html")):
        (folder / f"{page.stem}.pdf").write_bytes(document_pdf(page.read_text(encoding="utf-8")))
