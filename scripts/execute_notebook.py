"""Execute one notebook on the project's tslab kernel with nbclient; write the executed copy.

usage: execute_notebook.py SRC OUT --kernel NAME [--params JSON] [--meta JSON]

Parameters are injected papermill-style in a cell after the one tagged "parameters"
(`Object.assign(params, {...})`). A failing cell stops the run: its notebook, number, label and the
error text it printed go to stderr, the exit code is 1 and OUT is left as it was. OUT is written
to a temporary file and renamed. Progress on stdout: one line per labelled cell, and for the
training cells' progress displays (display id a2progress-…) a line per run every 30 s while it
trains and one when it is done. The executed copy is nbformat 4.5 with an id for every cell: the
source's own, else its label, else cell-N (the injected cell: injected-parameters).
"""
import argparse, json, os, re, sys, time

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
    """Echoes the notebook's training progress displays to stdout, throttled."""

    def __init__(self, *args, name="", **kwargs):
        super().__init__(*args, **kwargs)
        self._name = name
        self._last = 0.0
        self._done = set()

    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        display_id = (content.get("transient") or {}).get("display_id") or ""
        if msg.get("msg_type") in ("display_data", "update_display_data") and display_id.startswith("a2progress-"):
            self._progress(content.get("data", {}).get("text/plain", ""))
        return super().process_message(msg, cell, cell_index)

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--kernel", required=True)
    p.add_argument("--params", default="{}")
    p.add_argument("--meta", default="{}")
    p.add_argument("--timeout", type=int, default=4 * 3600)
    a = p.parse_args()
    name = os.path.basename(a.src)
    nb = nbformat.read(a.src, as_version=4)
    with open(a.src, encoding="utf-8") as f:
        source_ids = [c.get("id") for c in json.load(f).get("cells", [])]
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

    def on_error(cell, cell_index, **_):
        failed.setdefault("index", cell_index)

    def on_complete(cell, cell_index, **_):
        lab = label(cell)
        if lab:
            print(f"[cell] {name} {lab} ({time.time() - started:.0f} s)", flush=True)

    client = ProgressClient(
        nb, name=name, kernel_name=a.kernel, timeout=a.timeout, allow_errors=False, record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.src))}},
        on_cell_error=on_error, on_cell_complete=on_complete,
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        i = failed.get("index")
        if i is None:
            print(f"error: {name}: {type(e).__name__}: {str(e).strip()[:500]}", file=sys.stderr)
            return 1
        cell = nb.cells[i]
        code_no = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
        where = f"cell {code_no}" + (f" ({label(cell)})" if label(cell) else "")
        text = " ".join(error_text(cell).split())
        print(f"error: {name}: {where} failed: {text}", file=sys.stderr)
        return 1
    nb.metadata["a2report"] = json.loads(a.meta)
    tmp = f"{a.out}.{os.getpid()}.tmp"
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
