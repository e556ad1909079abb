"""The reference Fast implementation beside cdx on the float32 path: the summary of measured rows.

Setting of the comparison (issue "speed"): CIFAR-10, WRN-16-1 → WRN-16-1, batch 256, Fast-2 (`g_steps` 2), one synthesis
round + 100 KD steps per epoch, the wrn-2 script's hyper-parameters.

* reference rows (`reference_fast_<cpu capability>_<threads>t.csv`): zju-vipa/Fast-Datafree at commit 0dcecbc,
  `FastMetaSynthesizer` and `datafree_kd.train` as they are (its PNG image pool, its `DataLoader` with 4 workers,
  float32/contiguous), driven by a local harness that is not committed (it runs upstream code, which cdx does not ship).
  Two adaptations to run on a CPU with today's libraries, neither in the timed work: `Tensor.cuda` is the identity (its
  `fomaml_grad` allocates gradient buffers with `.cuda()`), and `torchvision.models.utils.load_state_dict_from_url` is
  `torch.hub`'s. Random weights (timing only). Timed per epoch: `synthesize()` + 100 steps of `train`; `kd_step_s` is
  that loop's time / 100. Two pools: the one its own rounds make (256 images after the first round: its loader restarts
  every few steps), and one prefilled (`prefill`) with 40,192 random images through its own `ImagePool.add` (a long run's state),
  compared with cdx at its largest pool.
* cdx rows: `bench/bench_kd.py --settings cifar --threads <threads>` (`kd_<cpu capability>_<threads>t.csv`, the median over
  its runs): the epoch is the measured round + 100 × the measured KD step; at its largest pool, the same round + 100 ×
  the KD step at that pool.

    .venv/bin/python bench/reference_fast.py --threads 2
Writes reference_fast_<cpu capability>_<threads>t.md beside the rows and prints it. Not run by the tests.
"""
from __future__ import annotations
import argparse
import pandas as pd
from common import results_path, write_results
from cdx.results import markdown


def cdx_rows(kd: pd.DataFrame) -> pd.DataFrame:
    "cdx's CIFAR epochs, the median over bench_kd's runs: each precision at bench_kd's pool, and the rule's choice at its largest pool."
    kd = kd[kd.setting == 'cifar'].assign(run=kd['run'].fillna('first') if 'run' in kd else 'first')
    med = dict(round_s='median', kd_step_s='median', epoch_s='median', floor_s='median', round_vs_bare='median')
    base = (kd[kd.pool.isna()].groupby('precision', sort=False).agg(auto_choice=('auto_choice', 'first'), runs=('run', 'nunique'),
                                                                       **{c: (c, f) for c, f in med.items()})
            .reset_index().assign(pool="bench_kd's"))
    big = kd[kd.pool.notna()]; big = big[big.pool > big.pool.min()] if big.pool.nunique() > 1 else big   # each run's largest pool
    auto = base[base.auto_choice].iloc[0]; step = big.kd_step_s.median()
    grown = pd.DataFrame([dict(auto, pool=f'{int(big.pool.median()):,}', kd_step_s=step, epoch_s=auto.round_s + 100 * step)])
    t = pd.concat([base, grown], ignore_index=True)
    t['precision'] = t.precision + t.auto_choice.map({True: ' (the rule\'s choice)', False: ''})
    return t.assign(impl='cdx')


def summary(ref: pd.DataFrame, kd: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    "One row per reference pool and per cdx row (ranges over epochs), and the epoch ratios reference / cdx."
    r = ref.groupby(['pool', 'prefill'], sort=False).agg(epochs=('epoch', lambda e: f'{e.min()}–{e.max()}'), round_min=('round_s', 'min'),
                                            round_max=('round_s', 'max'), step_min=('kd_step_s', 'min'), step_max=('kd_step_s', 'max'),
                                            epoch_min=('epoch_s', 'min'), epoch_max=('epoch_s', 'max')).reset_index()
    c = cdx_rows(kd); auto = c[c.auto_choice]
    small, grown = auto.iloc[0], auto.iloc[-1]
    rng = lambda a, b, d: f'{a:.{d}f}' if round(a, d) == round(b, d) else f'{a:.{d}f}–{b:.{d}f}'
    rows = [dict(impl='reference', precision='fp32/contiguous', pool=p.pool, epochs=p.epochs, round_s=rng(p.round_min, p.round_max, 1),
                 kd_step_s=rng(p.step_min, p.step_max, 2), epoch_s=rng(p.epoch_min, p.epoch_max, 0),
                 **{'reference / cdx': rng(p.epoch_min / (grown if p.prefill else small).epoch_s,
                                          p.epoch_max / (grown if p.prefill else small).epoch_s, 2) + '×'})
            for p in r.itertuples()]
    rows += [dict(impl='cdx', precision=x.precision, pool=x.pool, epochs='', round_s=f'{x.round_s:.2f}', kd_step_s=f'{x.kd_step_s:.3f}',
                  epoch_s=f'{x.epoch_s:.1f}', **{'reference / cdx': ''}) for x in c.itertuples()]
    floor = small.kd_step_s / small.floor_s
    return pd.DataFrame(rows), dict(floor=floor, floor_ms=small.floor_s * 1e3, round_vs_bare=small.round_vs_bare, runs=small.runs)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    out = results_path('reference_fast', a.threads)
    ref, kd = pd.read_csv(out), pd.read_csv(results_path('kd', a.threads))
    t, m = summary(ref, kd)
    r0 = ref.iloc[0]
    md = (f"{r0.cpu} ({r0.cpu_capability}, native bf16: {r0.bf16_native}), {r0.threads} threads, torch {r0.torch}, {r0.date}; "
          f"one machine, one run after the other, nothing else running. Rows: [`{out.name}`]({out.name}) (reference), "
          f"[`{results_path('kd', a.threads).name}`]({results_path('kd', a.threads).name}) (cdx). How each was measured: "
          f"`bench/reference_fast.py`'s docstring.\n\n" + markdown(t.set_index(['impl', 'precision', 'pool'])) + "\n\n"
          f"cdx's KD step here is {m['floor']:.2f}× its bare floor ({m['floor_ms']:.0f} ms) and its Fast round "
          f"{m['round_vs_bare']:.2f}× its bare passes (medians of {m['runs']} runs): what is left between cdx and a faster float32 epoch is the "
          f"compute itself (`torch.compile`: [`{results_path('compile', 1).stem}.md`]({results_path('compile', 1).stem}.md)).\n")
    write_results(None, out, md)
