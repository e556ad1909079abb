"""The distribution behind the accuracy thresholds of the notebooks' smoke tests: each asserting cell's own run, repeated
over seeds × thread counts × the precisions a machine may pick (`fp32/channels_last` where bf16 is not native,
`bf16/channels_last` where it is: bf16 autocast computes the same rounding whether or not the CPU has it natively,
so an AVX2 machine can measure it, only slower).

* expansion   `nbs/06_expansion.ipynb`, the modes cell: the digits teacher (LeNet-5-BN, 8 epochs), 2 real images
              per class as the guide, Fast's smoke synthesiser, 2 epochs × `--kd-steps` KD steps at learning rate `--lr`
              into a LeNet-5; final top-1.

    .venv/bin/python bench/bench_thresholds.py --seeds 0 1 2 3 4 --threads 1 2
Writes bench/results/thresholds_<cpu capability>.csv (atomically) and prints, per mode, min / median / max and the
threshold the test uses. Not run by the tests.
"""
from __future__ import annotations
import argparse, tempfile
from dataclasses import replace
from pathlib import Path
import pandas as pd
import torch
from cdx.core import Precision, atomic_write, machine, set_threads
from cdx.data import load_split, few_shot
from cdx.models import model_for
from cdx.train import TrainConfig, train_teacher
from cdx.kd import KDConfig
from cdx.fast import FastConfig
from cdx.expansion import expand_and_distill, GuidanceConfig, MODES

PRECISIONS = (Precision('fp32', 'channels_last'), Precision('bf16', 'channels_last'))


def expansion_runs(p: Precision, seeds, cache: str, kd_steps: int, lr: float) -> list[dict]:
    "The 06_expansion modes cell under precision `p`, once per seed (the teacher and the guide are the cell's own)."
    pin = dict(precision=p.dtype, layout=p.layout)
    dtr, dte = load_split('digits', device='cpu'), load_split('digits', train=False, device='cpu')
    teacher, _ = train_teacher(TrainConfig(epochs=8, **pin), cache=cache, device='cpu', progress=False)
    guide = few_shot(dtr, 2, seed=0)
    kd = KDConfig.smoke(pad=2, flip=False, epochs=2, kd_steps=kd_steps, lr=lr, **pin)
    rows = []
    for seed in seeds:
        for mode in MODES:
            torch.manual_seed(seed)
            r = expand_and_distill(teacher, (guide.images(), guide.y), model_for('lenet5', dtr.info), dte, mode=mode, base='fast',
                                   base_cfg=replace(FastConfig.smoke(), **pin), guidance=GuidanceConfig(hidden=64, **pin), kd=kd, seed=seed,
                                   progress=False)
            rows.append(dict(test='expansion', kd_steps=kd_steps, lr=lr, mode=mode, seed=seed, precision=str(p), top1=r.final_top1, **machine('cpu')))
        print(f"  {p} seed {seed} threads {torch.get_num_threads()}: " +
              ', '.join(f"{x['mode']} {x['top1']:.1f}" for x in rows[-len(MODES):]), flush=True)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(prog='bench_thresholds', description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--kd-steps', type=int, default=60, help="KD steps per epoch (the cell's)")
    ap.add_argument('--lr', type=float, default=0.02, help="KD learning rate (the cell's)")
    a = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for t in a.threads:
            set_threads(t)
            for p in PRECISIONS: rows += expansion_runs(p, a.seeds, cache, a.kd_steps, a.lr)
    df = pd.DataFrame(rows)
    out = Path(__file__).parent/'results'/f"thresholds_{torch.backends.cpu.get_cpu_capability().lower()}.csv"
    atomic_write(out, lambda f: df.to_csv(f, index=False))
    print(df.groupby(['test', 'kd_steps', 'lr', 'mode']).top1.describe()[['count', 'min', '50%', 'max']].round(1).to_string())
    print(f"-> {out}")


if __name__ == '__main__':
    main()
