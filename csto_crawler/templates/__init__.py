"""Text shipped with the package as data: the schema document's preamble, the release's README and
Datasette queries. ``load(name)`` reads one (from an installed wheel as from a source tree)."""

from __future__ import annotations

from importlib.resources import files
from string import Template


def load(name: str) -> Template:
    """The template file ``name`` of this package, for ``string.Template.substitute``."""
    return Template(files(__name__).joinpath(name).read_text(encoding="utf-8"))


def read(name: str) -> str:
    """The data file ``name`` of this package, as text."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")
