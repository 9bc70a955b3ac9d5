"""A web page as a person reads it, as plain text for golden transcripts: the <main> part,
headings marked with #, table rows as cells between |, form fields as [label: value] and
buttons as [label]. A wording change on a page shows as a diff, as in the chat's transcripts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "h1", "h2", "h3", "li", "tr", "caption", "dt", "legend", "div"}
HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### "}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = 0  # depth within <main>
        self.lines: list[str] = []
        self.line: list[str] = []
        self.cells: list[str] | None = None
        self.select: list[str] | None = None
        self.option_selected = False
        self.in_option = False
        self.in_button = False
        self.button: list[str] = []
        self.textarea: list[str] | None = None
        self.hidden = 0  # depth inside an element for screen readers only (.sr-only)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.line)).strip()
        if text:
            self.lines.append(text)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "main":
            self.inside += 1
            return
        if not self.inside:
            return
        if self.hidden or "sr-only" in (found.get("class") or "").split():
            self.hidden += 1
            return
        in_cell = self.cells is not None and tag != "tr"
        if not in_cell and (
            tag in BLOCKS or tag in HEADINGS or tag in ("br", "form", "table", "dl", "fieldset")
        ):
            if tag == "tr":
                self._flush()
                self.cells = []
            elif self.cells is None or tag not in ("p", "div", "label"):
                self._flush()
            self.line.append(HEADINGS.get(tag, "• " if tag == "li" else ""))
        if tag in ("td", "th"):
            self.line = []
        if tag == "input":
            kind = found.get("type", "text")
            if kind == "hidden":
                return
            if kind in ("checkbox", "radio"):
                self.line.append("(x) " if "checked" in found else "( ) ")
            elif kind == "submit":
                self.line.append(f" [{found.get('value', '')}] ")
            else:
                self.line.append(f" [{found.get('value') or '____'}] ")
        if tag == "select":
            self.select = []
        if tag == "option":
            self.in_option = True
            self.option_selected = "selected" in found
        if tag == "textarea":
            self.textarea = []
        if tag == "button":
            self.in_button = True
            self.button = []
        if tag == "img":
            self.line.append(f"[image: {found.get('alt', '')}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._flush()
            self.inside -= 1
            return
        if not self.inside:
            return
        if self.hidden:
            self.hidden -= 1
            return
        if tag == "option":
            self.in_option = False
        elif tag == "dt":
            self.line.append(" — ")
        elif tag == "label":
            self.line.append(" ")
        elif tag == "select" and self.select is not None:
            chosen = self.select[0] if self.select else ""
            self.line.append(f" [{chosen} ▾] ")
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.line.append(f" [{''.join(self.textarea).strip() or '____'}] ")
            self.textarea = None
        elif tag == "button":
            self.in_button = False
            label = re.sub(r"\s+", " ", "".join(self.button)).strip()
            self.line.append(f" [{label}] ")
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append(re.sub(r"\s+", " ", "".join(self.line)).strip())
            self.line = []
        elif tag == "tr" and self.cells is not None:
            self.lines.append("| " + " | ".join(self.cells) + " |")
            self.cells = None
        elif self.cells is None and (
            tag in BLOCKS or tag in HEADINGS or tag in ("form", "table", "dl", "fieldset")
        ):
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.inside or self.hidden:
            return
        if self.select is not None:
            if self.in_option and (self.option_selected or not self.select):
                text = data.strip()
                if self.option_selected:
                    self.select.insert(0, text)
                else:
                    self.select.append(text)
            return
        if self.textarea is not None:
            self.textarea.append(data)
            return
        if self.in_button:
            self.button.append(data)
            return
        self.line.append(data)


def page_text(html: str) -> list[str]:
    """The readable lines of a page's <main>."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.lines
