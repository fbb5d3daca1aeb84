"""``python -m csto_crawler``: the ``csto`` command without the console script (tests start it so)."""

from .cli import main

main(prog_name="csto")
