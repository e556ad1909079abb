"""Why Fast's students are weak at the cifar10 scale: plain MI (no guide) on the validation split, the scale's Fast as it
stood (`current`, pinned in `BEFORE`) against one change each, paired over seeds. Version 4 of the scale has since taken
the last variant.

At the cifar10 scale (version 2, figures/cifar10_v2) Fast's plain-MI student reached 14.2 ± 3.6 and 17.1 ± 1.5 % on the
test split (CMI's 27.6 and 30.3 %), and in version 4's search its naive-mix pools lie far from the real features
(class-wise MMD² 0.43–0.44 against CMI's 0.09–0.10). Fast's generator is meta-learned over the run: it gets one
meta-update per round, 16 in a cifar10 run, where the official script gives it 20 synthesis-only rounds before the student
starts and 220 in all. Each variant changes one thing:

- `bn_mmt 0`: the BatchNorm statistics term on the current batch alone (Fast's default blends it with a 0.9 running mean);
- `warm-up 4`: 4 synthesis-only epochs before the student starts (the official script's 20 of 220), the adversarial term
  from the student's start; the student still takes 400 steps;
- `rounds 4`: 4 synthesis rounds per epoch (64 generator meta-updates, 8,192 images), the same 400 student steps;
- `kd lr 0.05`: the student's learning rate of version 2 (above) instead of Fast's upstream 0.2;
- `warm-up 4, kd lr 0.05`: the two together (added once each alone had helped on every seed).

Selection never sees the test split: the student is evaluated on 500 training images per class held out (the search's
split). Rows go to experiments/results/fast_budget.csv, a paired table to fast_budget.md; cells under
experiments/results/fast_budget/ (resumable: a finished cell is reused, a running one resumes from its last epoch).

    CDX_THREADS=1 CDX_DATA=/work/shared/data .venv/bin/python experiments/fast_budget.py --seeds 0 1 2
"""
from __future__ import annotations
from dataclasses import asdict, replace
from pathlib import Path
import pandas as pd
from cdx.core import atomic_write

OUT = Path(__file__).parent/'results'
VARIANTS = {'current': ({}, {}),
            'bn_mmt 0': (dict(bn_mmt=0.), {}),
            'warm-up 4': (dict(warmup=4), dict(warmup=4)),   # the epochs grow by the warm-up: the student's steps stay
            'rounds 4': ({}, dict(rounds=4)),
            'kd lr 0.05': ({}, dict(lr=0.05)),
            'warm-up 4, kd lr 0.05': (dict(warmup=4), dict(warmup=4, lr=0.05))}   # name: (Fast config changes, KD config changes)


# `current` is the scale's Fast as it stood when this diagnostic ran, pinned here (cifar10 version 4 has since taken
# `warm-up 4, kd lr 0.05`): (Fast config, KD config) under every variant's changes
BEFORE = {'cifar10': (dict(warmup=2), dict(lr=0.2, warmup=0, epochs=16))}
PARTS = [('warm-up 4', 'warm-up 4, kd lr 0.05'), ('kd lr 0.05', 'warm-up 4, kd lr 0.05')]   # (a part, the combination): compared too


def run(seeds, scale: str = 'cifar10', pair: str = 'heterogeneous', variants=VARIANTS, out: Path = OUT) -> pd.DataFrame:
    "Plain-MI Fast rows per variant and seed on the search's validation split."
    from cdx.core import set_threads
    from cdx.data import holdout
    from cdx.repro import compare_modes, Setting
    from cdx.scales import scale_config, artefact_config, teacher_for, splits, guide_for, base_config_for
    from cdx.fast import FastConfig
    set_threads()
    S = scale_config(scale); A = artefact_config(S, 'search'); ds = A.datasets[0]
    train, _ = splits(ds); _, val = holdout(train, A.val_per_class)
    teacher, tmeta = teacher_for(S, ds, pair)
    fast0 = base_config_for(S, 'fast', ds, pair)
    if isinstance(fast0, str): fast0 = asdict(getattr(FastConfig, fast0)())   # a preset's name (the smoke scale's)
    fast_before, kd_before = BEFORE.get(scale, ({}, {}))
    fast0 = {**fast0, **fast_before}
    rows = []
    for seed in seeds:
        guide = guide_for(S, ds, A.ipc, train, seed=seed, spec=A, val_per_class=A.val_per_class)   # MI never sees it
        for name, (fast, kd) in variants.items():
            Sv = replace(S, bases={**S.bases, 'fast': {**fast0, **fast}})
            if 'warmup' in kd: kd = {**kd, 'epochs': S.kd['epochs'] + kd['warmup']}
            kd = {**kd_before, **kd}
            st = Setting(Sv, 'fast_budget', seed, ds, pair, 'fast', guide, teacher, tmeta, val, kd=kd or None, eval_split='val')
            print(f"seed {seed}: {name}", flush=True)
            rows += compare_modes(st, ['mi'], out/'fast_budget'/f'seed{seed}', variant=name)[0]
    df = pd.DataFrame(rows)
    atomic_write(out/'fast_budget.csv', lambda f: df.to_csv(f, index=False))
    return df


def table(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    "Per variant: top-1 and pool distance (mean ± SD), and each against `current` paired over seeds."
    from cdx.results import paired
    t = df.groupby('variant', sort=False).agg(n=('seed', 'count'), top1=('top1', 'mean'), top1_sd=('top1', 'std'),
                                              pool=('pool', 'mean'), pool_mmd=('pool_classwise_mmd', 'mean'),
                                              seconds=('seconds', 'mean')).round(3)
    pairs = [(v, 'current') for v in df.variant.unique() if v != 'current'] + [(b, a) for a, b in PARTS if b in set(df.variant)]
    p = pd.concat([paired(df, ['dataset'], v, w, col='variant') for v, w in pairs], ignore_index=True)
    return t, p.round(2)


if __name__ == '__main__':
    from cdx.cli import parser, non_negative_int
    from cdx.scales import SCALES
    ap = parser('fast_budget', __doc__)
    ap.add_argument('--seeds', type=non_negative_int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--scale', default='cifar10', choices=sorted(SCALES))
    a = ap.parse_args()
    t, p = table(run(a.seeds, a.scale))
    from cdx.results import markdown
    df = pd.read_csv(OUT/'fast_budget.csv'); m = df.iloc[0]
    machine = (f"{m.cpu} ({m.cpu_capability}, native bf16: {m.bf16_native}), {m.threads} thread(s), precision "
               f"{', '.join(sorted(df.precision.unique()))}, scale {m.scale} version {m.scale_version}")
    atomic_write(OUT/'fast_budget.md', lambda f: Path(f).write_text(
        f"# Fast's plain-MI student on validation, by variant (`experiments/fast_budget.py`)\n\n{machine}\n\n"
        f"{markdown(t.reset_index())}\n\nEach variant − current (and the combination − each of its parts), paired over seeds:"
        f"\n\n{markdown(p)}\n"))
    print(t.to_string()); print(p.to_string())
