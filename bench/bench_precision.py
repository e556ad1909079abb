"""The evidence for `cdx.core.rule_precision`: every precision × layout candidate of this machine on the cifar10 scale's
workloads, timed side by side, and whether any candidate beats the rule's choice by the margin (1.3×).

Workloads (the cifar10 scale's models, CIFAR-10-shaped random inputs, batch 128 unless said):

* train       a supervised step of the WRN-16-2 teacher (cross-entropy surrogate, backward; as `cdx.core.train_step`)
* kd          a KD step WRN-16-2 → WRN-16-1 (teacher forward without gradients, student forward + backward)
* inversion   the frozen teacher's forward + backward to the input images (DeepInversion, the guidance)
* generator   Fast's generator (width 32) → teacher → backward into the generator (a synthesis step)
* eval        an evaluation pass of the teacher at batch 1000
* dm          a DM embedding pass: ConvNet-3 (width 128, instance norm) over 2,560 real images, no gradients

Each candidate is timed by `cdx.core.time_steps`: a warm-up, then `--reps` rounds that visit every candidate in turn;
the table gives the median and the range (min–max) of the rounds, the speed-up over float32/contiguous, the rule's
choice, and the fastest candidate if it beats the rule's by ≥ 1.3× (then the rule would be worth revisiting).

    .venv/bin/python bench/bench_precision.py --threads 1
Writes bench/results/precision_<cpu capability>_<threads>t.csv and .md (atomically). Not run by the tests.
"""
from __future__ import annotations
import argparse, copy
import pandas as pd
import torch
from cdx.core import Precision, candidates, machine, rule_precision, time_steps, train_step, kd_step, inversion_step, eval_step
from cdx.data import get_info
from cdx.models import model_for
from cdx.inversion import Generator
from common import results_path, write_results

MARGIN = 1.3


def generator_step(gen, teacher, bs: int):
    "Fast's synthesis step: z → generator → teacher; backward into the generator (copies of both)."
    g, t = copy.deepcopy(gen).train(), copy.deepcopy(teacher).eval().requires_grad_(False)
    z = torch.randn(bs, g.nz, generator=torch.Generator().manual_seed(0))
    def step(p: Precision):
        p.prepare(g, t)
        with p.autocast('cpu'): out = t(p.to_layout(g(z))).float()
        g.zero_grad(set_to_none=True); out.logsumexp(1).mean().backward()
    return step


def dm_step(net, x):
    "A DM embedding pass over the real batch (no gradients), on a copy of `net`."
    m = copy.deepcopy(net).requires_grad_(False)
    def step(p: Precision):
        p.prepare(m)
        with torch.no_grad(), p.autocast('cpu'): m.embed(m.prep(p.to_layout(x)))
    return step


def workloads(bs: int = 128) -> dict:
    info = get_info('cifar10'); g = torch.Generator().manual_seed(0)
    t, s = model_for('wrn16_2', info), model_for('wrn16_1', info)
    x = torch.rand(bs, *info.shape, generator=g)
    return dict(train=train_step(t, x), kd=kd_step(t, s, x), inversion=inversion_step(t, x),
                generator=generator_step(Generator(nz=256, ngf=32, img_size=32), t, bs),
                eval=eval_step(t, torch.rand(1000, *info.shape, generator=g)),
                dm=dm_step(model_for('convnet', info, width=128, depth=3), torch.rand(2560, *info.shape, generator=g)))


def run(threads: int, reps: int, only=None) -> pd.DataFrame:
    torch.set_num_threads(threads)
    cands, rule, rows = candidates('auto', 'cpu'), rule_precision('cpu'), []
    for name, step in workloads().items():
        if only and name not in only: continue
        times = time_steps(step, cands, 'cpu', reps)
        base = times[Precision()][0]
        for p, (med, lo, hi) in times.items():
            rows.append(dict(workload=name, precision=str(p), median_s=med, min_s=lo, max_s=hi, speedup=base / med,
                             rule=p == rule, reps=reps, **machine('cpu')))
        print(f"  {name}: " + ', '.join(f"{p} {1000 * t[0]:.0f} ms" for p, t in times.items()), flush=True)
    return pd.DataFrame(rows)


def summary(df: pd.DataFrame) -> str:
    m = df.iloc[0]
    head = (f"{m.cpu} ({m.cpu_capability}, native bf16: {m.bf16_native}), {int(m.threads)} threads, torch {m.torch}; "
            f"median (min–max) of {int(m.reps)} interleaved rounds; ✓ = `rule_precision`'s choice.\n\n")
    lines = ['| workload | precision | median ms | range ms | vs fp32/contiguous | rule |', '|---|---|---|---|---|---|']
    for r in df.itertuples():
        lines.append(f"| {r.workload} | {r.precision} | {1000 * r.median_s:.1f} | {1000 * r.min_s:.1f}–{1000 * r.max_s:.1f} | "
                     f"{r.speedup:.2f}× | {'✓' if r.rule else ''} |")
    verdict = []
    for w, d in df.groupby('workload', sort=False):
        ruled, best = d[d.rule].iloc[0], d.loc[d.median_s.idxmin()]
        gain = ruled.median_s / best.median_s
        verdict.append(f"- {w}: the rule's {ruled.precision} is the fastest" if gain == 1 else
                       f"- {w}: the rule's {ruled.precision}; the fastest is {best.precision} "
                       f"({gain:.2f}× the rule's{', beyond the margin: revisit the rule' if gain >= MARGIN else ', within the margin'})")
    return head + '\n'.join(lines) + '\n\n' + '\n'.join(verdict) + '\n'


def main(argv=None):
    ap = argparse.ArgumentParser(prog='bench_precision', description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--only', nargs='+', choices=['train', 'kd', 'inversion', 'generator', 'eval', 'dm'])
    a = ap.parse_args(argv)
    df = run(a.threads, a.reps, a.only)
    write_results(df, results_path('precision', a.threads), summary(df))

if __name__ == '__main__':
    main()
