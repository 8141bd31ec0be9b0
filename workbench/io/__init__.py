"""Reading and writing every dataset format; the only package that touches dataset files."""
from workbench.io.errors import LoadError, RowError
from workbench.io.loader import load
from workbench.io.writers import WRITE_FORMATS, to_rows, write

__all__ = ["LoadError", "RowError", "load", "write", "to_rows", "WRITE_FORMATS"]
