"""Execute one notebook on the project's tslab kernel with nbclient; write the executed copy.

usage: execute_notebook.py SRC OUT --kernel NAME [--params JSON] [--meta JSON] [--timeout SECONDS] [--parent-pipe]

Parameters are injected papermill-style in a cell after the one tagged "parameters"
(`Object.assign(params, {...})`). A failing cell stops the run: its notebook, number, label and the
error text it printed go to stderr, the exit code is 1 and OUT is left as it was. OUT is written
to a temporary file and renamed. Progress on stdout: one line per labelled cell, and for the
training cells' progress displays (display id a2progress-…) a line per run every 30 s while it
trains and one when it is done. The executed copy is nbformat 4.5 with an id for every cell: the
source's own, else its label, else cell-N (the injected cell: injected-parameters). A cell that runs
longer than --timeout seconds fails the run, named like a failing one. A kernel that does not come
up (rarely, with several starting at once) is started again, once ("[retry]" on stdout); twice is
an error naming the notebook and the kernel.

Stopping: on SIGTERM or SIGINT, or with --parent-pipe when stdin reaches its end (the parent
process holds it open, so it ends when the parent dies, however it dies), the kernel's process group is killed, its connection file and OUT's temporary file
removed, and the executor exits (the kernel is in a session of its own, so nothing else reaches it).
"""
import argparse, asyncio, atexit, json, os, re, signal, sys, threading, time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
except ImportError as e:  # pragma: no cover
    print(f"error: {e}: apt-get install jupyter-nbconvert python3-nbclient jupyter-client", file=sys.stderr)
    sys.exit(2)

LABEL = re.compile(r"^//\|\s*label:\s*(\S+)", re.M)
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def label(cell):
    m = LABEL.search("".join(cell.source) if isinstance(cell.source, list) else cell.source)
    return m.group(1) if m else None


def give_ids(nb, source_ids):
    """nbformat 4.5 cell ids, stable from one execution to the next: the source's own (source_ids,
    None where it had none: nbformat.read fills those with random ones), else the label, else cell-N."""
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 0), 5)
    own = [i if isinstance(i, str) and CELL_ID.match(i) else None for i in source_ids]
    used = set()
    for i, cell in enumerate(nb.cells):
        wanted = [own[i], label(cell) if cell.cell_type == "code" else None, f"cell-{i}"]
        free = [c for c in wanted if c and CELL_ID.match(c) and c not in used and (c == own[i] or c not in own)]
        cell["id"] = free[0] if free else next(f"cell-{i}-{k}" for k in range(1, len(nb.cells) + 2) if f"cell-{i}-{k}" not in used)
        used.add(cell["id"])


def error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": "))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    lines = [l for l in "".join(parts).splitlines() if l.strip() and not l.lstrip().startswith("at ")]
    return "\n".join(lines).strip() or "(the cell printed no error text)"


class ProgressClient(NotebookClient):
    """Echoes the notebook's training progress displays to stdout, throttled; stops through the guard."""

    def __init__(self, *args, name="", guard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._name = name
        self._guard = guard
        self._last = 0.0
        self._done = set()

    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        display_id = (content.get("transient") or {}).get("display_id") or ""
        if msg.get("msg_type") in ("display_data", "update_display_data") and display_id.startswith("a2progress-"):
            self._progress(content.get("data", {}).get("text/plain", ""))
        return super().process_message(msg, cell, cell_index)

    async def async_start_new_kernel(self, **kwargs):
        # nbclient has just put its own SIGINT/SIGTERM handlers on the event loop (a cleanup that
        # lets the run go on failing); the guard's stop replaces them.
        if self._guard:
            loop = asyncio.get_event_loop()
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.add_signal_handler(sig, self._guard.stop, sig.name)
        return await super().async_start_new_kernel(**kwargs)

    def _progress(self, text):
        lines = [l for l in (text if isinstance(text, str) else "".join(text)).splitlines() if l.strip()]
        now = time.time()
        due = now - self._last >= 30
        for line in lines:
            run = line.split(":", 1)[0]
            if "done after" in line:
                if run not in self._done:
                    self._done.add(run)
                    print(f"[train] {self._name} {line}", flush=True)
            elif due and "waiting" not in line and "from the run cache" not in line:
                print(f"[train] {self._name} {line}", flush=True)
        if due:
            self._last = now


class KernelStartError(Exception):
    """The kernel did not come up, twice."""


class Guard:
    """Kills the kernel and removes temporaries when the executor is stopped or orphaned."""

    def __init__(self):
        self.client = None
        self.tmp = None
        self._lock = threading.Lock()

    def stop(self, why):
        with self._lock:
            km = getattr(self.client, "km", None) if self.client else None
            prov = getattr(km, "provisioner", None) if km else None
            proc = getattr(prov, "process", None) if prov else None
            if proc is not None and proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the kernel leads its own session
                except OSError:
                    pass
            for f in (getattr(km, "connection_file", None) if km else None, self.tmp):
                if f:
                    try:
                        os.remove(f)
                    except OSError:
                        pass
            print(f"error: stopped ({why})", file=sys.stderr, flush=True)
            os._exit(128 + (signal.SIGTERM if why == "SIGTERM" else signal.SIGINT if why == "SIGINT" else 1))

    def install(self, parent_pipe):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda n, _f: self.stop(signal.Signals(n).name))

        def watch():
            # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read makes
            # the interpreter abort at exit.
            try:
                while os.read(0, 65536):
                    pass
            except OSError:
                pass
            self.stop("the parent process is gone")

        if parent_pipe:
            threading.Thread(target=watch, daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--kernel", required=True)
    p.add_argument("--params", default="{}")
    p.add_argument("--meta", default="{}")
    p.add_argument("--timeout", type=int, default=4 * 3600)
    p.add_argument("--parent-pipe", action="store_true")
    a = p.parse_args()
    guard = Guard()
    guard.install(a.parent_pipe)
    name = os.path.basename(a.src)
    try:
        nb = nbformat.read(a.src, as_version=4)
        with open(a.src, encoding="utf-8") as f:
            source_ids = [c.get("id") for c in json.load(f).get("cells", [])]
    except Exception as e:  # not JSON, not a notebook
        print(f"error: {a.src}: not a readable notebook ({' '.join(str(e).split())[:200]})", file=sys.stderr)
        return 2
    params = json.loads(a.params)
    if params:
        at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
        if at is None:
            print(f"error: {name}: no cell tagged 'parameters' to inject {a.params} after", file=sys.stderr)
            return 2
        cell = nbformat.v4.new_code_cell(f"void Object.assign(params, {json.dumps(params)});")
        cell.metadata["tags"] = ["injected-parameters"]
        cell["id"] = "injected-parameters"
        nb.cells.insert(at + 1, cell)
        source_ids.insert(at + 1, "injected-parameters")
    give_ids(nb, source_ids)

    failed = {}
    started = time.time()

    def on_start(cell, cell_index, **_):
        failed["current"] = cell_index

    def on_error(cell, cell_index, **_):
        failed.setdefault("index", cell_index)

    def on_executed(cell, cell_index, execute_reply=None, **_):
        lab = label(cell)
        ok = (execute_reply or {}).get("content", {}).get("status") == "ok"
        if lab and ok:
            print(f"[cell] {name} {lab} ({time.time() - started:.0f} s)", flush=True)

    def where(i):
        cell = nb.cells[i]
        code_no = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
        return f"cell {code_no}" + (f" ({label(cell)})" if label(cell) else "")

    def execute():
        # A kernel that does not come up (rarely, with several starting at once) is started again,
        # once: nothing ran on it, so the notebook is as it was read.
        for attempt in (1, 2):
            client = ProgressClient(
                nb, name=name, guard=guard, kernel_name=a.kernel, timeout=a.timeout, allow_errors=False, record_timing=False,
                resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.src))}},
                on_cell_start=on_start, on_cell_error=on_error, on_cell_executed=on_executed,
            )
            guard.client = client
            try:
                client.execute()
                return
            except (CellTimeoutError, CellExecutionError, DeadKernelError):
                raise
            except Exception as e:
                if "current" in failed:
                    raise
                # nbclient cleaned the failed start up but left its exit hook, which would fail noisily.
                atexit.unregister(client._cleanup_kernel)
                why = " ".join(f"{type(e).__name__}: {e}".split())[:200]
                if attempt == 2:
                    raise KernelStartError(why) from e
                print(f"[retry] {name}: the kernel did not start ({why}); starting another", flush=True)

    try:
        execute()
    except KernelStartError as e:
        print(f"error: {name}: the kernel {a.kernel} did not start, twice ({e})", file=sys.stderr)
        return 1
    except CellTimeoutError as e:
        i = failed.get("current")
        cell = f"{where(i)} " if i is not None else "a cell "
        print(f"error: {name}: {cell}timed out after {a.timeout} s (the cell timeout; --cell-timeout SECONDS sets it)", file=sys.stderr)
        return 1
    except (CellExecutionError, DeadKernelError) as e:
        i = failed.get("index")
        if i is None:
            print(f"error: {name}: {type(e).__name__}: {str(e).strip()[:500]}", file=sys.stderr)
            return 1
        text = " ".join(error_text(nb.cells[i]).split())
        print(f"error: {name}: {where(i)} failed: {text}", file=sys.stderr)
        return 1
    nb.metadata["a2report"] = json.loads(a.meta)
    tmp = f"{a.out}.{os.getpid()}.tmp"
    guard.tmp = tmp
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
