"""Policy PDFs for the customization tests, made with fpdf2 (a real PDF a reader opens)."""

from __future__ import annotations

from fpdf import FPDF


def policy_pdf(title: str = "Vehicle Pursuit Policy", pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(
            0,
            8,
            f"{title}\nPage {page + 1}: pursuits are weighed against the danger.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
