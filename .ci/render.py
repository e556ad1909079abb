"""Executed copies of the notebooks, with the exported API's documentation shown under the cells that define it.

Run through `.ci/render` (which sets the data root); `--check` only compares the copies' code with the sources.
"""
from __future__ import annotations
import argparse, ast, importlib, os, re, subprocess, sys, tempfile
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT/'figures'/'notebooks'
NBS = ROOT/'nbs'

def sources() -> list[Path]:
    "The notebooks that are rendered: the overview, every method notebook, the report."
    return [NBS/'index.ipynb', *sorted(NBS.glob('[0-9]*.ipynb')), NBS/'repro'/'report.ipynb']

def code(nb) -> list[str]:
    "A notebook's code cells (without papermill's injected parameters)."
    return [c.source for c in nb.cells if c.cell_type == 'code' and 'injected-parameters' not in c.metadata.get('tags', [])]

def check() -> int:
    "0 if every rendered copy exists and has its source's code cells."
    bad = []
    for s in sources():
        r = OUT/s.name
        src = code(nbformat.read(s, 4))
        if not r.exists() or code(nbformat.read(r, 4)) != src: bad.append(s.name)
    if bad:
        print(f"Rendered notebooks out of date: {', '.join(bad)}. Run .ci/render and commit {OUT.relative_to(ROOT)}/.", file=sys.stderr)
        return 1
    print(f"{len(sources())} rendered notebooks match their sources"); return 0

def module_of(nb) -> str | None:
    "The module a notebook exports (its `#| default_exp`)."
    for c in nb.cells:
        if c.cell_type == 'code' and (m := re.search(r'^#\|\s*default_exp\s+(\S+)', c.source, re.M)): return m[1]
    return None

def exported_names(src: str) -> list[str]:
    "Public functions and classes an export cell defines."
    try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.startswith('#|')))
    except SyntaxError: return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith('_')]

def doc_markdown(obj) -> str:
    "nbdev's documentation of `obj` (signature with every parameter's comment and default), without the source link."
    from nbdev.showdoc import show_doc
    md = show_doc(obj)._repr_markdown_()
    return md[md.index('### '):] if '### ' in md else md

def add_docs(nb) -> int:
    "Insert a documentation cell under every export cell, for each public function or class it defines."
    mod = module_of(nb)
    if mod is None: return 0
    m = importlib.import_module(f'cdx.{mod}')
    out, n = [], 0
    for c in nb.cells:
        out.append(c)
        if c.cell_type == 'code' and re.match(r'#\|\s*export', c.source):
            for name in exported_names(c.source):
                if hasattr(m, name):
                    out.append(nbformat.v4.new_markdown_cell(doc_markdown(getattr(m, name)), metadata=dict(tags=['api-doc']))); n += 1
    nb.cells = out; return n

def execute(src: Path, dst: Path):
    "Execute a method notebook in its folder (as nbdev's tests do) and add its API documentation."
    from nbclient import NotebookClient
    nb = nbformat.read(src, 4)
    nb.metadata['kernelspec'] = dict(name='python3', display_name='Python 3', language='python')
    skip = [c for c in nb.cells if c.cell_type == 'code' and re.search(r'^#\|\s*eval:\s*false', c.source, re.M)]
    for c in skip: c.metadata.setdefault('tags', []).append('skip-execution')   # as nbdev's tests skip them
    NotebookClient(nb, timeout=3600, kernel_name='python3', resources=dict(metadata=dict(path=str(src.parent)))).execute()
    for c in skip: c.metadata['tags'].remove('skip-execution')
    n = add_docs(nb)
    write(nb, dst); print(f'rendered {src.relative_to(ROOT)} ({n} documented names)', flush=True)

def write(nb, dst: Path):
    "Write a rendered notebook atomically (each one as soon as it is made: an interrupted render keeps the finished ones)."
    dst.parent.mkdir(parents=True, exist_ok=True); tmp = dst.with_name(f'.{dst.name}.tmp')
    nbformat.write(nb, tmp); os.replace(tmp, dst)

def render(only: list[str] | None = None):
    with tempfile.TemporaryDirectory() as w:
        w = Path(w); tmp = w/'nbs'; tmp.mkdir()
        todo = [s for s in sources() if s.parent == NBS and (not only or s.stem in only)]
        for s in todo: execute(s, OUT/s.name)
        if not only or 'report' in only:
            py = Path(sys.executable).parent
            subprocess.run([str(py/'cdx_repro'), '--scale', 'smoke', '--runs', str(w/'runs'), '--workers', '2'], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run([str(py/'papermill'), str(NBS/'repro'/'report.ipynb'), str(tmp/'report.ipynb'), '-p', 'scale', 'smoke',
                            '-p', 'runs', str(w/'runs'), '-p', 'fig_dir', str(w/'fig'), '--no-progress-bar'], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            write(nbformat.read(tmp/'report.ipynb', 4), OUT/'report.ipynb')
            print('rendered nbs/repro/report.ipynb (on a fresh smoke batch)')

def main(argv=None):
    ap = argparse.ArgumentParser(prog='.ci/render', description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help="only check that the rendered copies match their notebooks' code")
    ap.add_argument('notebooks', nargs='*', help="render only these (names without .ipynb, e.g. 05_kd report)")
    a = ap.parse_args(argv)
    if a.check: sys.exit(check())
    known = {s.stem for s in sources()}
    if (bad := sorted(set(a.notebooks) - known)): ap.error(f"unknown notebook(s) {bad}: use some of {', '.join(sorted(known))}")
    render(a.notebooks or None); sys.exit(check() if not a.notebooks else 0)

if __name__ == '__main__': main()
