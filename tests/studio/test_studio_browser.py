"""Smoke test: an annotator opens a pre-annotated task in headless Chromium; its regions render.

On the PostgreSQL-backed server, as an annotator account of `studio users add` (not the admin).
Debian's `chromium`, driven over the DevTools protocol (websocket-client): the session cookie
of a real login is set, the task is opened, and the highlighted spans are read from the DOM.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request

import pytest

from tarifftalks.gold import read_gold_file
from tarifftalks.studio import server, users

from .conftest import FIXTURE, client_of, project_id, run, tasks_of, unavailable

pytestmark = [pytest.mark.studio, pytest.mark.browser]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-allow-origins=*",
    "--window-size=1400,1000",
)


class DevTools:
    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.n = 0

    def __call__(self, method: str, **params) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]


def test_pre_annotated_regions_render(pg_env, annotators, fixture_root, tmp_path, capsys):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(chromium):
        unavailable("Debian's chromium is not installed (.ci/install-studio.sh installs it)")
    pytest.importorskip("websocket", reason="websocket-client (dev extra)")
    studio = pg_env
    client = client_of(studio)
    push = ("studio", "push", "--root", str(fixture_root), "--project", "browser", "--gold")
    assert run(capsys, *push)[0] == 0
    pid = project_id(client, "browser")
    task = tasks_of(client, pid)[0]
    assert not task.annotations, "only the pre-annotation is there"
    gold = read_gold_file(FIXTURE / "annotation" / "gold" / "tt-900.json")
    expected = {m["text"] for m in gold["entities"]} | {
        e["trigger"]["text"] for e in gold["events"]
    }

    annotator = annotators[0]
    with users.login(studio.url, annotator.email, annotator.password) as session:
        cookies = {c.name: c.value for c in session.cookies.jar}
        me = session.get("/api/current-user/whoami").json()
    assert me["email"] == annotator.email and cookies.get("sessionid")
    port = server.free_port()
    proc = subprocess.Popen(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'chrome'}",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        targets = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r:
                    targets = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        assert targets, "chromium's DevTools endpoint did not come up"
        page = next(t for t in targets if t["type"] == "page")
        cdp = DevTools(page["webSocketDebuggerUrl"])
        cdp("Network.enable")
        for name, value in sorted(cookies.items()):
            cdp("Network.setCookie", name=name, value=value, url=studio.url)
        cdp("Page.navigate", url=f"{studio.url}/projects/{pid}/data?task={task.id}")
        script = (
            "JSON.stringify(Array.from(document.querySelectorAll('.htx-highlight'))"
            ".map(e => e.textContent))"
        )
        seen: set[str] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            res = cdp("Runtime.evaluate", expression=script, returnByValue=True)
            seen = set(json.loads(res["result"].get("value") or "[]"))
            if expected <= seen:
                break
            time.sleep(1)
        missing = expected - seen
        assert not missing, f"regions not rendered: {sorted(missing)[:10]}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
