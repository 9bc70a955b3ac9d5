"""Render a case file as a PDF (fpdf2 with text shaping, so Swedish and an Arabic answer
written right to left come out as written), with the bundled DejaVu Sans font."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from io import BytesIO
from pathlib import Path

from fpdf import FPDF, FontFace
from PIL import Image

from conversations.casefile.model import CaseFile, Entry, Picture, Section

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 18  # mm
PICTURE_HEIGHT = 110  # mm: at most this tall, so a photo and its title share a page
GREY = (90, 90, 90)
RED = (160, 20, 20)
RTL = ("R", "AL", "AN")
LABEL_WIDTH = 62  # mm: the form's question column
WIDE_LABEL = 100  # mm: the checklist's "Check!" questions
LONG_ANSWER = 900  # characters: longer answers go under their label, free to span pages
CELL_PADDING = 3  # mm: an answer cell's padding, left and right together
BOUNDARY = re.compile(r"(?<=[/&])|(?=[?&=#])")  # where a link may break and stay a link


def _align(text: str) -> str:
    """Right-aligned if the text starts (its first strong letter) right to left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in RTL:
            return "R"
        if direction == "L":
            return "L"
    return "L"


class _Pages(FPDF):
    """Pages that each carry the reference, the marking and 'page n of m'."""

    def __init__(self, file: CaseFile) -> None:
        super().__init__(format="A4")
        self.file = file
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)

    def header(self) -> None:
        self.set_y(8)
        self.set_font(FAMILY, "B", 9)
        self.cell(0, 5, self.file.running_head, align="L")
        self.set_text_color(*RED)
        self.set_x(MARGIN)
        self.cell(0, 5, self.file.marking, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_draw_color(*GREY)
        self.line(MARGIN, 14, self.w - MARGIN, 14)
        self.set_y(MARGIN + 4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.file.generated, align="L")
        self.set_x(MARGIN)
        label = self.file.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, label, align="R")
        self.set_text_color(0, 0, 0)


def _too_wide(pdf: FPDF, text: str, width: float) -> bool:
    """Whether a word (a link, a long number) in the text is wider than a line."""
    return any(pdf.get_string_width(word) > width for word in text.split())


def _wrapped(pdf: FPDF, text: str, width: float) -> str:
    """The text with each word wider than a line broken at a link's own boundaries (after /
    and &, before ? = #), so that a link or a number is never cut in the middle of a part."""
    width -= 0.5  # mm: room for rounding in the line breaker
    lines = []
    for line in text.splitlines():
        words = []
        for word in line.split(" "):
            if pdf.get_string_width(word) <= width:
                words.append(word)
                continue
            chunks = [""]
            for part in (p for p in BOUNDARY.split(word) if p):
                if chunks[-1] and pdf.get_string_width(chunks[-1] + part) > width:
                    chunks.append("")
                chunks[-1] += part
            words.append("\n".join(chunks))
        lines.append(" ".join(words))
    return "\n".join(lines)


def _paragraph(pdf: FPDF, text: str, *, size: float, bold: bool = False, indent: int = 0) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_x(MARGIN + 6 * indent)
    text = _wrapped(pdf, text, pdf.epw - 6 * indent)
    for part in text.splitlines() or [""]:
        pdf.multi_cell(0, size * 0.5, part or " ", align=_align(part), new_x="LMARGIN")
        pdf.set_x(MARGIN + 6 * indent)


def _rows(pdf: FPDF, entries: list[Entry], label_width: float) -> None:
    """Labelled entries as the paper form has them: the question left, the answer right."""
    bold = FontFace(emphasis="BOLD", size_pt=9)
    pdf.set_font(FAMILY, "", 10)
    answer_width = pdf.epw - label_width - CELL_PADDING
    with pdf.table(
        col_widths=(label_width, pdf.epw - label_width),
        width=pdf.epw,
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
        v_align="TOP",
        line_height=4.6,
        padding=(1.2, 1.5, 1.2, 1.5),
    ) as table:
        for entry in entries:
            row = table.row()
            label = entry.label.replace("kl. ", "kl.\u00a0")  # "kl." stays with its time
            row.cell(("   " * entry.indent) + label, style=bold)
            text = _wrapped(pdf, entry.text, answer_width)
            row.cell(text or "–", align=_align(entry.text))
    pdf.ln(2)


def _entries(pdf: FPDF, section: Section) -> None:
    """A section's entries: runs of labelled ones as a table, the rest as paragraphs (and a
    very long answer, or one with a long link, under its label, with the page's width)."""
    label_width = WIDE_LABEL if section.wide_labels else LABEL_WIDTH
    pdf.set_font(FAMILY, "", 10)
    answer_width = pdf.epw - label_width - CELL_PADDING
    run: list[Entry] = []
    for entry in section.entries:
        # a link too wide for the answer column goes under its label, where it may stay whole
        fits = not _too_wide(pdf, entry.text, answer_width)
        if entry.label and len(entry.text) <= LONG_ANSWER and fits:
            run.append(entry)
            continue
        if run:
            _rows(pdf, run, label_width)
            run = []
        if entry.label:
            _paragraph(pdf, entry.label, size=9, bold=True, indent=entry.indent)
            _paragraph(pdf, entry.text, size=10, indent=entry.indent + 1)
        else:
            _paragraph(pdf, entry.text, size=10, indent=entry.indent)
        pdf.ln(1.5)
    if run:
        _rows(pdf, run, label_width)


def _size(content: bytes) -> tuple[int, int]:
    """A picture's size in pixels (ValueError: not a picture)."""
    try:
        with Image.open(BytesIO(content)) as image:
            width, height = image.size
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValueError("not a picture") from exc
    if width <= 0 or height <= 0:
        raise ValueError("not a picture")
    return width, height


def _picture(pdf: FPDF, picture: Picture, unreadable: str) -> None:
    if pdf.will_page_break(PICTURE_HEIGHT / 2):
        pdf.add_page()
    _paragraph(pdf, picture.title, size=10, bold=True)
    try:
        pixels_wide, pixels_high = _size(picture.content)
    except ValueError:  # the file itself is kept as it was sent; say so here
        _paragraph(pdf, unreadable, size=9)
        pdf.ln(3)
        return
    room = min(PICTURE_HEIGHT, pdf.h - MARGIN - pdf.get_y() - 4)
    width = min(pdf.epw, room * pixels_wide / pixels_high)
    top = pdf.get_y()
    pdf.image(BytesIO(picture.content), x=MARGIN, y=top, w=width)
    pdf.set_y(top + width * pixels_high / pixels_wide + 6)


def render(file: CaseFile, made_at: datetime | None = None) -> bytes:
    """The case file as PDF bytes."""
    pdf = _Pages(file)
    pdf.set_title(file.running_head)
    pdf.set_creator("Trygg")
    if made_at is not None:
        pdf.set_creation_date(made_at)
    pdf.alias_nb_pages("{nb}")
    pdf.add_page()
    _paragraph(pdf, file.title, size=15, bold=True)
    _paragraph(pdf, file.subtitle, size=11)
    pdf.ln(2)
    for section in file.sections:
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.ln(3)
        _paragraph(pdf, section.title, size=12, bold=True)
        pdf.ln(1)
        if section.note:
            pdf.set_text_color(*GREY)
            _paragraph(pdf, section.note, size=9)
            pdf.set_text_color(0, 0, 0)
        _entries(pdf, section)
    if file.pictures:
        pdf.add_page()
        _paragraph(pdf, file.picture_heading, size=12, bold=True)
        pdf.ln(2)
        for picture in file.pictures:
            _picture(pdf, picture, file.unreadable_picture)
    return bytes(pdf.output())
