"""Investigation (not a paper artefact): the guidance's unstated choices, swept on a VALIDATION split held out from
the training data (never the test split).

Fashion-MNIST at the `cpu` scale (its teacher, heterogeneous pair, Fast base, DM IPC 10 guiding set and KD budget, all
from `cdx.repro`), seeds 0-2. Validation: 5,000 seeded training images. The teacher and the DM set were made from the
full training split, so these images are not unseen by them; the split only keeps the choice of the guidance's
settings off the test split. Rows are the runner's (`cdx.results.result_row`), with `val_top1` instead of a test score.

Usage: CDX_DATA=/path/to/data .venv/bin/python experiments/guidance_sweep.py [--seeds 0 1 2]
Writes experiments/results/guidance_sweep.csv atomically after each run and resumes from it.
"""
import argparse, json
from pathlib import Path
import pandas as pd, torch
from cdx.core import set_threads
from cdx.scales import scale_config, teacher_for, splits, guide_for, student_for, kd_for
from cdx.results import result_row, write_rows
from cdx.repro import diagnostics
from cdx.expansion import expand_and_distill, GuidanceConfig

OUT = Path(__file__).parent/'results'
RUNS = {  # name: (mode, GuidanceConfig overrides, KDConfig overrides)
    'naive': ('naive', {}, {}),
    'guided λ=1 (default)': ('guided', {}, {}),
    'guided λ=0.1': ('guided', dict(weight=0.1), {}),
    'guided λ=0.3': ('guided', dict(weight=0.3), {}),
    'guided hidden=64': ('guided', dict(hidden=64), {}),
    'guided no augmentation': ('guided', dict(augment=''), {}),
    'guided unconditional': ('guided', dict(conditioning='none'), {}),
    'guided, fixed 50 % condensed share': ('guided', {}, dict(mix='fixed_share', fixed_ratio=0.5)),
    'naive, fixed 50 % condensed share': ('naive', {}, dict(mix='fixed_share', fixed_ratio=0.5)),
    'mi': ('mi', {}, {}),
}


def main(argv=None):
    ap = argparse.ArgumentParser(prog='guidance_sweep', description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    a = ap.parse_args(argv)
    set_threads(1)
    S, ds, pair, base = scale_config('cpu'), 'fashion_mnist', 'heterogeneous', 'fast'
    teacher, tmeta = teacher_for(S, ds, pair)
    train, _ = splits(ds)
    val = train.subset(torch.randperm(len(train), generator=torch.Generator().manual_seed(123))[:5000])
    guide = guide_for(S, ds, 10, train)
    path = OUT/'guidance_sweep.csv'
    rows = pd.read_csv(path).to_dict('records') if path.exists() else []
    done = {(r['run'], r['seed']) for r in rows}
    for seed in a.seeds:
        for name, (mode, gkw, kkw) in RUNS.items():
            if (name, seed) in done: continue
            with torch.random.fork_rng():
                torch.manual_seed(seed)
                r = expand_and_distill(teacher, guide, student_for(S, ds, pair, seed), val, mode=mode, base=base,
                                       base_cfg=S.bases[base], guidance=GuidanceConfig(**{**S.guidance, **gkw}),
                                       kd=kd_for(S, ds, **kkw), seed=seed, progress=False)
            row = result_row('guidance_sweep', S, seed, run=name, dataset=ds, pair=pair, base=base, mode=mode,
                             val_top1=r.final_top1, teacher_top1=tmeta['top1'], guidance=gkw, kd_overrides=kkw,
                             precision=r.precision, seconds=round(r.seconds, 1), **diagnostics(r, teacher, val))
            print(json.dumps({k: row[k] for k in ('run', 'seed', 'val_top1')}), flush=True)
            rows.append(row); write_rows(rows, OUT, 'guidance_sweep.csv')


if __name__ == '__main__': main()
