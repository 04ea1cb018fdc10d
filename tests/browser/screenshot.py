"""A picture of the nurses' worklist for the README, taken in Chromium from the demo data.

    .venv/bin/python -m tests.browser.screenshot docs/worklist.png

A temporary SQLite database gets the schema, the default protocols, the demo and one
due-work pass (as the scheduler would run it, so no warning banner); the app is served on a
loopback port and the nurse signs in to the worklist.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from config.settings import Settings
from recovery import create_app, runtime_of
from recovery.db import upgrade_database
from recovery.demo import NURSE, seed_demo
from recovery.protocols.definitions import load_defaults
from recovery.runtime import Runtime, utc_now
from recovery.sending.due_work import run_due_work
from tests.browser.chromium import launch

VIEWPORT = {"width": 1280, "height": 800}


def prepare(runtime: Runtime) -> None:
    """Schema, protocols, demo data and a due-work pass."""
    upgrade_database(runtime.engine)
    with runtime.transaction() as session:
        load_defaults(session, now=utc_now())
    seed_demo(runtime, now=utc_now())
    run_due_work(runtime, now=utc_now())


@contextmanager
def served(database: Path) -> Iterator[str]:
    """The app over ``database`` on 127.0.0.1 and a free port; yields its URL."""
    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    runtime = runtime_of(app)
    prepare(runtime)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        runtime.engine.dispose()


def take(url: str, target: Path) -> None:
    """Sign in as the demo nurse and save the worklist as it fills the window."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(base_url=url, viewport=VIEWPORT)
            page.goto("/login")
            page.get_by_label("Email").fill(NURSE[0])
            page.get_by_label("Password").fill(NURSE[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Flags")).to_be_visible()
            page.screenshot(path=str(target))
        finally:
            browser.close()


def main(arguments: list[str]) -> int:
    """Take the screenshot into the file named on the command line."""
    if len(arguments) != 1:
        print("usage: python -m tests.browser.screenshot PATH.png", file=sys.stderr)
        return 2
    target = Path(arguments[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory, served(Path(directory) / "demo.db") as url:
        take(url, target)
    print(f"Saved the worklist to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
