"""Seconds per condensation iteration of DM, DSA and MTT at IPC 1 and 10 on this machine (not run by the tests).

    CDX_DATA=/work/shared/data .venv/bin/python bench/bench_condense.py [--widths 32,128] [--threads 1]

One "iteration" is each method's outer iteration: DM = one fresh network + one matching step over all classes;
DSA = one fresh network with DC's (outer, inner) loops for the IPC (IPC 1: (1,1); IPC 10: (10,50)) unless --dsa-loops;
MTT = one trajectory segment of --syn-steps differentiable steps on the whole set. Each timing runs a few warm-up
iterations first and reports the median of per-iteration times. Writes bench/results/condense_cpu.csv atomically
(condense_<device type>.csv on other devices).
"""
from __future__ import annotations
import argparse, statistics, sys, time
from pathlib import Path
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cdx.data import load_split, have_data
from cdx.core import set_threads, default_device, atomic_write
from cdx.condense import condense_dm, condense_dsa, condense_mtt, train_experts

def per_iter(fn, iters: int) -> float:
    "Median seconds per iteration: time `fn(k)` for k = 1 and k = 1 + iters, take the difference."
    fn(1)                               # warm-up (allocations, kernels)
    ts = []
    for _ in range(2):
        t0 = time.perf_counter(); fn(1); t1 = time.perf_counter() - t0
        t0 = time.perf_counter(); fn(1 + iters); t2 = time.perf_counter() - t0
        ts.append((t2 - t1) / iters)
    return statistics.median(ts)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dataset', default='mnist'); p.add_argument('--widths', default='32')
    p.add_argument('--batch-real', type=int, default=64); p.add_argument('--threads', type=int, default=1)
    p.add_argument('--device', default=None); p.add_argument('--iters', type=int, default=3)
    p.add_argument('--syn-steps', type=int, default=10)
    p.add_argument('--dsa-loops', default=None, help='e.g. 10,10 (default: DC table per IPC)')
    a = p.parse_args(argv)
    set_threads(a.threads); dev = default_device(a.device)
    ds = a.dataset if have_data(a.dataset) else 'digits'
    real = load_split(ds, device=dev)
    loops = tuple(map(int, a.dsa_loops.split(','))) if a.dsa_loops else None
    rows = []
    for w in map(int, a.widths.split(',')):
        experts = train_experts(real, num_experts=1, epochs=3, width=w, max_batches=2)
        for ipc in (1, 10):
            runs = {
                'dm': lambda k: condense_dm(real, ipc, iterations=k, batch_real=a.batch_real, width=w),
                'dsa': lambda k: condense_dsa(real, ipc, iterations=k, batch_real=a.batch_real, width=w, loops=loops),
                'mtt': lambda k: condense_mtt(real, ipc, experts=experts, iterations=k, syn_steps=a.syn_steps,
                                              expert_epochs=1, max_start_epoch=2, width=w),
            }
            for m, fn in runs.items():
                its = a.iters if not (m == 'dsa' and ipc == 10) else 1
                s = per_iter(fn, its)
                rows.append(dict(method=m, ipc=ipc, width=w, batch_real=a.batch_real if m != 'mtt' else None,
                                 detail=(f"loops {loops or ('DC table')}" if m == 'dsa' else
                                         f'syn_steps {a.syn_steps}' if m == 'mtt' else 'one random net'),
                                 seconds_per_iter=round(s, 4), dataset=ds, device=str(dev), threads=a.threads,
                                 torch=torch.__version__))
                print(rows[-1], flush=True)
    out = ROOT/'bench'/'results'/f"condense_{dev.type}.csv"
    df = pd.DataFrame(rows)
    atomic_write(out, lambda f: df.to_csv(f, index=False))
    print(df.to_string(index=False)); print('wrote', out)

if __name__ == '__main__': main()
