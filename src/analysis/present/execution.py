"""Notebooks executed by papermill, each in a fresh kernel talking over private local sockets.

The one notebook runner of the project: ``report`` executes every notebook with it (several at
once), ``records_report`` executes notebook 05 with its parameters. papermill injects the
parameters (a code cell tagged ``injected-parameters`` after the cell tagged ``parameters``)
and runs the cells with nbclient. Every kernel runs with the environment it is given, in the
working directory it is given, and talks to this process through IPC sockets in an empty
private temporary directory, never over a TCP port that other local users could reach; it is
shut down before the notebook is returned, so no kernel outlives its run.
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Dict
from traitlets.config import Config

TIMEOUT_S = 600
KERNEL = "python3"
INJECTED_TAG = "injected-parameters"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(Exception):
    """A cell of a notebook raised; the message is the error's last line."""


class EnvKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel with the environment it is configured with."""

    kernel_env = Dict(config=True, help="the kernel's environment (default: ours)")

    async def start_kernel(self, **kw: Any) -> None:
        """Start the kernel with ``kernel_env`` unless an environment is given."""
        kw.setdefault("env", dict(self.kernel_env) or dict(os.environ))
        await super().start_kernel(**kw)


def execute(
    notebook: Any,
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    parameters: dict[str, Any] | None = None,
) -> Any:
    """Return ``notebook`` (a path or a notebook) executed in a fresh kernel in ``cwd``.

    ``parameters`` are injected as papermill does; ``env`` is the kernel's environment
    (default: ours). A cell that raises raises ``NotebookFailed``.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if isinstance(notebook, str | Path):
        notebook = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        manager = {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}
        config = Config({EnvKernelManager.__name__: {**manager, "kernel_env": env or {}}})
        try:
            executed = papermill.execute_notebook(
                notebook,
                None,
                parameters=parameters or {},
                kernel_name=KERNEL,
                language="python",
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=TIMEOUT_S,
                kernel_manager_class=EnvKernelManager,
                config=config,
                resources={"metadata": {"path": str(cwd)}},
                shutdown_kernel="immediate",  # its work is done: no graceful wait
            )
        except PapermillExecutionError as exc:
            text = ANSI_ESCAPE.sub("", f"{exc.ename}: {exc.evalue}").strip()
            raise NotebookFailed(text.splitlines()[-1] if text else exc.ename) from None
    for cell in executed.cells:  # papermill's marks, so the cells are as they were given
        cell.metadata.pop("papermill", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = INJECTED_TAG  # papermill's id is random; the same run gives the same id
    executed.metadata.pop("papermill", None)
    return executed


def execute_all(notebooks: list[Path], envs: list[dict[str, str]], *, jobs: int) -> list[Any]:
    """Execute ``notebooks`` (each in its own directory), ``jobs`` at a time, in order given.

    A failing notebook raises ``NotebookFailed`` naming it.
    """

    def run(path: Path, env: dict[str, str]) -> Any:
        try:
            return execute(path, cwd=path.parent, env=env)
        except NotebookFailed as exc:
            raise NotebookFailed(f"{path.name} failed: {exc}") from None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(run, notebooks, envs))
