"""Benchmark of cdx.inversion / cdx.kd: images synthesised per second and KD steps per second per synthesiser, and
peak memory, on this machine (CPU, or a GPU with --device cuda).

Each (setting, method) is measured in a fresh subprocess so that peak memory (max RSS on CPU, max allocated on CUDA)
belongs to it alone. Inner steps are timed on a few steps after a warm-up and extrapolated to the method's paper
configuration (DeepInversion 2000 iterations, CMI 200, Fast-2 2 steps, PRE-DFKD 5 steps per round of `batch` images).
KD steps are timed through `cdx.kd.distill` itself (pool-sized fixed set, no evaluation), fp32 and bf16.

    .venv/bin/python bench/bench_inversion.py                    # CPU, 1 thread, settings mnist and cifar
    PYTHONPATH=. python3 bench/bench_inversion.py --device cuda --threads 8 --settings mnist cifar r34
On a shared CPU, wall-clock figures depend on the load (recorded as load_avg); the *_cpu_ms columns are process CPU
time, which depends much less on it. Prints a table; writes bench/results/inversion_<device>.csv atomically. Not run
by the tests.
"""
from __future__ import annotations
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path
import pandas as pd
import torch

SETTINGS = {  # teacher, student, dataset shape, synthesis batch, KD batch, generator width
    'mnist': dict(teacher='lenet5_bn', tkw={}, student='convnet', skw=dict(width=16, depth=2), c=1, s=28, batch=128,
                  kd_batch=128, ngf=16, nz=64),
    'cifar': dict(teacher='wrn16_1', tkw={}, student='wrn16_1', skw={}, c=3, s=32, batch=256, kd_batch=256, ngf=64,
                  nz=256),
    # the paper's pair, for GPUs (compare with the reference implementation's GPU timings); too slow for the CPU
    'r34': dict(teacher='resnet34', tkw={}, student='resnet18', skw={}, c=3, s=32, batch=256, kd_batch=256, ngf=64,
                nz=256),
}
FULL_STEPS = dict(deepinversion=1000, cmi=200, fast=2, predfkd=1)   # the official scripts' steps per round
TIMED = dict(deepinversion=4, cmi=4, fast=2, predfkd=1)


def measure(setting: str, method: str, device: str) -> dict:
    from cdx.models import get_model
    from cdx.data import Normalizer, ImageSet, get_info
    from cdx.bases import make_synthesizer
    from cdx.kd import KDConfig, distill
    st, dev = SETTINGS[setting], torch.device(device)
    torch.manual_seed(0)
    info = get_info('mnist' if st['c'] == 1 else 'cifar10'); norm = Normalizer(info.mean, info.std)
    teacher = get_model(st['teacher'], st['c'], 10, st['s'], norm, **st['tkw']).to(dev).eval()
    row = dict(setting=setting, method=method, device=device, threads=torch.get_num_threads(), batch=st['batch'])
    sync = (lambda: torch.cuda.synchronize()) if dev.type == 'cuda' else (lambda: None)
    if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats()
    if method != 'kd':
        n = TIMED[method]
        gen = {} if method == 'deepinversion' else dict(width=2 * st['ngf'], nz=st['nz']) if method == 'predfkd' else dict(ngf=st['ngf'], nz=st['nz'])
        steps = dict(deepinversion=dict(iterations=n), cmi=dict(iterations=n), fast=dict(g_steps=2),
                     predfkd=dict(g_steps=n, vae_steps=4))[method]
        syn = make_synthesizer(method, teacher, dict(batch_size=st['batch'], **gen, **steps))
        student = get_model(st['student'], st['c'], 10, st['s'], norm, **st['skw']).to(dev)
        syn.synthesize(student); sync()                      # warm-up round
        t0, c0 = time.perf_counter(), time.process_time(); syn.synthesize(student); sync()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        per_step = dt / n
        rnd = per_step * FULL_STEPS[method]
        row.update(step_ms=1000 * per_step, step_cpu_ms=1000 * dc / n, round_s=rnd, images_per_s=st['batch'] / rnd,
                   images_per_cpu_s=st['batch'] / (dc / n * FULL_STEPS[method]))
    else:
        student = get_model(st['student'], st['c'], 10, st['s'], norm, **st['skw']).to(dev)
        x = torch.rand(4096, st['c'], st['s'], st['s'], device=dev); y = torch.randint(10, (4096,), device=dev)
        for prec in ('fp32', 'bf16'):
            k = 20 if dev.type == 'cuda' else 8
            cfg = KDConfig(epochs=1, kd_steps=2, batch_size=st['kd_batch'], precision=prec, layout='contiguous')
            distill(student, teacher, None, cfg, fixed=ImageSet(x, y, info), progress=False); sync()
            cfg = KDConfig(epochs=1, kd_steps=k, batch_size=st['kd_batch'], precision=prec, layout='contiguous')
            t0, c0 = time.perf_counter(), time.process_time()
            distill(student, teacher, None, cfg, fixed=ImageSet(x, y, info), progress=False); sync()
            dt = (time.perf_counter() - t0) / k
            row['kd_step_ms_bf16' if prec == 'bf16' else 'kd_step_ms'] = 1000 * dt
            row['kd_step_cpu_ms_bf16' if prec == 'bf16' else 'kd_step_cpu_ms'] = 1000 * (time.process_time() - c0) / k
            row['kd_steps_per_s_bf16' if prec == 'bf16' else 'kd_steps_per_s'] = 1 / dt
        row['batch'] = st['kd_batch']
    row['load_avg'] = os.getloadavg()[0]            # other processes on the machine distort CPU timings
    row['peak_mem_mb'] = (torch.cuda.max_memory_allocated() / 2 ** 20 if dev.type == 'cuda'
                          else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--settings', nargs='+', default=['mnist', 'cifar'])
    p.add_argument('--methods', nargs='+', default=['kd', 'deepinversion', 'cmi', 'fast', 'predfkd'])
    p.add_argument('--device', default='cpu'); p.add_argument('--threads', type=int, default=1)
    p.add_argument('--one', nargs=2, metavar=('SETTING', 'METHOD'), help=argparse.SUPPRESS)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.one:
        print('ROW ' + json.dumps(measure(*a.one, a.device))); return
    rows = []
    for s in a.settings:
        for m in a.methods:
            out = subprocess.run([sys.executable, __file__, '--one', s, m, '--device', a.device, '--threads', str(a.threads)],
                                 capture_output=True, text=True)
            line = [l for l in out.stdout.splitlines() if l.startswith('ROW ')]
            if out.returncode or not line: print(f'{s}/{m} failed:\n{out.stderr[-2000:]}'); continue
            rows.append(json.loads(line[0][4:])); print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    with pd.option_context('display.width', 200, 'display.max_columns', 20, 'display.float_format', '{:.3g}'.format):
        print(df.drop(columns=['device']).to_string(index=False))
    from cdx.core import atomic_write
    out = Path(__file__).parent / 'results' / f'inversion_{a.device.split(":")[0]}.csv'
    atomic_write(out, lambda q: df.to_csv(q, index=False)); print(f'wrote {out}')


if __name__ == '__main__':
    main()
