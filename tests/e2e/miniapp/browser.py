"""A headless Chromium (Debian's ``chromium``) driven over the Chrome DevTools protocol with aiohttp's websocket.

Just what the page test needs: open a URL at a phone's size, evaluate JavaScript, press / move / release the
mouse (Chromium turns these into pointer events), type, and take a screenshot. Host resolution is limited to
127.0.0.1, so nothing the page asks for reaches the network.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aiohttp

#: Seconds to wait for Chromium to open its DevTools port.
START_TIMEOUT_S = 30
#: A phone: the viewport the editor is designed for (CSS pixels) and its pixel density.
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One page in one headless Chromium process; use ``async with Browser(profile_dir) as page``."""

    def __init__(self, profile_dir: Path) -> None:
        self.profile_dir = profile_dir
        self._ids = itertools.count(1)
        self._process: subprocess.Popen | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def __aenter__(self) -> Browser:
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
        self._process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile_dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = self.profile_dir / "DevToolsActivePort"
        for _ in range(START_TIMEOUT_S * 10):
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("chromium did not open its DevTools port")
        port = int(port_file.read_text().split()[0])
        self._http = aiohttp.ClientSession()
        async with self._http.get(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [target for target in await response.json() if target["type"] == "page"]
        self._ws = await self._http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        await self.send("Emulation.setDeviceMetricsOverride", PHONE)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self._process is not None:
            self._process.terminate()
            try:
                await asyncio.to_thread(self._process.wait, 10)
            except subprocess.TimeoutExpired:
                self._process.kill()

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One DevTools command and its result (events arriving meanwhile are dropped)."""
        assert self._ws is not None
        message_id = next(self._ids)
        await self._ws.send_str(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        while True:
            reply = json.loads((await self._ws.receive(timeout=60)).data)
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", {"url": url})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout_s: float = 30) -> Any:
        """Poll ``expression`` until it is truthy; its value. An error while a page is still loading counts as
        not yet (its document may be replaced under the evaluation)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            try:
                value = await self.evaluate(expression)
            except RuntimeError as error:
                value, last_error = None, error
            else:
                last_error = None
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"waited {timeout_s} s for {expression} (last error: {last_error})")
            await asyncio.sleep(0.1)

    async def center(self, selector: str) -> tuple[float, float]:
        rect = await self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        return rect[0], rect[1]

    async def mouse(self, kind: str, x: float, y: float) -> None:
        params: dict[str, Any] = {"type": kind, "x": x, "y": y, "button": "left", "pointerType": "mouse"}
        if kind != "mouseMoved":
            params["clickCount"] = 1
        else:
            params["buttons"] = 1
        await self.send("Input.dispatchMouseEvent", params)

    async def tap(self, selector: str) -> None:
        x, y = await self.center(selector)
        await self.mouse("mousePressed", x, y)
        await self.mouse("mouseReleased", x, y)

    async def drag(self, selector: str, dx: float, steps: int = 8) -> None:
        x, y = await self.center(selector)
        await self.mouse("mousePressed", x, y)
        for step in range(1, steps + 1):
            await self.mouse("mouseMoved", x + dx * step / steps, y)
        await self.mouse("mouseReleased", x + dx, y)

    async def type(self, text: str) -> None:
        await self.send("Input.insertText", {"text": text})

    async def screenshot(self, path: Path) -> Path:
        data = await self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path
