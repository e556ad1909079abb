"""KD and synthesis against the compute floor, per precision and layout, on the machine it runs on.

For each setting and each precision × layout candidate of this machine (bf16 only where it is native), in one run:

* floor          the bare KD step: teacher forward without gradients + student forward/backward + SGD step on one
                 fixed, already normalised batch; no hooks, no pool, no augmentation, no data pipeline;
* kd_step        cdx's real KD step, timed inside `cdx.kd.distill` (pool ∪ guiding set sampling, crop/flip on the
                 device, one forward, KL, SGD, cosine schedule): epoch 2's `kd_s / kd_steps`;
* round          a Fast synthesis round inside `distill` (epoch 2's `synth_s`), and `round_bare`: the same number of
                 generator + teacher + student passes with one backward and an Adam step, no hooks, no BN loss;
* guided         the same round with the paper's feature-alignment term (Fast*);
* epoch          one synthesis round + `--epoch-steps` KD steps (the reference comparison's CIFAR setting: 1 round + 100 steps),
                 computed from the measured round and step.

Then, under the precision `'auto'` picks (`cdx.core.rule_precision`), KD steps with a pool of 2.5k and of 40k images: the epoch
time should not grow with the pool, and memory only by the pool's own bytes (`pool_mb`: the images; `pool_alloc_mb`:
the pool's tensor, which grows by doubling; `rss_growth_mb`: the process's resident memory after the run, minus
before).

    .venv/bin/python bench/bench_kd.py                       # both settings, 2 threads
    .venv/bin/python bench/bench_kd.py --settings cpu --threads 1
Writes bench/results/kd_<cpu capability>_<threads>t.csv (atomically; each run's rows join the earlier runs' there) and
prints the table: every measure's median (min–max) over the runs. Not run by the tests.
"""
from __future__ import annotations
import argparse, copy, resource, time
from pathlib import Path
import pandas as pd
import torch
import torch.nn.functional as F

from cdx.core import Precision, candidates, machine, rule_precision
from cdx.results import markdown
from common import accumulate, results_path, spread, write_results
from cdx.data import ImageSet, Normalizer, get_info
from cdx.models import model_for
from cdx.inversion import Generator
from cdx.bases import make_synthesizer
from cdx.kd import KDConfig, distill
from cdx.expansion import FeatureAlignment, GuidanceConfig

SETTINGS = {
    # the reference comparison's CIFAR-10 setting: WRN-16-1 pair, batch 256, Fast-2, 1 round + 100 KD steps per epoch
    'cifar': dict(dataset='cifar10', teacher=('wrn16_1', {}), student=('wrn16_1', {}), batch=256, kd_batch=256,
                  fast=dict(batch_size=256, g_steps=2), ipc=10, kd_steps=10, epoch_steps=100),
    # the cpu scale's Fashion-MNIST heterogeneous pair and Fast configuration (nbs/07_repro SCALES['cpu'])
    'cpu': dict(dataset='fashion_mnist', teacher=('convnet_bn', dict(width=32)), student=('lenet5', {}), batch=128,
                kd_batch=128, fast=dict(batch_size=128, g_steps=5, lr_g=5e-3, lr_z=0.05, bn=5., oh=1., adv=0.5, warmup=0,
                                        reset_l0_at=None, nz=64, ngf=16, pad=2, flip=False),
                ipc=10, kd_steps=20, epoch_steps=50),
}


def _models(st, info, dev):
    torch.manual_seed(0)
    t = model_for(st['teacher'][0], info, **st['teacher'][1]).to(dev).eval().requires_grad_(False)
    s = model_for(st['student'][0], info, **st['student'][1]).to(dev)
    return t, s


def _guide(info, ipc, dev):
    g = torch.Generator().manual_seed(1)
    y = torch.arange(info.num_classes).repeat_interleave(ipc)
    return ImageSet(torch.rand(len(y), *info.shape, generator=g), y, info).to(dev)


def _best(fn, n: int, warm: int = 2) -> float:
    "Median seconds of `fn()` over `n` calls after `warm` warm-up calls."
    for _ in range(warm): fn()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return float(pd.Series(ts).median())


def floor_step(t, s, x, p: Precision, n: int) -> float:
    "The bare KD step (see module doc)."
    t, s = copy.deepcopy(t), copy.deepcopy(s).train(); p.prepare(t, s)
    t.input_norm = s.input_norm = None     # the batch is already normalised: the floor is the bare compute
    opt = torch.optim.SGD(s.parameters(), lr=0.01, momentum=0.9)
    xin = p.to_layout(x)
    def step():
        with p.autocast(x.device):
            with torch.no_grad(): lt = t(xin)
            ls = s(xin)
        loss = F.kl_div(ls.float().log_softmax(1), lt.float().log_softmax(1), log_target=True, reduction='batchmean')
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return _best(step, n)


def bare_round(t, s, st, info, p: Precision, n: int) -> float:
    "g_steps × (generator → teacher, student → CE + KL → backward → Adam), no hooks or BN loss: a Fast round's floor."
    c = {**dict(nz=256, ngf=64), **st['fast']}
    t, s = copy.deepcopy(t), copy.deepcopy(s).eval().requires_grad_(False); p.prepare(t, s)
    gen = Generator(c['nz'], c['ngf'], info.shape[1], info.shape[0]).to(next(t.parameters()).device)
    y = torch.randint(info.num_classes, (c['batch_size'],))
    p.prepare(gen)   # the generator at the round's precision and layout, as cdx's synthesisers run it
    def rnd():
        z = torch.randn(c['batch_size'], c['nz'], requires_grad=True)
        opt = torch.optim.Adam(list(gen.parameters()) + [z], lr=1e-3)
        for _ in range(c['g_steps']):
            with p.autocast(z.device):
                x = p.to_layout(gen(z))
                lt, ls = t(x).float(), s(x).float()
            loss = F.cross_entropy(lt, y) - F.kl_div(ls.log_softmax(1), lt.log_softmax(1), log_target=True, reduction='batchmean')
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return _best(rnd, n, warm=1)


class _Prefilled:
    "Bench fixture: a synthesiser whose first round also returns `n` extra images (a pool of a given size at once)."
    def __init__(self, syn, x, y): self.syn, self.x, self.y, self.first = syn, x, y, True
    def __getattr__(self, k): return getattr(self.syn, k)
    def synthesize(self, student=None):
        x, y = self.syn.synthesize(student)
        if self.first:
            self.first = False; out = torch.cat([self.x, x]), torch.cat([self.y, y]); self.x = self.y = None
            return out
        return x, y


def cdx_epoch(t, s, st, info, guide, p: Precision, guided: bool, kd_steps: int, prefill: int = 0) -> dict:
    "Epoch 2 of a real `distill` run (guide as the fixed set): synthesis seconds and seconds per KD step."
    m0 = rss_mb()
    t, s = copy.deepcopy(t), copy.deepcopy(s)
    fa = FeatureAlignment(t, guide, GuidanceConfig(precision=p.dtype, layout=p.layout)) if guided else None
    syn = make_synthesizer('fast', t, {**st['fast'], 'precision': p.dtype, 'layout': p.layout}, [fa] if fa else [])
    if prefill:   # the extra images are made here, and released once the pool holds them
        g = torch.Generator().manual_seed(2)
        syn = _Prefilled(syn, torch.rand(prefill, *info.shape, generator=g),
                         torch.randint(info.num_classes, (prefill,), generator=g))
    kd = KDConfig.for_dataset(info, epochs=2, kd_steps=kd_steps, batch_size=st['kd_batch'], lr=0.01, T=4.,
                              precision=p.dtype, layout=p.layout)
    r = distill(s, t, None, kd, syn, fixed=guide, progress=False)
    h = r.history.iloc[-1]
    return dict(round_s=h.synth_s, kd_step_s=h.kd_s / kd_steps, pool=int(h.pool), rss_growth_mb=rss_mb() - m0,
                pool_alloc_mb=r.pool.x.numel() * r.pool.x.element_size() / 2 ** 20)


def rss_mb() -> float:
    "The process's resident memory now (MiB)."
    return int(Path('/proc/self/statm').read_text().split()[1]) * resource.getpagesize() / 2 ** 20


def run(setting: str, threads: int, quick: bool) -> list[dict]:
    torch.set_num_threads(threads)
    st, dev = SETTINGS[setting], torch.device('cpu')
    info = get_info(st['dataset']); norm = Normalizer(info.mean, info.std)
    t, s = _models(st, info, dev)
    x = norm(torch.rand(st['kd_batch'], *info.shape, generator=torch.Generator().manual_seed(0)))
    guide = _guide(info, st['ipc'], dev)
    n = 3 if quick else 10
    auto = rule_precision(dev)
    rows = []
    for p in candidates('auto', dev):
        row = dict(setting=setting, precision=str(p), auto_choice=p == auto, **machine(dev))
        row['floor_s'] = floor_step(t, s, x, p, n)
        row['round_bare_s'] = bare_round(t, s, st, info, p, max(2, n // 3))
        e = cdx_epoch(t, s, st, info, guide, p, False, st['kd_steps'])
        row.update(kd_step_s=e['kd_step_s'], round_s=e['round_s'])
        row['guided_round_s'] = cdx_epoch(t, s, st, info, guide, p, True, 2)['round_s']
        row['epoch_s'] = row['round_s'] + st['epoch_steps'] * row['kd_step_s']
        row['guided_epoch_s'] = row['guided_round_s'] + st['epoch_steps'] * row['kd_step_s']
        print(f"  {setting} {p}: floor {1000 * row['floor_s']:.1f} ms, KD step {1000 * row['kd_step_s']:.1f} ms, "
              f"round {row['round_s']:.2f} s (bare {row['round_bare_s']:.2f}, guided {row['guided_round_s']:.2f})", flush=True)
        rows.append(row)
    best_floor = min(r['floor_s'] for r in rows)
    for r in rows:
        r.update(kd_vs_floor=r['kd_step_s'] / r['floor_s'], kd_vs_best_floor=r['kd_step_s'] / best_floor,
                 round_vs_bare=r['round_s'] / r['round_bare_s'], guided_vs_unguided_epoch=r['guided_epoch_s'] / r['epoch_s'])
    # pool growth under the auto choice: 2.5k vs 40k images
    for size in (2500, 40000):
        e = cdx_epoch(t, s, st, info, guide, auto, False, st['kd_steps'], prefill=size)
        rows.append(dict(setting=setting, precision=str(auto), auto_choice=True, **machine(dev), pool=e['pool'],
                         kd_step_s=e['kd_step_s'], kd_vs_best_floor=e['kd_step_s'] / best_floor,
                         pool_mb=e['pool'] * 4 * int(torch.tensor(info.shape).prod()) / 2 ** 20,
                         pool_alloc_mb=e['pool_alloc_mb'], rss_growth_mb=e['rss_growth_mb']))
        print(f"  {setting} pool {e['pool']}: KD step {1000 * e['kd_step_s']:.1f} ms", flush=True)
    return rows


def _per_setting(p: pd.DataFrame) -> pd.DataFrame:
    "One line per setting × precision: each measure's median (min–max) over the runs in `p`."
    ms, s2 = dict(scale=1000., digits=1), dict(digits=2)
    cols = {'floor ms': ('floor_s', ms), 'KD step ms': ('kd_step_s', ms), 'step / floor': ('kd_vs_floor', s2),
            'step / best floor': ('kd_vs_best_floor', s2), 'bare round s': ('round_bare_s', s2), 'Fast round s': ('round_s', s2),
            'round / bare': ('round_vs_bare', s2), 'Fast* round s': ('guided_round_s', s2), 'epoch s': ('epoch_s', dict(digits=1)),
            'Fast* / Fast epoch': ('guided_vs_unguided_epoch', dict(digits=3))}
    out = []
    for (setting, prec), g in p.groupby(['setting', 'precision'], sort=False):
        out.append({'setting': setting, 'precision': prec, 'auto': '✓' if g.auto_choice.any() else '', 'runs': g['run'].nunique(),
                    **{k: spread(g[c], **kw) for k, (c, kw) in cols.items()}})
    return pd.DataFrame(out)

def summary(df: pd.DataFrame) -> str:
    "The bench as two markdown tables (per precision, median (range) over runs; pool growth under the rule's choice), with the machine."
    df = df.assign(run=df['run'].fillna('first') if 'run' in df else 'first')   # rows from before runs were stamped
    m = df.iloc[0]
    head = (f"{m.cpu} ({m.cpu_capability}, native bf16: {m.bf16_native}), {int(m.threads)} threads, torch {m.torch}; "
            f"`auto` = the rule's choice (`cdx.core.rule_precision`); each cell the median (min–max) over `runs` runs "
            f"({', '.join(map(str, df['run'].unique()))}).\n\n")
    t1 = _per_setting(df[df.pool.isna()] if 'pool' in df else df)
    g = df[df.pool.notna()] if 'pool' in df else df.iloc[:0]
    t2 = pd.DataFrame({'run': g['run'], 'setting': g.setting, 'precision': g.precision, 'pool images': g.pool.astype(int),
                       'KD step ms': (1000 * g.kd_step_s).round(1), 'images MiB': g.pool_mb.round(0),
                       'pool tensor MiB': g.pool_alloc_mb.round(0), 'resident growth MiB': g.rss_growth_mb.round(0)})
    return head + markdown(t1) + '\n\n' + markdown(t2) + '\n'


def main(argv=None):
    ap = argparse.ArgumentParser(prog='bench_kd', description=__doc__.split('\n')[0])
    ap.add_argument('--settings', nargs='+', default=list(SETTINGS), choices=list(SETTINGS))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--quick', action='store_true', help='fewer timed steps (a smoke check of the script)')
    ap.add_argument('--summarize', metavar='CSV', help='only write the markdown summary of an earlier run')
    a = ap.parse_args(argv)
    if a.summarize:
        out = Path(a.summarize); write_results(None, out, summary(pd.read_csv(out)))
    else:
        out = results_path('kd', a.threads, '_quick' if a.quick else '')
        df = accumulate(pd.DataFrame([r for s in a.settings for r in run(s, a.threads, a.quick)]), out)   # runs accumulate
        write_results(df, out, summary(df))

if __name__ == '__main__':
    main()
