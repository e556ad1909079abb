"""Seconds of DSA (gradient matching with siamese augmentation) on CIFAR-10 at the published sizes (not run by the tests).

    CDX_DATA=/work/shared/data .venv/bin/python bench/bench_dsa.py [--ipcs 1 10 50] [--threads 1]

On the training split less the validation holdout (500/class, 45,000 images), ConvNet-3 width 128, 256 real images
per class: one outer iteration of DC/DSA is `outer` matching steps (a real and a synthetic gradient per class, the
pixel update) with `inner` passes of network training over the synthetic set between them, `(outer, inner)` from DC's
table (IPC 1: (1, 1); 10: (10, 50); 50: (50, 10)). Measured in parts so that no long iteration runs: a matching step
`m` (loops (1, 1)), a training block `t` (loops (2, inner) less two matching steps), each after one warm-up; an
iteration is `outer·m + (outer − 1)·t`, the published 1,000 iterations a thousand of them. Wall and process-CPU seconds
(the CPU ones are the fairer on a shared machine). Writes bench/results/dsa_<cpu capability>_<threads>t.csv and .md.
"""
from __future__ import annotations
import argparse, os, sys
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from common import results_path, write_results, clock
from cdx.core import set_threads, machine
from cdx.data import load_split, holdout
from cdx.condense import condense_dsa, gm_loops

def parts(train, ipc: int) -> tuple:
    "(matching step, training block) in (wall, CPU) seconds for `ipc`, each after a warm-up."
    outer, inner = gm_loops(ipc)
    run = lambda loops: clock(lambda: condense_dsa(train, ipc, iterations=1, width=128, batch_real=256, loops=loops))[:2]
    run((1, 1)); m = run((1, 1))
    if outer == 1: return m, (0., 0.)
    b = run((2, inner))
    return m, (b[0] - 2 * m[0], b[1] - 2 * m[1])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--ipcs', type=int, nargs='+', default=[1, 10, 50]); p.add_argument('--threads', type=int, default=1)
    p.add_argument('--val', type=int, default=500)
    a = p.parse_args(argv)
    set_threads(a.threads)
    train, _ = holdout(load_split('cifar10', device='cpu'), a.val)
    rows = []
    for ipc in a.ipcs:
        outer, inner = gm_loops(ipc)
        (mw, mc), (tw, tc) = parts(train, ipc)
        it_w, it_c = outer * mw + (outer - 1) * tw, outer * mc + (outer - 1) * tc
        rows.append(dict(ipc=ipc, outer=outer, inner=inner, match_wall_s=round(mw, 2), match_cpu_s=round(mc, 2),
                         train_block_wall_s=round(tw, 2), train_block_cpu_s=round(tc, 2), iteration_wall_s=round(it_w, 1),
                         iteration_cpu_s=round(it_c, 1), published_1000_cpu_h=round(it_c * 1000 / 3600, 1),
                         iterations_in_10_cpu_h=int(10 * 3600 // it_c)))
        print(rows[-1], flush=True)
    df, m = pd.DataFrame(rows), machine()
    md = (f"# DSA, CIFAR-10 (45k training images), ConvNet-3 width 128, 256 real images per class, {a.threads} thread(s)\n\n"
          f"{m['cpu']} ({m['cpu_capability']}), torch {m['torch']}; load average at the end {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores. Seconds in wall / process CPU; one measurement of each part after a warm-up.\n\n"
          "| IPC | (outer, inner) | matching step s | training block s | iteration s | published 1,000 iterations, CPU h | iterations in 10 CPU h |\n"
          "|---|---|---|---|---|---|---|\n"
          + ''.join(f"| {r.ipc} | ({r.outer}, {r.inner}) | {r.match_wall_s} / {r.match_cpu_s} | {r.train_block_wall_s} / {r.train_block_cpu_s} | "
                    f"{r.iteration_wall_s} / {r.iteration_cpu_s} | {r.published_1000_cpu_h} | {r.iterations_in_10_cpu_h} |\n" for r in df.itertuples()))
    write_results(df, results_path('dsa', a.threads), md)

if __name__ == '__main__':
    main()
