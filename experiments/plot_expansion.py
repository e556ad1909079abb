"""Figure of the issue-6 acceptance run: student accuracy per mode and the pool's feature distance to real data.

Usage: .venv/bin/python experiments/plot_expansion.py   (reads experiments/results/expansion_table*.csv,
writes figures/expansion_fashion_mnist.{png,pdf})
"""
from pathlib import Path
import pandas as pd, seaborn as sns, matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from cdx.repro import save_figure

R = Path(__file__).parent / 'results'
d = pd.concat([pd.read_csv(f) for f in sorted(R.glob('expansion_table*.csv')) if 'smoke' not in f.name], ignore_index=True)
d = d[d.dataset == 'fashion_mnist']
d['setting'] = d.pair.str[:3] + '., IPC ' + d.ipc.astype(str)
pal = dict(zip(['condensed_kd', 'mi', 'naive', 'guided'], sns.color_palette(n_colors=4)))
order = ['condensed_kd', 'mi', 'naive', 'guided']
fig, axs = plt.subplots(1, 2, figsize=(11, 3.4))
sns.barplot(data=d, x='setting', y='top1', hue='mode', hue_order=order, palette=pal, errorbar='sd', ax=axs[0])
axs[0].set(ylabel='student top-1 (%), mean ± sd over seeds', xlabel='', ylim=(40, 90), title='Fashion-MNIST, ConvNet-BN teacher (90.8%)')
p = d[d['mode'] != 'condensed_kd']
sns.barplot(data=p, x='setting', y='pool_classwise_mmd', hue='mode', hue_order=order[1:], palette=pal, errorbar='sd', ax=axs[1])
axs[1].set(ylabel='class-wise MMD² of pool to real test', xlabel='', title='teacher-feature distance (lower = closer)')
for ax in axs: ax.legend(fontsize=8)
save_figure(fig, Path(__file__).parents[1] / 'figures', 'expansion_fashion_mnist')
print('wrote figures/expansion_fashion_mnist.png')
