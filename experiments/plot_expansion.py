"""Figure of the issue-6 acceptance run: student accuracy per mode and the pool's feature distance to real data,
per dataset and setting (pair, IPC, MI base).

Usage: .venv/bin/python experiments/plot_expansion.py   (reads experiments/results/expansion_table*.csv,
writes figures/expansion.{png,pdf})
"""
from pathlib import Path
import pandas as pd, seaborn as sns, matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from cdx.repro import save_figure, per_base

R = Path(__file__).parent / 'results'
d = pd.concat([pd.read_csv(f) for f in sorted(R.glob('expansion_table*.csv')) if 'smoke' not in f.name], ignore_index=True)
d = per_base(d)   # condensed-only KD (no synthesiser) beside every base of its setting
d['setting'] = d.pair.str[:3] + '., IPC ' + d.ipc.astype(str) + ', ' + d.base.str.upper().str.replace('FAST', 'Fast')
d = d.sort_values(['base', 'pair', 'ipc'], ascending=[False, True, True])
order = ['condensed_kd', 'mi', 'naive', 'guided']
pal = dict(zip(order, sns.color_palette(n_colors=4)))
datasets = sorted(d.dataset.unique())
fig, axs = plt.subplots(len(datasets), 2, figsize=(13, 3.4 * len(datasets)), squeeze=False)
for (a0, a1), ds in zip(axs, datasets):
    x = d[d.dataset == ds]
    teacher = x.teacher_acc.iloc[0]
    sns.barplot(data=x, x='setting', y='top1', hue='mode', hue_order=order, palette=pal, errorbar='sd', ax=a0)
    lo = max(0, x.groupby(['setting', 'mode']).top1.mean().min() - 10)
    a0.set(ylabel='student top-1 (%), mean ± sd', xlabel='', ylim=(lo, min(100, teacher + 3)),
           title=f'{ds}: student accuracy (teacher {teacher:.1f}%)')
    p = x[x['mode'] != 'condensed_kd']
    sns.barplot(data=p, x='setting', y='pool_classwise_mmd', hue='mode', hue_order=order[1:], palette=pal, errorbar='sd', ax=a1)
    a1.set(ylabel='class-wise MMD² to real test', xlabel='', title=f'{ds}: pool vs real, teacher features (lower = closer)')
    for ax in (a0, a1):
        ax.legend(fontsize=7); ax.tick_params(axis='x', labelsize=8, rotation=15)
fig.tight_layout()
save_figure(fig, Path(__file__).parents[1] / 'figures', 'expansion')
print('wrote figures/expansion.png')
