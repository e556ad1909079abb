"""What every bench shares: its results file names (one CPU capability per file) and writing them."""
from __future__ import annotations
import time
from pathlib import Path
import pandas as pd
import torch
from cdx.core import atomic_write

RESULTS = Path(__file__).parent/'results'

def results_path(kind: str, threads: int, suffix: str = '') -> Path:
    "bench/results/<kind>_<cpu capability>_<threads>t<suffix>.csv: a results file is of one machine kind."
    return RESULTS/f"{kind}_{torch.backends.cpu.get_cpu_capability().lower()}_{threads}t{suffix}.csv"

def write_results(df: pd.DataFrame | None, out: Path, md: str):
    "Write a bench's rows (unless None: a summary of earlier rows) and its markdown summary beside them, atomically; print the summary."
    if df is not None: atomic_write(out, lambda f: df.to_csv(f, index=False))
    atomic_write(out.with_suffix('.md'), lambda f: Path(f).write_text(md))
    print(md); print(f"-> {out}, {out.with_suffix('.md')}")

def accumulate(df: pd.DataFrame, out: Path) -> pd.DataFrame:
    "This run's rows (stamped with the time as `run`) after the earlier runs' rows in `out`: a results file gathers runs."
    df = df.assign(run=time.strftime('%Y-%m-%d %H:%M'))
    return pd.concat([pd.read_csv(out), df], ignore_index=True) if out.exists() else df

def clock(fn):
    "Wall and process-CPU seconds of `fn()`, and its result (CPU seconds are the fairer on a shared machine)."
    w, c = time.perf_counter(), time.process_time(); r = fn()
    return time.perf_counter() - w, time.process_time() - c, r

def spread(v: pd.Series, scale: float = 1., digits: int = 2) -> str:
    "`v`'s median over runs with its range, 'median (min–max)' (the median alone for one run)."
    v = v.dropna() * scale
    if len(v) == 0: return ''
    m = f'{v.median():.{digits}f}'
    return m if len(v) == 1 else f'{m} ({v.min():.{digits}f}–{v.max():.{digits}f})'
