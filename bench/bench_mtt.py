"""Seconds for MTT's expert buffer and its distillation on CIFAR-10 at the published sizes (not run by the tests).

    CDX_DATA=/work/shared/data .venv/bin/python bench/bench_mtt.py [--batches 50] [--threads 1] [--mtt-iters 1] [--syn-steps 5]

On the training split less the validation holdout (500/class, 45,000 images) with ConvNet-3 width 128: the ZCA fit
(once per buffer), expert minibatches of 256 with MTT's feed (ZCA, DSA on whitened pixels, one op per batch) and
with cdx's (normaliser, DSA on [0,1] pixels, one op per image), an expert epoch extrapolated from `--batches`
minibatches (176 an epoch), the per-epoch save of a 51-checkpoint expert file, and MTT iterations at IPC 10
(`--syn-steps`, default 5, extrapolated linearly to the published 30: 30 steps hold ~6x the memory). Wall and process CPU seconds are both given: the CPU ones are the fairer on a shared machine.
Writes bench/results/mtt_<cpu capability>_<threads>t.csv and .md atomically.
"""
from __future__ import annotations
import argparse, math, os, resource, sys, tempfile
from pathlib import Path
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from common import results_path, write_results, clock
from cdx.core import set_threads, atomic_torch_save, machine
from cdx.data import load_split, holdout
from cdx.sets import _net
from cdx.augment import dsa_strategy
from cdx.condense import (MTT_BUFFER, _whitening, _input_transform, _feeder, _expert_epoch, _expert_seeds,
                          condense_mtt, _flat)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--batches', type=int, default=50); p.add_argument('--threads', type=int, default=1)
    p.add_argument('--mtt-iters', type=int, default=1); p.add_argument('--syn-steps', type=int, default=5); p.add_argument('--val', type=int, default=500)
    a = p.parse_args(argv)
    set_threads(a.threads)
    train, _ = holdout(load_split('cifar10', device='cpu'), a.val)
    info, rows = train.info, []
    per_epoch = math.ceil(len(train) / 256)
    def row(what, w, c, **kw):
        rows.append(dict(what=what, wall_s=round(w, 2), cpu_s=round(c, 2), **kw)); print(rows[-1], flush=True)
    experts = [torch.stack([_flat(_net(info, 128)).half() for _ in range(22)])]  # random trajectories: the cost is the same
    for its in (1, 1 + a.mtt_iters):
        w, c, _ = clock(lambda: condense_mtt(train, 10, experts=experts, iterations=its, syn_steps=a.syn_steps, expert_epochs=2,
                                             max_start_epoch=20, width=128))
        if its == 1: w1, c1 = w, c
    w, c = (w - w1) / a.mtt_iters, (c - c1) / a.mtt_iters
    row(f'MTT iteration, IPC 10, {a.syn_steps} synthetic steps, width 128', w, c, iterations=a.mtt_iters,
        peak_rss_gb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2))
    row(f'MTT iteration, 30 synthetic steps (extrapolated, linear in steps)', w * 30 / a.syn_steps, c * 30 / a.syn_steps)
    w, c, white = clock(lambda: _whitening(train, MTT_BUFFER['zca']))
    row('ZCA fit (45k images, once per buffer)', w, c)
    for name, feed_kw, zca in (('MTT feed', dict(aug_space='input', aug_op='batch'), white), ('cdx feed', {}, None)):
        torch.manual_seed(_expert_seeds(0, 0)[0])
        net = _net(info, 128); net.input_norm = None
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        g = torch.Generator().manual_seed(1)
        feed = _feeder(_input_transform(info, zca, 'cpu'), dsa_strategy(info), g, **feed_kw)
        _expert_epoch(net, opt, train, feed, 256, 2, g)                        # warm-up
        w, c, _ = clock(lambda: _expert_epoch(net, opt, train, feed, 256, a.batches, g))
        row(f'expert minibatch, {name}', w / a.batches, c / a.batches, batches=a.batches)
        row(f'expert epoch, {name} (extrapolated: {per_epoch} batches)', w / a.batches * per_epoch, c / a.batches * per_epoch)
    traj = torch.stack([_flat(net).half()] * 51)
    with tempfile.TemporaryDirectory() as d:
        state = dict(traj=traj, log=[], net=net.state_dict(), opt=opt.state_dict(), rng=dict(torch=torch.get_rng_state(), g=g.get_state()))
        w, c, _ = clock(lambda: atomic_torch_save(state, Path(d)/'expert-000.pt'))
        row(f'save of a 51-checkpoint expert file ({(Path(d)/"expert-000.pt").stat().st_size / 1e6:.1f} MB)', w, c)
    df = pd.DataFrame(rows)
    m = machine()
    md = (f"# MTT buffer and distillation, CIFAR-10 (45k training images), {a.threads} thread(s)\n\n"
          f"{m['cpu']} ({m['cpu_capability']}), torch {m['torch']}. Wall and process-CPU seconds; "
          f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n\n" + '| what | wall s | CPU s |\n|---|---|---|\n'
          + ''.join(f"| {r.what} | {r.wall_s} | {r.cpu_s} |\n" for r in df.itertuples()))
    write_results(df, results_path('mtt', a.threads), md)

if __name__ == '__main__':
    main()
