"""Open a ``csto report`` HTML file in real headless Chromium: console errors, plots drawn, a screenshot.

Debian's ``chromium`` (``apt-get install -y chromium``) is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: no port, no extra package). The script records every console message
by level (``Runtime.consoleAPICalled``), every uncaught exception (``Runtime.exceptionThrown``) and
every browser log entry (``Log.entryAdded``: failed loads, CSP, ...), checks that each plot's div
holds a drawn Plotly SVG, and saves a full-page PNG. It exits 1 on any error or undrawn plot.

The browser runs with networking off as far as flags go, so the page must carry everything it needs.

Example:
  csto report --archive /tmp/r.sqlite -o /tmp/report.html
  python benchmarks/report_in_browser.py /tmp/report.html --screenshot /tmp/report.png
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-pipe",
    "--window-size=1280,900",
]
LOAD_TIMEOUT_S = 60
SETTLE_S = 2.0  # after the load event, for Plotly's deferred drawing


class DevTools:
    """A minimal DevTools protocol client over Chromium's pipe (fd 3: commands in, fd 4: messages out)."""

    def __init__(self, chromium: str, user_data_dir: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:
            # Through a spare fd: os.dup2(3, 3) would be a no-op that leaves fd 3 close-on-exec.
            spare_r, spare_w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(spare_r, 3)
            os.dup2(spare_w, 4)

        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            close_fds=False,  # fds 3 and 4 are made after the fds to keep are chosen
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout}s")
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def check_page(chromium: str, page: Path, screenshot: Path | None) -> dict[str, Any]:
    """Load ``page``; return console messages, exceptions, log entries and plots drawn."""
    with tempfile.TemporaryDirectory(prefix="csto-chromium-") as profile:
        tools = DevTools(chromium, Path(profile))
        try:
            target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page"):
                tools.send(f"{domain}.enable", session=session)
            started = time.monotonic()
            tools.send("Page.navigate", {"url": page.absolute().as_uri()}, session=session)
            tools.wait_for("Page.loadEventFired", LOAD_TIMEOUT_S)
            load_s = time.monotonic() - started
            time.sleep(SETTLE_S)
            drawn = _evaluate(
                tools,
                session,
                "JSON.stringify([...document.querySelectorAll('.plotly-graph-div')].map("
                "d => [d.id, d.querySelectorAll('svg.main-svg').length > 0 && !!d._fullLayout]))",
            )
            if screenshot is not None:
                height = int(_evaluate(tools, session, "document.documentElement.scrollHeight"))
                tools.send(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False},
                    session=session,
                )
                time.sleep(1.0)  # Plotly redraws responsive plots for the new viewport
                shot = tools.send("Page.captureScreenshot", {"format": "png"}, session=session)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            tools.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush pending events
        finally:
            tools.close()
    console = [
        {
            "level": e["params"]["type"],
            "text": " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]),
        }
        for e in tools.events
        if e.get("method") == "Runtime.consoleAPICalled"
    ]
    exceptions = [
        e["params"]["exceptionDetails"].get("exception", {}).get("description")
        or e["params"]["exceptionDetails"].get("text")
        for e in tools.events
        if e.get("method") == "Runtime.exceptionThrown"
    ]
    log = [
        {"level": e["params"]["entry"]["level"], "text": e["params"]["entry"]["text"]}
        for e in tools.events
        if e.get("method") == "Log.entryAdded"
    ]
    return {
        "load_s": round(load_s, 2),
        "plots": json.loads(drawn),
        "console": console,
        "exceptions": exceptions,
        "log": log,
    }


def _evaluate(tools: DevTools, session: str, expression: str) -> Any:
    result = tools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    return result["result"].get("value")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path, help="the report's HTML file")
    parser.add_argument("--screenshot", type=Path, help="write a full-page PNG here")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        print(f"no chromium at {args.chromium}: apt-get install -y chromium")
        return 2
    result = check_page(args.chromium, args.page, args.screenshot)
    errors = [m for m in result["console"] if m["level"] in ("error", "assert")]
    errors += [{"level": "exception", "text": t} for t in result["exceptions"]]
    errors += [m for m in result["log"] if m["level"] == "error"]
    undrawn = [plot_id for plot_id, ok in result["plots"] if not ok]
    print(f"page: {args.page} ({args.page.stat().st_size // 1024} KB), load event after {result['load_s']} s")
    print(f"plots drawn: {len(result['plots']) - len(undrawn)} of {len(result['plots'])}")
    for message in result["console"] + result["log"]:
        print(f"  console {message['level']}: {message['text']}")
    print(f"console errors: {len(errors)}")
    for error in errors:
        print(f"  {error['level']}: {error['text']}")
    if args.screenshot:
        print(f"screenshot: {args.screenshot}")
    return 1 if errors or undrawn or not result["plots"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
