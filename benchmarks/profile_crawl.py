"""Where a whole crawl spends its time: one full ``csto crawl`` of a replica under pyinstrument.

pipeline_cost.py splits our own per-page work (parse, clean, archive write); this profile shows the
rest as well (Scrapy's engine, Twisted's HTTP client, middlewares), with the same politeness-off
settings as crawl_throughput.py. The report is pyinstrument's call tree (text, or HTML for ``.html``).

Example:
  python benchmarks/profile_crawl.py --scale 1000 -o benchmarks/results/profile_crawl.txt
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from measure import csto_crawl_command, script_parser
from replica import Replica


def main() -> None:
    parser = script_parser(__doc__, scale=1000, save=False)
    parser.add_argument("-o", "--output", type=Path, required=True, help="report file (.txt or .html)")
    args = parser.parse_args()
    renderer = "html" if args.output.suffix == ".html" else "text"
    with tempfile.TemporaryDirectory(prefix="csto-profile-") as tmp, Replica(args.replica, args.scale) as replica:
        crawl = csto_crawl_command(replica.sites, Path(tmp) / "archive.sqlite", Path(tmp) / "crawl.log")
        # csto_crawl_command starts with [python, -m, csto_crawler, ...]; pyinstrument takes the -m.
        command = [sys.executable, "-m", "pyinstrument", "-r", renderer, "-o", str(args.output), *crawl[1:]]
        subprocess.run(command, check=True)
    print(f"profile written to {args.output}")


if __name__ == "__main__":
    main()
