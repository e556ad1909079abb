"""Below the eager floor: `torch.compile` (inductor, CPU) on the KD step and the synthesis step, against eager, at the
precision the rule chooses on this machine.

The cifar10 scale's models (WRN-16-2 teacher, WRN-16-1 student, Fast's generator at width 32), CIFAR-10-shaped
batches of 128:

* kd          teacher forward without gradients, student forward + backward, SGD step (the KD step's compute floor)
* synthesis   z → generator → teacher, backward into the generator and z, Adam step (a Fast inner step's floor)

Each workload runs eager and with its modules wrapped by `torch.compile` (default mode, static shapes). Compile time is
the first compiled call's wall time less an eager step's. Then `--reps` interleaved rounds (eager, compiled, eager, ...)
of `--steps` steps each give the median and range of a step. Equivalence: from identical copies, the largest absolute
difference of the outputs (logits or images) after the first step and of the parameters after all steps, and both
runs' last losses. The decision rule (the speed issue's): keep compilation where it is at least 1.2× faster after
warm-up and numerically equivalent (the first step's outputs within 1e-4, the last losses within 1e-3 relative), and
worth its compile time at the budgets it would serve.

    .venv/bin/python bench/bench_compile.py --threads 1
Writes bench/results/compile_<cpu capability>_<threads>t.csv and .md (atomically). Not run by the tests.
"""
from __future__ import annotations
import argparse, copy, os, statistics, tempfile, time
os.environ['TORCHINDUCTOR_CACHE_DIR'] = tempfile.mkdtemp(prefix='inductor_')   # a cold compile every run (its time is reported)
os.environ['TORCHINDUCTOR_FX_GRAPH_CACHE'] = '0'
import pandas as pd
import torch
import torch.nn.functional as F
from cdx.core import Precision, machine, rule_precision
from cdx.results import markdown
from cdx.data import get_info
from cdx.models import model_for
from cdx.inversion import Generator
from common import accumulate, results_path, write_results

KEEP = 1.2   # compiled must be this much faster (median step) to be worth keeping


def kd_workload(t, s, x, p: Precision):
    "A KD step on copies of teacher `t` and student `s`; returns (step, the student's parameters, an output probe)."
    t, s = copy.deepcopy(t).eval().requires_grad_(False), copy.deepcopy(s).train(); p.prepare(t, s)
    opt = torch.optim.SGD(s.parameters(), lr=0.01, momentum=0.9)
    xin = p.to_layout(x)
    def step(ft, fs):
        with p.autocast(x.device):
            with torch.no_grad(): lt = ft(xin).float()
            ls = fs(xin).float()
        loss = F.kl_div(ls.log_softmax(1), lt.log_softmax(1), log_target=True, reduction='batchmean')
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        return loss.item(), ls.detach()
    return t, s, step


def synthesis_workload(t, gen, z0, y, p: Precision):
    "A generator step (z → generator → teacher, CE, backward, Adam) on copies; returns (teacher, generator, step)."
    t, g = copy.deepcopy(t).eval().requires_grad_(False), copy.deepcopy(gen).train(); p.prepare(t, g)
    z = z0.clone().requires_grad_(True)
    opt = torch.optim.Adam(list(g.parameters()) + [z], lr=1e-3)
    def step(ft, fg):
        with p.autocast(z.device):
            x = fg(z)
            lt = ft(p.to_layout(x)).float()
        loss = F.cross_entropy(lt, y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        return loss.item(), x.detach().float()
    return t, g, step


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter(); out = fn(); return time.perf_counter() - t0, out


def compare(name: str, make, p: Precision, steps: int, reps: int) -> dict:
    "Eager vs compiled for one workload: compile time, step times (median, range over rounds), equivalence."
    a1, a2, eager = make()          # eager copies
    b1, b2, comp = make()           # compiled copies: same initial values
    c1, c2 = torch.compile(b1), torch.compile(b2)
    te, (le, oe) = timed(lambda: eager(a1, a2))
    tc, (lc, oc) = timed(lambda: comp(c1, c2))
    out_diff = (oe - oc).abs().max().item()
    for _ in range(2): eager(a1, a2); comp(c1, c2)        # warm-up (a recompilation would show here)
    te_s, tc_s = [], []
    for _ in range(reps):
        te_s.append(timed(lambda: [eager(a1, a2) for _ in range(steps)])[0] / steps)
        tc_s.append(timed(lambda: [comp(c1, c2) for _ in range(steps)])[0] / steps)
    le, _ = eager(a1, a2); lc, _ = comp(c1, c2)
    pa = torch.cat([q.detach().flatten() for q in a2.parameters()]); pb = torch.cat([q.detach().flatten() for q in b2.parameters()])
    me, mc = statistics.median(te_s), statistics.median(tc_s)
    return dict(workload=name, precision=str(p), compile_s=tc - te, eager_ms=1000 * me, eager_min_ms=1000 * min(te_s),
                eager_max_ms=1000 * max(te_s), compiled_ms=1000 * mc, compiled_min_ms=1000 * min(tc_s),
                compiled_max_ms=1000 * max(tc_s), speedup=me / mc, first_output_max_abs_diff=out_diff,
                param_max_abs_diff=(pa - pb).abs().max().item(), param_scale=pa.abs().max().item(),
                last_loss_eager=le, last_loss_compiled=lc, steps_per_round=steps, rounds=reps)


def run(threads: int, steps: int, reps: int, workloads) -> pd.DataFrame:
    torch.set_num_threads(threads)
    info, dev = get_info('cifar10'), torch.device('cpu')
    p = rule_precision(dev)
    torch.manual_seed(0)
    t = model_for('wrn16_2', info).eval(); s = model_for('wrn16_1', info); gen = Generator(256, 32, 32, 3)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(128, *info.shape, generator=g); z = torch.randn(128, 256, generator=g)
    y = torch.randint(10, (128,), generator=g)
    makers = dict(kd=lambda: kd_workload(t, s, x, p), synthesis=lambda: synthesis_workload(t, gen, z, y, p))
    rows = []
    for w in workloads:
        r = compare(w, makers[w], p, steps, reps); r.update(machine(dev)); rows.append(r)
        print(f"  {w} {p}: eager {r['eager_ms']:.0f} ms, compiled {r['compiled_ms']:.0f} ms ({r['speedup']:.2f}×), "
              f"compile {r['compile_s']:.0f} s", flush=True)
    return pd.DataFrame(rows)


def summary(df: pd.DataFrame) -> str:
    m = df.iloc[0]
    head = (f"{m.cpu} ({m.cpu_capability}, native bf16: {m.bf16_native}), {int(m.threads)} threads, torch {m.torch}; "
            f"the rule's precision; per run (one row per workload) the median (min–max) of its interleaved rounds of "
            f"{int(m.steps_per_round)} steps; compile time with a cold cache.\n\n")
    rng = lambda a, b: df[a].round(0).astype(int).astype(str) + '–' + df[b].round(0).astype(int).astype(str)
    # equivalent: the first step's outputs agree to float32's rounding and the last losses to 1e-3 (relative); the
    # parameters after many Adam steps may drift by about lr × steps where a gradient is near zero (Adam normalises it)
    rel = (df.last_loss_eager - df.last_loss_compiled).abs() / df.last_loss_eager.abs().clip(lower=1e-12)
    keep = (df.speedup >= KEEP) & (df.first_output_max_abs_diff <= 1e-4) & (rel <= 1e-3)
    t = pd.DataFrame({'run': df.get('run', pd.Series('', index=df.index)).fillna(''), 'rounds': df.rounds, 'workload': df.workload, 'precision': df.precision, 'eager ms': df.eager_ms.round(0),
                      'eager range': rng('eager_min_ms', 'eager_max_ms'), 'compiled ms': df.compiled_ms.round(0),
                      'compiled range': rng('compiled_min_ms', 'compiled_max_ms'), 'speed-up': df.speedup.round(2),
                      'compile s': df.compile_s.round(0), 'max |Δ output| step 1': df.first_output_max_abs_diff.map('{:.1e}'.format),
                      'max |Δ param| end': df.param_max_abs_diff.map('{:.1e}'.format),
                      f'keep (≥ {KEEP}× and equivalent)': keep.map({True: 'yes', False: 'no'})})
    return head + markdown(t) + '\n'


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=5, help='steps per timed round')
    ap.add_argument('--reps', type=int, default=3, help='interleaved rounds')
    ap.add_argument('--workloads', nargs='+', default=['kd', 'synthesis'], choices=['kd', 'synthesis'])
    ap.add_argument('--summary', action='store_true', help="only rewrite the summary from this machine's results file")
    a = ap.parse_args()
    if a.summary:
        out = results_path('compile', a.threads); write_results(None, out, summary(pd.read_csv(out))); raise SystemExit
    out = results_path('compile', a.threads)
    df = accumulate(run(a.threads, a.steps, a.reps, a.workloads), out)   # runs accumulate: each is one row per workload
    write_results(df, out, summary(df))
