"""JupyterLab and the rendered report in a real browser (Debian's Chromium driven by Playwright).

JupyterLab runs on 127.0.0.1 with a random free port, a token, and private config, runtime, data
and settings directories; it serves COPIES of the notebooks (which still import ``analysis`` and
read data/), so notebooks/ is never changed. The browser may fetch nothing but loopback and
local files. Server, kernels and browser are shut down even when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import psutil
import pytest

from analysis.paths import REPO_ROOT
from analysis.present import report

pytestmark = pytest.mark.slow  # notebooks run, a report built or the package installed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = report.notebooks()
SERVER_START_S = 90
NOTEBOOK_RUN_S = 300
STEP_MS = 60_000
SHUTDOWN_S = 15
LOCAL_SCHEMES = ("data", "blob", "file", "about")
# What JupyterLab asks when its setting fetchNews is left undecided; ours says "false".
NEWS_PROMPT = "Would you like to get notified about official Jupyter news?"
LOOPBACK = ("127.0.0.1",)


@dataclass
class Lab:
    """A running JupyterLab server."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lab_config(root: Path, workspace: Path, port: int, token: str) -> dict[str, str]:
    """Write private Jupyter directories and settings under ``root``; return the server's env."""
    dirs = {
        "JUPYTER_CONFIG_DIR": root / "config",
        "JUPYTER_RUNTIME_DIR": root / "runtime",
        "JUPYTER_DATA_DIR": root / "data",
        "JUPYTERLAB_SETTINGS_DIR": root / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": root / "lab-workspaces",
        "IPYTHONDIR": root / "ipython",
        "MPLCONFIGDIR": root / "matplotlib",
    }
    for path in dirs.values():
        path.mkdir(parents=True)
    server = {
        "ServerApp": {
            "ip": "127.0.0.1",
            "port": port,
            "port_retries": 0,
            "open_browser": False,
            "root_dir": str(workspace),
            "allow_remote_access": False,
            "terminals_enabled": False,
            "allow_root": os.geteuid() == 0,
        },
        "IdentityProvider": {"token": token},
        "LabApp": {
            "news_url": None,
            "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
            "extension_manager": "readonly",
            "expose_app_in_browser": True,
        },
    }
    (dirs["JUPYTER_CONFIG_DIR"] / "jupyter_server_config.json").write_text(json.dumps(server))
    # Whether JupyterLab asks about Jupyter news is left to the environment's settings
    # (etc/jupyterlab/overrides.json, installed by `make env`), which are what is tested.
    settings = {
        # Every cell attached to the page, so every output can be inspected.
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {**os.environ, **{k: str(v) for k, v in dirs.items()}}
    env.update({"ANALYSIS_DATA_DIR": str(REPO_ROOT / "data"), "PYTHONHASHSEED": "0"})
    for name in ("ANALYSIS_CHART_DIR", "MPLBACKEND"):  # kernels draw with the inline backend
        env.pop(name, None)
    return env


def _wait_for_server(lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {lab.process.returncode}:\n{lab.log.read_text()}")
        try:
            request = urllib.request.Request(
                f"{lab.url}/api/status", headers={"Authorization": f"token {lab.token}"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{lab.log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server, its process group, and every process it started (kernels included)."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=SHUTDOWN_S)
    _, alive = psutil.wait_procs(children, timeout=SHUTDOWN_S)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=SHUTDOWN_S)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding copies of the notebooks, beside a link to data/."""
    root = tmp_path_factory.mktemp("workspace")
    (root / "notebooks").mkdir()
    for path in NOTEBOOKS:
        shutil.copy2(path, root / "notebooks" / path.name)
    (root / "data").symlink_to(REPO_ROOT / "data", target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, workspace: Path) -> Iterator[Lab]:
    """JupyterLab serving the workspace on loopback, stopped at the end even on failure."""
    root = tmp_path_factory.mktemp("jupyter")
    port, token = _free_port(), secrets.token_hex(24)
    env = _lab_config(root, workspace, port, token)
    log = root / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser"],
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_for_server(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    """A Chromium context with a fresh profile that can reach only loopback and local files."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), (
        f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium)"
    )
    blocked: list[str] = []

    def only_local(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            timeout=STEP_MS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            context.set_default_timeout(STEP_MS)
            context.route("**/*", only_local)
            context.blocked = blocked
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def built_report(report_build: dict) -> Path:
    """The report of every notebook (the build the test session shares)."""
    return report_build["out"]


# Run in the page: the open notebook's code cells, kernel state and outputs, from its model.
NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = [];
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const output = cell.model.outputs.get(i);
      const data = output.data || {};
      const json = output.toJSON();
      outputs.push({
        type: output.type,
        image: Object.keys(data).some(m => m.startsWith('image/')),
        error: output.type === 'error' ? `${json.ename}: ${json.evalue}` : null,
      });
    }
    cells.push({count: cell.model.executionCount, outputs});
  }
  const prompts = Array.from(panel.node.querySelectorAll('.jp-InputPrompt'));
  return {
    path: panel.context.path,
    id: panel.id,
    kernel: kernel ? kernel.status : 'none',
    busy: prompts.some(p => p.textContent.includes('*')),
    cells,
  };
}"""

IMAGES = """(selector) => Array.from(document.querySelectorAll(selector)).map(img => ({
  complete: img.complete, width: img.naturalWidth, alt: img.getAttribute('alt') || '',
  src: (img.getAttribute('src') || '').slice(0, 80),
}))"""


def _stored_images(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum(
        any(m.startswith("image/") for m in output.get("data", {}))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


def test_there_are_notebooks_to_open() -> None:
    assert NOTEBOOKS, "no notebooks/NN-*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab: Lab, browser_context, workspace: Path, path: Path):
    blocked_before = len(browser_context.blocked)
    page = browser_context.new_page()
    errors_in_page: list[str] = []
    page.on("pageerror", lambda exc: errors_in_page.append(str(exc)))
    try:
        page.goto(f"{lab.url}/lab/tree/notebooks/{path.name}?reset&token={lab.token}")
        page.wait_for_function(
            """(name) => { const app = window.jupyterapp; const w = app && app.shell.currentWidget;
                return !!(w && w.context && w.context.path.endsWith(name) && w.content
                          && w.sessionContext && w.sessionContext.session
                          && w.sessionContext.session.kernel
                          && w.sessionContext.session.kernel.status === 'idle'); }""",
            arg=path.name,
        )
        page.evaluate(
            """async () => {
              const app = window.jupyterapp;
              await app.commands.execute('notebook:clear-all-cell-outputs');
              await app.commands.execute('notebook:run-all-cells');
            }"""
        )
        page.wait_for_function(
            f"""() => {{ const s = ({NOTEBOOK_STATE})();
                return !!s && !s.busy && s.kernel === 'idle'
                       && s.cells.every(c => c.count !== null); }}""",
            timeout=NOTEBOOK_RUN_S * 1000,
        )
        state = page.evaluate(NOTEBOOK_STATE)
        errors = [o["error"] for c in state["cells"] for o in c["outputs"] if o["error"]]
        assert not errors, f"{path.name}: error outputs in JupyterLab: {errors}"
        expected = sum(o["image"] for c in state["cells"] for o in c["outputs"])
        assert expected >= _stored_images(path), (
            f"{path.name}: JupyterLab produced {expected} image outputs; "
            f"the stored notebook has {_stored_images(path)}"
        )
        # Only the notebook under test: JupyterLab may restore other tabs from its workspace.
        selector = f"#{state['id']} .jp-OutputArea-output img"
        page.wait_for_function(
            f"""() => Array.from(document.querySelectorAll('{selector}'))
                   .every(img => img.complete && img.naturalWidth > 0)"""
        )
        images = page.evaluate(IMAGES, selector)
        assert len(images) == expected, f"{path.name}: {len(images)} of {expected} images shown"
        assert all(img["width"] > 0 for img in images), f"{path.name}: images not drawn: {images}"
        assert not errors_in_page, f"{path.name}: JavaScript errors: {errors_in_page}"
        # The question comes as JupyterLab restores its layout, long before a notebook has run.
        assert NEWS_PROMPT not in page.inner_text("body"), f"{path.name}: JupyterLab asked"
        assert browser_context.blocked[blocked_before:] == [], "JupyterLab reached off loopback"
    finally:
        page.close()
    assert (workspace / "notebooks" / path.name).exists()


def _check_images(page, where: str) -> list[dict]:
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete)", timeout=STEP_MS
    )
    images = page.evaluate(IMAGES, "img")
    broken = [img["src"] for img in images if img["width"] == 0]
    assert not broken, f"{where}: images that did not load: {broken}"
    missing = [img["src"] for img in images if not img["alt"].strip()]
    assert not missing, f"{where}: images without alt text: {missing}"
    placeholder = [img["src"] for img in images if "No description has been" in img["alt"]]
    assert not placeholder, f"{where}: images with nbconvert's placeholder alt text"
    return images


def test_report_gallery_in_browser(browser_context, built_report: Path) -> None:
    sidecars = sorted((built_report / "charts").glob("*/*.json"))
    page = browser_context.new_page()
    try:
        page.goto((built_report / "index.html").as_uri())
        images = _check_images(page, "index.html")
        assert len(images) == len(sidecars), "the gallery shows every exported chart once"
        descriptions = {json.loads(p.read_text())["description"] for p in sidecars}
        assert {img["alt"] for img in images} == descriptions
        links = page.evaluate("() => Array.from(document.links).map(a => a.getAttribute('href'))")
        local = [href for href in links if not href.startswith(("http://", "https://"))]
        missing = [href for href in local if not (built_report / href).is_file()]
        assert not missing, f"index.html links to missing files: {missing}"
    finally:
        page.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_rendered_notebook_in_browser(browser_context, built_report: Path, path: Path) -> None:
    page = browser_context.new_page()
    try:
        page.goto((built_report / f"{path.stem}.html").as_uri())
        images = _check_images(page, f"{path.stem}.html")
        assert len(images) >= _stored_images(path)
    finally:
        page.close()
