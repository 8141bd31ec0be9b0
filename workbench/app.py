"""The Voila app: ``workbench serve`` (:func:`serve`) and what its notebook runs (:func:`open_dashboard`).

The target is resolved to a project folder before Voila starts; the folder reaches the notebook's
kernel through the ``WORKBENCH_PROJECT`` environment variable (Voila kernels inherit the server's
environment, plus ``QUERY_STRING`` from the request, which carries ``?reviewer=NAME``).

Safe by default: Voila listens on 127.0.0.1, never shows a traceback to a reviewer, and asks for a
token when one is given (``--token``) or a password (``--password``, or the usual Jupyter server option
``PasswordIdentityProvider.hashed_password`` in a ``voila.json``). Listening beyond loopback without
either is refused unless ``--insecure``.

Identity in the app (see :mod:`workbench.store.identity`): the project is opened with ``served=True``,
so a typed name is a claim that acts as a reviewer at most. A reviewer's key in the link
(``?reviewer=NAME&key=KEY``, made by ``workbench reviewers add NAME --role ROLE --key``), the user a
trusted proxy sets in a header (``--user-header``), or ``JUPYTERHUB_USER`` of a hub-authenticated
single-user server verifies a name, which then acts with its registered role. A token or password is a
shared gate: Voila does not tell the kernel who logged in, so it names nobody.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from workbench.serving import check_exposure, configured_password, is_loopback, password_config, run_child
from workbench.store.identity import ENV_SERVED, ENV_USER_HEADER

ENV_PROJECT = "WORKBENCH_PROJECT"
log = logging.getLogger(__name__)
REPO_NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "app.ipynb"

# The cells of notebooks/app.ipynb; used to write the notebook when the package is installed without
# the repository (a test keeps the two identical).
APP_CELLS = [
    "# The dashboard served by `workbench serve` (Voila): the project named by WORKBENCH_PROJECT,\n"
    "# else the one built from the bundled sample data. Reviewer: ?reviewer=NAME or the name field.\n"
    "from workbench.app import open_dashboard\n"
    "\n"
    "dashboard = open_dashboard()",
]


def cache_root() -> Path:
    """Where generated projects live (``WORKBENCH_CACHE`` or ``~/.cache/workbench``)."""
    env = os.environ.get("WORKBENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "workbench"


def _is_project(path: Path) -> bool:
    from workbench.store.folder import is_project_folder

    return is_project_folder(path)


def resolve_target(target: str | os.PathLike | None) -> Path:
    """A project folder for ``target``: a project as is, a dataset -> a project made from it, None -> sample.

    A dataset's project is kept in the cache folder, named after the dataset file and its content
    hash, so serving the same file again reopens the same project (and its reviews).
    """
    if target is None:
        from workbench.sample import sample_project

        return sample_project().path
    path = Path(target).expanduser().resolve()
    if _is_project(path):
        return path
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; give a project folder or a dataset file")
    if path.is_dir() and not any(path.iterdir()):
        raise ValueError(f"{path} is an empty folder, not a project; create one with `workbench init`")
    digest = _content_hash(path)
    project_path = cache_root() / "projects" / f"{path.stem}-{digest}"
    if not _is_project(project_path):
        from workbench.io import load
        from workbench.store import Project

        tmp = project_path.with_name(f".{project_path.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        Project.create(tmp, load(path)).close()
        try:
            os.replace(tmp, project_path)  # atomic: two servers racing end with one complete project
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not _is_project(project_path):
                raise
    return project_path


def _content_hash(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:12]


def app_notebook() -> Path:
    """The dashboard notebook: the repository's ``notebooks/app.ipynb``, else a generated copy."""
    if REPO_NOTEBOOK.is_file():
        return REPO_NOTEBOOK
    out = cache_root() / "app" / "app.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(notebook_json(), indent=1), encoding="utf-8")
    return out


def plotly_asset(folder: Path) -> Path:
    """Put the ``plotly`` package's own ``plotly.min.js`` at ``<folder>/wb-static/`` (where the served
    dashboard's figures fetch it; see :mod:`workbench.ui.plotly_view`) unless the same file is there."""
    import filecmp
    import shutil

    import plotly

    src = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    dest = Path(folder) / "wb-static" / "plotly.min.js"
    if not (dest.is_file() and filecmp.cmp(src, dest, shallow=False)):
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".plotly.min.js.{os.getpid()}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    return dest


def notebook_json() -> dict:
    """``APP_CELLS`` as an nbformat 4.5 notebook of code cells."""
    cells = [{"cell_type": "code", "execution_count": None, "id": f"app-{i}", "metadata": {}, "outputs": [],
              "source": src} for i, src in enumerate(APP_CELLS)]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                        "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def request_query_string() -> str:
    """The page's query string. In a pre-heated Voila kernel (``VOILA_PREHEAT=True``) the notebook runs
    before any request: this waits for the request that takes the kernel, then reads it."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def voila_query_url(env=None) -> str:
    """Where a pre-heated kernel hears of its request: Voila's ``QueryStringSocketHandler``, at
    ``ws://<app ip>:<port><ws base url>voila/query/<kernel id>`` (the URL voila.utils.wait_for_request
    builds from the same variables, voila 0.5)."""
    env = os.environ if env is None else env
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host, port = env.get("VOILA_APP_IP", "127.0.0.1"), env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(url: str | None = None, timeout: float = 5.0) -> None:
    """Wait for the request that takes this pre-heated kernel and put its variables (``QUERY_STRING``,
    ``SERVER_SOFTWARE``...) into ``os.environ``, as ``voila.utils.wait_for_request`` does.

    Written here because importing ``voila.utils`` imports Voila's server side (jupyter_server,
    jupyterlab_server): 1.24 s of CPU and 46 MB in every kernel, measured here, to read one websocket
    message. The socket is read in a thread with its own event loop (the kernel's loop is running).
    """
    import asyncio
    import threading

    import websockets

    url = url or voila_query_url()
    got: list[str] = []

    async def receive() -> None:
        try:
            async with websockets.connect(url, open_timeout=timeout) as socket:
                message = await socket.recv()
                got.append(message.decode() if isinstance(message, bytes) else message)
        except (TimeoutError, OSError, websockets.exceptions.WebSocketException) as exc:
            log.warning("the page's request could not be read from %s: %s", url, exc)

    thread = threading.Thread(target=lambda: asyncio.run(receive()), name="voila-request")
    thread.start()
    thread.join()
    if got:
        for key, value in json.loads(got[0]).items():
            os.environ[str(key)] = str(value)


def in_served_app(env=None) -> bool:
    """True inside a kernel a web server started for the app (Voila), where names are typed claims."""
    env = os.environ if env is None else env
    return bool(env.get(ENV_SERVED) or env.get("VOILA_KERNEL_ID") or env.get("VOILA_PREHEAT")
                or str(env.get("SERVER_SOFTWARE", "")).startswith("voila"))


def _set_page_title(dashboard) -> None:
    """Name the browser tab after the project (Voila titles it after the notebook: "app")."""
    from IPython.display import Javascript, display

    from workbench.ui.wording import project_title

    title = f"{project_title(dashboard.project)} · Workbench"
    # JSON text is a valid JS string literal; "<" escaped so no markup can close a script element
    display(Javascript("document.title = " + json.dumps(title).replace("<", "\\u003c") + ";"))


def open_dashboard(path: str | os.PathLike | None = None, reviewer: str | None = None):
    """Display the dashboard on ``path`` (default: ``WORKBENCH_PROJECT``, else the sample project).

    The dashboard is built and displayed first; the reviewer is read from the request afterwards, so a
    Voila kernel can build it before the request arrives (pre-heating) and still serve anyone.
    In a served kernel the project is opened with ``served=True`` (typed names are claims) and the
    request's key or the server's user verifies the reviewer. Never raises: a project that cannot be
    opened is shown as a message.

    Returns
    -------
    Dashboard or None
        The dashboard (already displayed), None when the project could not be opened.
    """
    from IPython.display import display

    from workbench.ui.dashboard import Dashboard, error_widget, one_line

    served = in_served_app()
    try:
        from workbench.store import Project

        path = path or os.environ.get(ENV_PROJECT)
        if not path:
            from workbench.sample import sample_project

            sample = sample_project()  # built on first use; reopened below the way the app opens projects
            path = sample.path
            sample.close()
        project = Project.open(path, served=served)
        dashboard = Dashboard(project, reviewer=reviewer, query_string="")
    except Exception as exc:  # noqa: BLE001
        log.debug("dashboard could not open", exc_info=True)
        display(error_widget(f"The workbench could not open the project: {one_line(exc)}"))
        return None
    display(dashboard)
    _set_page_title(dashboard)
    query = dashboard.guard(request_query_string, "reading the page address")() or ""
    if served:  # the request's headers (a trusted proxy's user) arrive with it
        from workbench.store.identity import server_identity

        dashboard.server_user = server_identity()
    dashboard.guard(dashboard.connect, "reading the page address")(query)
    return dashboard


def _warm_signals(path: Path) -> None:
    """Compute the quality signals into the project's cache now (a no-op when cached), so no browser
    tab waits for them; a failure is printed and the app starts without them."""
    from workbench.quality.engine import cached_signals
    from workbench.store import Project
    from workbench.workflows.signals import signal_cache

    with Project.open(path) as project:
        if cached_signals(project.dataset, project.guidelines, signal_cache(project)) is not None:
            return  # fresh: checked without importing the signals (seconds of a cold start)
        from tqdm import tqdm

        from workbench.workflows.signals import signals_or_none

        n = len(project.dataset)
        print(f"workbench: computing the quality signals of {n:,} records (once: they are cached for "
              "the next start)", file=sys.stderr, flush=True)
        # a bar by records when the project is large enough to run in batches; off when not a terminal
        with tqdm(total=n, unit=" records", desc="signals", file=sys.stderr, disable=None) as bar:
            signals_or_none(project, say=lambda message: print(f"workbench: {message}", file=sys.stderr),
                            progress=lambda done, _total: bar.update(done - bar.n))
        # read back once, so the combined frame's mapped copy is written before any kernel starts
        # (quality.frame_copy): every kernel then maps it instead of decoding the cache
        cached_signals(project.dataset, project.guidelines, signal_cache(project))


DEFAULT_KERNELS = 2  # pre-heated kernels kept ready by `workbench serve` (each holds one built dashboard)


def default_kernels() -> int:
    """The kernel pool size when none is given: ``WORKBENCH_POOL_SIZE``, else :data:`DEFAULT_KERNELS`."""
    return int(os.environ.get("WORKBENCH_POOL_SIZE", DEFAULT_KERNELS))


def voila_command(notebook: Path, port: int = 8866, host: str = "127.0.0.1", token: str | None = None,
                  open_browser: bool = False, pool_size: int | None = None,
                  user_header: str | None = None) -> list[str]:
    """The Voila command line (a list, never a shell string).

    ``pool_size`` pre-heated kernels (default: ``WORKBENCH_POOL_SIZE``, else :data:`DEFAULT_KERNELS`; 0
    turns pre-heating off). ``user_header`` is forwarded to the kernels (as ``HTTP_<NAME>``) for
    :func:`server_identity`.
    """
    pool_size = default_kernels() if pool_size is None else int(pool_size)
    if pool_size < 0:
        raise ValueError(f"the kernel pool size must be 0 or more, not {pool_size}")
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={int(port)}", f"--Voila.ip={host}",
           "--show_tracebacks=False", "--strip_sources=True",
           # kernels kept ready with the dashboard built: the next browser tabs paint at once (the
           # notebook reads ?reviewer= after the request arrives; see open_dashboard).
           # VoilaConfiguration.preheat_kernel / default_pool_size (voila 0.5)
           f"--preheat_kernel={pool_size > 0}", f"--pool_size={pool_size}",
           # the served dashboard draws figures with its own PlotlyView (ui.plotly_view), which fetches
           # plotly.js when a figure is first shown: the plotly extension's 4.8 MB chunk is left out of
           # every page (it cost each page ~0.3-0.6 s before the first widget), and plotly.min.js is
           # the one file beside the notebook that Voila serves besides its default images
           "--VoilaConfiguration.extension_denylist=jupyterlab-plotly",
           "--VoilaConfiguration.file_allowlist=.*\\.(png|jpg|gif|svg)",
           "--VoilaConfiguration.file_allowlist=wb-static/plotly\\.min\\.js"]
    if not open_browser:
        cmd.append("--no-browser")
    if token:
        cmd.append(f"--token={token}")
    if user_header:
        cmd.append(f"--VoilaConfiguration.http_header_envs={user_header}")
    return cmd


def serve(target: str | os.PathLike | None = None, port: int = 8866, host: str = "127.0.0.1",
          token: str | None = None, open_browser: bool = False, password: str | None = None,
          insecure: bool = False, user_header: str | None = None, kernels: int | None = None) -> int:
    """Serve the dashboard on ``target`` with Voila until interrupted; return Voila's exit code.

    Parameters
    ----------
    target : str, Path or None
        A project folder, a dataset file (a project is created for it in the cache folder), or None
        for the project built from the bundled sample data.
    port, host : int, str
        Where to listen; 127.0.0.1 keeps the app on this machine. Any other host needs a token or a
        password (or ``insecure=True``).
    token : str, optional
        A token the browser must present (``?token=...`` once; a cookie afterwards).
    open_browser : bool
        Open the default browser on the app.
    password : str, optional
        A password the browser must present (Jupyter's login form); hashed before Voila sees it.
    insecure : bool
        Listen beyond loopback without a token or password anyway.
    user_header : str, optional
        Trust this request header (e.g. ``X-Forwarded-User``) as the reviewer's verified name; only
        behind an authenticating proxy, so only on a loopback host.
    kernels : int, optional
        Kernels Voila keeps pre-heated, each with the dashboard already built, so that many browser tabs
        opened in a row get a ready page (default: ``WORKBENCH_POOL_SIZE``, else :data:`DEFAULT_KERNELS`;
        0 starts a kernel per page instead). Each costs the memory of one open tab.

    SIGTERM, SIGHUP and Ctrl-C are passed to Voila's process group; serve waits for it to end
    (killing it after 10 s), so no orphaned server keeps the port.
    """
    check_exposure(host, token, bool(password) or configured_password(), insecure, user_header)
    project = resolve_target(target)
    _warm_signals(project)
    if not is_loopback(host) and not token and not password and insecure:
        print(f"workbench serve: warning: --insecure: listening on {host} without a token or password; anyone "
              "who can reach this port can read and change the project", file=sys.stderr)
    env = {**os.environ, ENV_PROJECT: str(project), ENV_SERVED: "workbench serve"}
    env.pop(ENV_USER_HEADER, None)
    if user_header:
        env[ENV_USER_HEADER] = user_header
    conf = password_config(password) if password else None
    if conf is not None:
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(conf), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])])
    notebook = app_notebook()
    try:
        plotly_asset(notebook.parent)
    except OSError as exc:  # the page then says in place of each figure that it could not be drawn
        print(f"workbench serve: warning: plotly.js could not be put beside {notebook} ({exc}); "
              "the dashboard's figures will not be drawn", file=sys.stderr)
    cmd = voila_command(notebook, port=port, host=host, token=token, open_browser=open_browser,
                        user_header=user_header, pool_size=kernels)
    url = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
    print(f"serving {project} at {url}", flush=True)
    try:
        return run_child(cmd, env)
    finally:
        if conf is not None:
            shutil.rmtree(conf, ignore_errors=True)
