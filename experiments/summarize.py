"""Print the experiment CSVs under experiments/results/ as markdown tables (mean ± std over seeds).

Usage: .venv/bin/python experiments/summarize.py
"""
from pathlib import Path
import pandas as pd

R = Path(__file__).parent / 'results'

def md(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    lines += ['| ' + ' | '.join(str(v) for v in row) + ' |' for row in df.astype(str).values]
    return '\n'.join(lines)

def mean_std(df, index, col='mode', val='top1', order=None, fmt='{:.2f}'):
    g = df.groupby(index + [col])[val]
    t = (g.mean().map(fmt.format) + ' ± ' + g.std(ddof=0).fillna(0).map(fmt.format) + ' (n=' + g.count().astype(str) + ')').unstack(col)
    if order: t = t[[c for c in order if c in t.columns]]
    return t.reset_index()

files = [f for f in sorted(R.glob('expansion_table*.csv')) if 'smoke' not in f.name]
if files:
    d = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    print('## expansion table (final test top-1 %)\n')
    print(md(mean_std(d, ['dataset', 'ipc', 'pair', 'student', 'teacher_acc'], order=['condensed_kd', 'mi', 'naive', 'guided'])))
    p = d[d['mode'] != 'condensed_kd']
    print('\n## pool feature distance to the real test split (class-wise MMD², lower = closer)\n')
    print(md(mean_std(p, ['dataset', 'ipc', 'pair'], val='pool_classwise_mmd', order=['mi', 'naive', 'guided'], fmt='{:.3f}')))
    print('\n## pool Fréchet distance to the real test split\n')
    print(md(mean_std(p, ['dataset', 'ipc', 'pair'], val='pool_frechet', order=['mi', 'naive', 'guided'])))
if (R / 'guidance_sweep.csv').exists():
    s = pd.read_csv(R / 'guidance_sweep.csv')
    print('\n## guidance sweep (validation split, seed 0)\n')
    print(md(s[['run', 'val_top1', 'classwise_mmd', 'frechet', 'd_acc_real', 'd_acc_fake']].round(3)))
