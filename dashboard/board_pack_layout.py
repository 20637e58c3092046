"""The board pack's pages: text set in flowing blocks that never overlap, tables whose cells
wrap instead of being cut, charts placed at the size they were drawn for.

Every text is at least ``MIN_POINTS`` so that it stays readable on paper. A block that would
run past the bottom margin starts a new page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LATIN_1 = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "\u202f": " ",
        "·": "-",
        "≥": ">=",
    }
)
MIN_POINTS = 7.5  # the smallest text of the pack: 7 points is the least a board reads
PT = 0.3528  # millimetres per point

# the page (A4 portrait, millimetres)
PAGE_W, PAGE_H = 210, 297
MARGIN = 12
WIDTH = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class Page(FPDF):
    """An A4 document written top to bottom: each block asks for its room first."""

    def __init__(self, font_dir: Path = FONT_DIR) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)  # blocks move to a new page whole, never split
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.unicode = all((font_dir / name).exists() for name in FONT_FILES.values())
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(font_dir / name))
        self.family = "DejaVu" if self.unicode else "helvetica"
        self.add_page()

    def text_of(self, text: str) -> str:
        if self.unicode:
            return text
        return text.translate(LATIN_1).encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, bold: bool = False, colour: str = "#000000") -> None:
        self.set_font(self.family, "B" if bold else "", max(size, MIN_POINTS))
        self.set_text_color(*rgb(colour))

    def room(self, height: float) -> None:
        """A new page unless ``height`` more millimetres fit above the bottom margin."""
        if self.get_y() + height > BOTTOM:
            self.add_page()

    def lines(self, text: str, width: float, markdown: bool = False) -> list[str]:
        """How the current font breaks ``text`` into lines of ``width``."""
        # fpdf2 annotates multi_cell with the union of every output; "LINES" is list[str]
        return self.multi_cell(
            width,
            1,
            self.text_of(text),
            dry_run=True,  # type: ignore[return-value]
            output="LINES",
            markdown=markdown,
            padding=0,
        )

    def block(
        self,
        text: str,
        size: float,
        bold: bool = False,
        colour: str = "#000000",
        x: float = MARGIN,
        width: float = WIDTH,
        gap: float = 1.0,
        markdown: bool = False,
    ) -> None:
        """A wrapped paragraph at the cursor, on a new page if it does not fit."""
        self.style(size, bold, colour)
        line = max(size, MIN_POINTS) * PT * 1.35
        self.room(len(self.lines(text, width, markdown)) * line)
        self.set_x(x)
        self.multi_cell(
            width,
            line,
            self.text_of(text),
            markdown=markdown,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_y(self.get_y() + gap)

    def heading(self, text: str, size: float = 12) -> None:
        self.room(size * PT * 1.4 + 25)  # a heading never ends a page alone
        self.set_y(self.get_y() + 2)
        self.block(text, size, bold=True, gap=1.5)

    def rule(self, colour: str = "#0072B2", width: float = 0.5) -> None:
        self.set_draw_color(*rgb(colour))
        self.set_line_width(width)
        self.line(MARGIN, self.get_y(), MARGIN + WIDTH, self.get_y())
        self.set_y(self.get_y() + 2)

    def wrapped_table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        size: float = 8.5,
        first_bold: bool = False,
    ) -> None:
        """A table whose cells wrap: each row as tall as its tallest cell."""
        line = size * PT * 1.3
        aligns = ["L"] + ["R"] * (len(widths) - 1)

        def row_height(cells: Sequence[str], bold: bool) -> float:
            self.style(size, bold)
            return (
                max(
                    len(self.lines(text or "-", w - 2))
                    for text, w in zip(cells, widths, strict=True)
                )
                * line
                + 2
            )

        def draw(cells: Sequence[str], bold: bool, fill: str | None) -> None:
            height = row_height(cells, bold)
            self.room(height)
            top, left = self.get_y(), float(MARGIN)
            if fill:
                self.set_fill_color(*rgb(fill))
                self.rect(MARGIN, top, sum(widths), height, style="F")
            for j, (text, w) in enumerate(zip(cells, widths, strict=True)):
                self.style(size, bold or (first_bold and j == 1), "#333333" if bold else "#000000")
                self.set_xy(left + 1, top + 1)
                self.multi_cell(w - 2, line, self.text_of(text or "-"), align=aligns[j])
                left += w
            self.set_y(top + height)

        draw(head, True, None)
        for i, cells in enumerate(rows):
            draw(cells, False, "#eef4fa" if i % 2 == 0 else None)
        self.set_y(self.get_y() + 2)

    def picture(self, png: bytes, width: float, height: float) -> None:
        self.room(height)
        self.image(png, x=MARGIN, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 1)

    def boxed(self, title: str, text: str, fill: str = "#fff4e0", border: str = "#E69F00") -> None:
        """A titled note in a coloured box (the small-numbers caution)."""
        self.style(8.5, bold=True)
        title_h = 8.5 * PT * 1.4
        self.style(MIN_POINTS)
        line = MIN_POINTS * PT * 1.35
        height = title_h + len(self.lines(text, WIDTH - 4)) * line + 4
        self.room(height)
        top = self.get_y()
        self.set_fill_color(*rgb(fill))
        self.set_draw_color(*rgb(border))
        self.rect(MARGIN, top, WIDTH, height, style="DF")
        self.set_y(top + 1.5)
        self.block(title, 8.5, bold=True, x=MARGIN + 2, width=WIDTH - 4, gap=0)
        self.block(text, MIN_POINTS, x=MARGIN + 2, width=WIDTH - 4, gap=0)
        self.set_y(top + height + 2)
