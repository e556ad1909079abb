"""Evaluation's batch size on the float32 path: the cifar10 scale's WRN-16-2 teacher on CIFAR-10's 10,000 test images,
with `cdx.train.evaluate` at several batch sizes and both layouts, beside the bare forward passes (the floor: the same
batches through the model under `no_grad`, nothing else) in the same interleaved rounds.

Each candidate's time is a whole pass over the test split; `cdx.core.time_steps` takes `--reps` rounds that visit every
candidate in turn, and the table gives the median and range of the rounds, the minor page faults of one pass
(`getrusage`), and the top-1 (whether the batch size changes a result).

    CDX_DATA=/path/to/datasets .venv/bin/python bench/bench_eval.py --threads 1
Writes bench/results/eval_<cpu capability>_<threads>t.csv and .md (atomically). Not run by the tests.
"""
from __future__ import annotations
import argparse, resource
import pandas as pd
import torch
from cdx.core import Precision, machine, set_threads, time_steps
from cdx.scales import scale_config, teacher_for
from cdx.data import load_split
from cdx.train import evaluate
from common import results_path, write_results

def faults(f) -> int:
    "Minor page faults of one call of `f`."
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt; f()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--batches', type=int, nargs='+', default=[200, 1000])
    ap.add_argument('--layouts', nargs='+', default=['channels_last', 'contiguous'], choices=['channels_last', 'contiguous'])
    a = ap.parse_args(argv); set_threads(a.threads)
    model, _ = teacher_for(scale_config('cifar10'), 'cifar10')
    test = load_split('cifar10', train=False)
    rows = []
    for layout in a.layouts:
        p = Precision('fp32', layout); p.prepare(model)
        def floor(bs):
            with torch.no_grad():
                for x, _ in test.batches(bs): model(p.to_layout(x))
        cands = [('evaluate', bs) for bs in a.batches] + [('forward only', bs) for bs in a.batches]
        run = lambda c: evaluate(model, test, c[1], precision=p) if c[0] == 'evaluate' else floor(c[1])
        t = time_steps(run, cands, 'cpu', reps=a.reps, min_time=0.)
        print(layout, {k: round(v[0], 2) for k, v in t.items()}, flush=True)
        for (what, bs), (med, lo, hi) in t.items():
            rows.append(dict(precision=str(p), what=what, batch=bs, median_s=med, min_s=lo, max_s=hi,
                             minor_faults=faults(lambda: run((what, bs))),
                             top1=evaluate(model, test, bs, precision=p).top1 if what == 'evaluate' else None))
    df = pd.DataFrame(rows)
    best = df[df.what == 'forward only'].groupby('precision').median_s.min()
    df['vs_best_floor'] = (df.median_s / df.precision.map(best)).round(2)
    m = machine()
    md = (f"{m['cpu']} ({m['cpu_capability']}, native bf16: {m['bf16_native']}), {a.threads} threads, torch {torch.__version__}; "
          f"WRN-16-2 on CIFAR-10's 10,000 test images; seconds per pass, median (min–max) of {a.reps} interleaved rounds; "
          f"`vs floor`: against the fastest bare forward pass of the same precision.\n\n"
          "| precision | what | batch | median s | range s | minor faults | top-1 | vs floor |\n|---|---|---|---|---|---|---|---|\n" +
          '\n'.join(f"| {r.precision} | {r.what} | {r.batch} | {r.median_s:.2f} | {r.min_s:.2f}–{r.max_s:.2f} | {r.minor_faults} | "
                    f"{'' if pd.isna(r.top1) else f'{r.top1:.2f}'} | {r.vs_best_floor:.2f}× |" for r in df.itertuples()) + '\n')
    write_results(df.round(3), results_path('eval', a.threads), md)

if __name__ == '__main__': main()
