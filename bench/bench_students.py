"""The cost of one KD step per CIFAR-10 student under the cifar10 scale's teacher, per precision and layout.

One KD step: the teacher's forward without gradients + the student's forward/backward + an SGD step, on one fixed
batch of 128 random 32×32 images (no pool, no augmentation): the floor of `cdx.kd.distill`'s step. The teacher
alone (`teacher_fwd`) is measured too: no student step can cost less. This is the measurement behind the cifar10
scale's choice of students (MobileNetV2 is the paper's heterogeneous student; on this CPU it costs several times a
WRN-16-1).

    .venv/bin/python bench/bench_students.py                 # 1 thread (the runner's workers)
    .venv/bin/python bench/bench_students.py --threads 2
Writes bench/results/students_<cpu capability>_<threads>t.csv (atomically) and prints it. Not run by the tests.
"""
from __future__ import annotations
import argparse, time
from pathlib import Path
import pandas as pd
import torch
import torch.nn.functional as F

from cdx.core import machine, set_threads, atomic_write, bf16_native
from cdx.models import count_macs
from cdx.scales import seeded_model

STUDENTS = [('wrn16_1', {}), ('convnet_bn', dict(width=64)), ('convnet', dict(width=64)), ('mobilenetv2', dict(width_mult=0.5)),
            ('mobilenetv2', {}), ('lenet5', {}), ('vgg11_bn', {}), ('resnet18', {})]

def best_time(step, reps: int) -> float:
    "The fastest of `reps` timed calls after one warm-up call (seconds)."
    step(); ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); step(); ts.append(time.perf_counter() - t0)
    return min(ts)

def kd_step_time(teacher, student, x, bf16: bool, channels_last: bool, reps: int) -> float:
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    teacher, student, x = teacher.to(memory_format=fmt), student.to(memory_format=fmt).train(), x.contiguous(memory_format=fmt)
    opt = torch.optim.SGD(student.parameters(), lr=0.01, momentum=0.9)
    def step():
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            with torch.no_grad(): t = teacher(x)
            s = student(x)
        loss = F.kl_div(F.log_softmax(s.float(), 1), F.softmax(t.float(), 1), reduction='batchmean')
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return best_time(step, reps)

def run(threads: int, reps: int, batch: int = 128) -> pd.DataFrame:
    set_threads(threads)
    teacher = seeded_model('wrn16_2', 'cifar10', 0).eval()
    x = torch.rand(batch, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    bf16_ok = bf16_native('cpu')   # bf16 only where the CPU has it natively (elsewhere it is several times slower)
    modes = [(False, False), (False, True)] + ([(True, False), (True, True)] if bf16_ok else [])
    rows = []
    for bf16, cl in modes:
        def fwd(t=teacher.to(memory_format=torch.channels_last if cl else torch.contiguous_format)):
            with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): t(x)
        rows.append(dict(student='(teacher forward only)', kwargs='', precision='bf16' if bf16 else 'fp32',
                         layout='channels_last' if cl else 'contiguous', seconds=best_time(fwd, reps)))
        for name, kw in STUDENTS:
            st = seeded_model(name, 'cifar10', 0, **kw)
            rows.append(dict(student=name, kwargs=str(kw), precision='bf16' if bf16 else 'fp32', layout='channels_last' if cl else 'contiguous',
                             params_m=sum(p.numel() for p in st.parameters()) / 1e6, mmacs=count_macs(st) / 1e6,
                             seconds=kd_step_time(teacher, st, x, bf16, cl, reps)))
    df = pd.DataFrame(rows)
    best = df.groupby(['student', 'kwargs']).seconds.transform('min')
    df['best_of_student'] = df.seconds == best
    ref = df[(df.student == 'wrn16_1') & df.best_of_student].seconds.iloc[0]
    df['vs_wrn16_1_best'] = (best / ref).round(2)
    m = machine('cpu')
    return df.assign(teacher='wrn16_2', batch=batch, **{k: v for k, v in m.items() if k != 'torch'}, torch=torch.__version__)

def main(argv=None):
    ap = argparse.ArgumentParser(prog='bench_students', description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args(argv)
    df = run(a.threads, a.reps)
    out = Path(__file__).parent/'results'/f"students_{torch.backends.cpu.get_cpu_capability().lower()}_{a.threads}t.csv"
    atomic_write(out, lambda f: df.to_csv(f, index=False))
    cols = ['student', 'kwargs', 'precision', 'layout', 'params_m', 'mmacs', 'seconds', 'vs_wrn16_1_best']
    print(df[cols].round(3).to_string(index=False)); print('->', out)

if __name__ == '__main__': main()
