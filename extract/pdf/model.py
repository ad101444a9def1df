"""Plain records the PDF reader's stages pass along: words, lines, tables, pages, paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    space_before: bool = False  # the text stream has a real space before it (however narrow the gap)

    def __reduce__(self) -> tuple:
        """Pickled as its constructor call: pages read in a forked process cross back with tens of
        thousands of words, and the slots' default pickling (a state list set field by field) costs
        twice as much both ways."""
        args = (self.text, self.x0, self.x1, self.top, self.bottom, self.size, self.bold, self.italic)
        return (Word, (*args, self.space_before))


@dataclass
class Line:
    """One printed line: words left to right, superscript marks set apart."""

    words: list[Word]
    page: int
    cell: tuple[int, int, int] | None = None  # (table, row, col)
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    marks: list[str] = field(default_factory=list)
    tokens: list[tuple[str, bool]] = field(default_factory=list)  # (text, space before)
    lead_mark: str | None = None  # a superscript that opens the line (a footnote's own number)

    @property
    def text(self) -> str:
        cached = self.__dict__.get("_text")
        if cached is not None and cached[0] == len(self.tokens):
            return cached[1]
        text = "".join((" " if sp and i else "") + t for i, (t, sp) in enumerate(self.tokens))
        self.__dict__["_text"] = (len(self.tokens), text)  # tokens only grow while the line is built
        return text


@dataclass
class Table:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[tuple[int, int, tuple[float, float, float, float]]]  # (row, col, bbox)
    lines: dict[tuple[int, int], list[Line]] = field(default_factory=dict)
    ruled: bool = True
    cuts: list[float] = field(default_factory=list)  # unruled: x of the gutters between columns


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Table]
    rules: list[tuple[float, float, float]]  # horizontal rules: x0, y, x1
    plain: bool = False  # degraded: read as plain lines after a failure in the layout code


@dataclass
class Para:
    lines: list[Line]
    page: int
    cell: tuple[int, int, int] | None = None
    label: str | None = None
    footnote: bool = False
    style: str | None = None  # "chart": the labels of a drawn chart, kept as one plain block
