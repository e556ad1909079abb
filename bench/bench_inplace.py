"""ReLU in place after BatchNorm (the residual networks of `cdx.models`) against the same networks with ReLU out of place,
side by side in interleaved rounds, on the float32 path an AVX2 machine takes (and the rule's layout for it).

Workloads (the cifar10 scale's networks, CIFAR-10-shaped random inputs, batch 128):

* train       a supervised step of the WRN-16-2 teacher (as `cdx.core.train_step`)
* kd          a KD step WRN-16-2 → WRN-16-1 (teacher forward without gradients, student forward + backward)
* inversion   the frozen WRN-16-2's forward + backward to the input images (model inversion, the guidance)

The out-of-place variant is the same code with `torch.nn.functional.relu` called without `inplace` (a stand-in module for
`cdx.models.F`, swapped in only while that variant's step runs): the numbers are the same (bit-identical outputs and
gradients), only allocations differ. `cdx.core.time_steps` takes `--reps` rounds that visit every variant in turn; the
table gives the median and the range of the rounds.

    .venv/bin/python bench/bench_inplace.py --threads 1
Writes bench/results/inplace_<cpu capability>_<threads>t.csv and .md (atomically). Not run by the tests.
"""
from __future__ import annotations
import argparse, contextlib, types
import pandas as pd
import torch
import torch.nn.functional as F
import cdx.models
from cdx.core import Precision, machine, set_threads, time_steps, train_step, kd_step, inversion_step
from cdx.data import get_info
from cdx.models import model_for
from common import results_path, write_results


class _OutOfPlace(types.ModuleType):
    "torch.nn.functional with `relu` never in place."
    def __getattr__(self, name): return getattr(F, name)
    @staticmethod
    def relu(x, inplace=False): return F.relu(x)

@contextlib.contextmanager
def out_of_place():
    "ReLU out of place in `cdx.models` while the block runs."
    cdx.models.F = _OutOfPlace('F')
    try: yield
    finally: cdx.models.F = F

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--reps', type=int, default=7)
    ap.add_argument('--batch', type=int, default=128)
    a = ap.parse_args(argv); set_threads(a.threads)
    info = get_info('cifar10'); torch.manual_seed(0)
    teacher, student = model_for('wrn16_2', info), model_for('wrn16_1', info)
    x = torch.rand(a.batch, 3, 32, 32)
    steps = dict(train=train_step(teacher, x), kd=kd_step(teacher, student, x), inversion=inversion_step(teacher, x))
    rows = []
    for layout in ('contiguous', 'channels_last'):
        p = Precision('fp32', layout)
        for name, step in steps.items():
            def run(c, step=step):
                with (out_of_place() if c == 'out of place' else contextlib.nullcontext()): step(p)
            t = time_steps(run, ['out of place', 'in place'], 'cpu', reps=a.reps)
            for v, (med, lo, hi) in t.items():
                rows.append(dict(workload=name, precision=str(p), relu=v, median_ms=1e3 * med, min_ms=1e3 * lo, max_ms=1e3 * hi))
    df = pd.DataFrame(rows)
    base = df[df.relu == 'out of place'].set_index(['workload', 'precision']).median_ms
    df['speedup'] = (df.set_index(['workload', 'precision']).index.map(base) / df.median_ms).round(3)
    m = machine()
    md = (f"{m['cpu']} ({m['cpu_capability']}, native bf16: {m['bf16_native']}), {a.threads} threads, torch {torch.__version__}; "
          f"batch {a.batch}; median (min–max) of {a.reps} interleaved rounds.\n\n| workload | precision | ReLU | median ms | range ms | vs out of place |\n"
          "|---|---|---|---|---|---|\n" +
          '\n'.join(f"| {r.workload} | {r.precision} | {r.relu} | {r.median_ms:.1f} | {r.min_ms:.1f}–{r.max_ms:.1f} | {r.speedup:.2f}× |"
                    for r in df.itertuples()) + '\n')
    write_results(df.round(2), results_path('inplace', a.threads), md)

if __name__ == '__main__': main()
