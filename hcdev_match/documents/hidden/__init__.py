"""Which text of a DOCX or PDF a reader can see, and which is hidden.

Hidden text is how CVs get stuffed for a machine: white (or page-coloured)
words, 1-point words, Word's "hidden" runs, PDF text drawn in the invisible
render mode or in white. ``parsers.py`` loads this package by path inside
its isolated child process, so it imports nothing else of hcdev_match and no
parser at module level.

Judging stays on the cautious side, because a false "hidden" accuses an
honest person: white text is only hidden where nothing but the white page is
behind it (shaded cells and paragraphs, page colours, text boxes, filled
shapes and images all count as a background), and invisible PDF text drawn
over an image is taken for the OCR layer of a scan, which is the text the
image shows.
"""

from .colours import near_colour
from .pages import split_pdf_page
from .pdf import pdf_show_marks
from .word import docx_runs

__all__ = ["docx_runs", "near_colour", "pdf_show_marks", "split_pdf_page"]
