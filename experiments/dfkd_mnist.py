"""Acceptance run of issue 4: data-free KD on real MNIST and Fashion-MNIST with every synthesiser, beside KD on the
full real training set (the upper bound).

MNIST: LeNet-5-BN teacher -> narrow ConvNet student (2 x conv16, instance norm; ~8x fewer parameters).
Fashion-MNIST: ConvNet-BN (width 32) teacher -> the same narrow ConvNet student.

Usage (single CPU thread, from the repository root):
    CDX_DATA=/work/shared/data .venv/bin/python experiments/dfkd_mnist.py                  # everything
    CDX_DATA=/work/shared/data .venv/bin/python experiments/dfkd_mnist.py --dataset mnist --methods fast cmi
Each finished run appends one row to experiments/results/dfkd_mnist.csv (rewritten atomically).
"""
from __future__ import annotations
import argparse, json, time
from pathlib import Path
import pandas as pd
import torch
from cdx.data import load_split, atomic_write
from cdx.models import model_for, count_params
from cdx.train import TrainConfig, train_teacher
from cdx.inversion import make_synthesizer
from cdx.kd import KDConfig, distill

OUT = Path(__file__).parent / 'results' / 'dfkd_mnist.csv'

TEACHERS = {'mnist': TrainConfig('mnist', 'lenet5_bn', epochs=4),
            'fashion_mnist': TrainConfig('fashion_mnist', 'convnet_bn', model_kwargs=dict(width=32), epochs=6)}
STUDENT = ('convnet', dict(width=16, depth=2))

G = dict(nz=64, ngf=16, pad=2, flip=False)         # generator sized for 28x28x1; MNIST-style augmentation
SYNTH = {   # reduced budgets so each method fits ~10 CPU minutes (the papers' values are in nbs/03_inversion)
    'deepinversion': (dict(batch_size=128, iterations=100, lr=0.1, bn=3., tv_l2=1e-4, adv=1., jitter=2, flip=False), 30),
    'cmi': (dict(batch_size=128, iterations=40, lr_g=5e-3, bn=3., oh=1., adv=0.5, cr=0.8, bank_size=8192, n_neg=1024, **G), 30),
    'fast': (dict(batch_size=128, g_steps=5, lr_g=5e-3, lr_z=0.05, bn=5., oh=1., adv=0.5, warmup=2, reset_l0_at=None, **G), 60),
    'predfkd': (dict(batch_size=128, g_steps=5, lr_g=1e-2, bn=1., oh=1., adv=0.5, vae_steps=10, vae_nf=16, **G), 60),
}
KD = dict(kd_steps=50, batch_size=128, lr=0.05, T=4., eval_every=5)


def save_row(row: dict):
    df = pd.read_csv(OUT) if OUT.exists() else pd.DataFrame()
    df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    atomic_write(OUT, lambda p: df.to_csv(p, index=False))


def run(dataset: str, method: str, epochs: int | None = None):
    teacher, tmeta = train_teacher(TEACHERS[dataset], progress=False)
    teacher.eval().requires_grad_(False)
    train, test = load_split(dataset, True), load_split(dataset, False)
    torch.manual_seed(0)
    student = model_for(STUDENT[0], test.info, **STUDENT[1])
    if method == 'real':
        ep = epochs or 20
        cfg = KDConfig.for_dataset(test.info, epochs=ep, **KD)
        synth, fixed, skw = None, train, {}
    else:
        skw, ep0 = SYNTH[method]
        ep = epochs or ep0
        cfg = KDConfig.for_dataset(test.info, epochs=ep, **KD, **({'pool_capacity': 2048} if method == 'predfkd' else {}))
        synth, fixed = make_synthesizer(method, teacher, test.normalizer, skw, seed=0), None
    t0, c0 = time.perf_counter(), time.process_time()
    r = distill(student, teacher, test, cfg, synth, fixed=fixed, progress=False)
    h = r.history
    row = dict(dataset=dataset, method=method, teacher=TEACHERS[dataset].model, teacher_acc=round(tmeta['top1'], 2),
               student=f"{STUDENT[0]}{STUDENT[1]}", student_params=count_params(student),
               teacher_params=sum(p.numel() for p in teacher.parameters()), best_acc=round(r.best_top1, 2), best_epoch=r.best_epoch,
               final_acc=round(h.test_acc.iloc[-1], 2), epochs=ep, kd_steps=cfg.kd_steps * ep,
               images=int(len(r.pool)) if synth is not None else len(train),
               synth_s=round(h.synth_s.sum(), 1), kd_s=round(h.kd_s.sum(), 1),
               total_s=round(time.perf_counter() - t0, 1), cpu_s=round(time.process_time() - c0, 1),
               threads=torch.get_num_threads(), load_avg=round(__import__('os').getloadavg()[0], 1),
               synth_cfg=json.dumps(skw), kd_cfg=json.dumps(cfg.to_dict()))
    print(json.dumps({k: v for k, v in row.items() if not k.endswith('cfg')}), flush=True)
    print(h[['epoch', 'kd_loss', 'test_acc', 'synth_s', 'kd_s']].iloc[::max(1, len(h) // 10)].to_string(), flush=True)
    save_row(row)
    return row


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', nargs='+', default=['mnist', 'fashion_mnist'])
    p.add_argument('--methods', nargs='+', default=['real', 'fast', 'deepinversion', 'predfkd', 'cmi'])
    p.add_argument('--epochs', type=int, default=None, help='override the per-method epoch count')
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    for d in a.dataset:
        for m in a.methods: run(d, m, a.epochs)
