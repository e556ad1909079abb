"""Print the experiment CSVs under experiments/results/ as markdown tables (mean ± std over seeds).

Usage: .venv/bin/python experiments/summarize.py
"""
from pathlib import Path
import pandas as pd
from cdx.repro import mean_std, markdown, per_base

R = Path(__file__).parent / 'results'

files = [f for f in sorted(R.glob('expansion_table*.csv')) if 'smoke' not in f.name]
if files:
    d = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    d = per_base(d)   # condensed-only KD (no synthesiser) in the row of every base of its setting
    print('## expansion table (final test top-1 %)\n')
    print(markdown(mean_std(d, ['dataset', 'ipc', 'pair', 'student', 'teacher_acc', 'base'])))
    p = d[d['mode'] != 'condensed_kd']
    print('\n## pool feature distance to the real test split (class-wise MMD², lower = closer)\n')
    print(markdown(mean_std(p, ['dataset', 'ipc', 'pair', 'base'], val='pool_classwise_mmd', fmt='{:.3f}')))
    print('\n## pool Fréchet distance to the real test split\n')
    print(markdown(mean_std(p, ['dataset', 'ipc', 'pair', 'base'], val='pool_frechet')))
if (R / 'guidance_sweep.csv').exists():
    s = pd.read_csv(R / 'guidance_sweep.csv')
    print('\n## guidance sweep (validation split, seed 0)\n')
    print(markdown(s[['run', 'val_top1', 'classwise_mmd', 'frechet', 'd_acc_real', 'd_acc_fake']].round(3)))
