"""Few-shot KD baselines on Fashion-MNIST: FSKD, NetGraft, KD on the k-shot set, and guided MI (Fast*) guided by the
same k real images per class.

Teacher: ConvNet-BN width 32, 6 epochs (the config of experiments/expansion_table.py, so the cached teacher is reused).
For k = 1, 5, 10 images per class and 3 seeds (the seed draws the k-shot set and initialises the student):
  fskd      student = the teacher with 70% of every stage convolution's weights magnitude-pruned (FSKD's setting: a
            compressed teacher with the same stage outputs); 1x1 convs fitted by least squares, no SGD.
  netgraft  student = ConvNet-BN width 16; 1000 Adam steps in total (batch 128, lr 1e-3, T 4) over 3 block-grafting
            and 3 net-grafting phases; final student = student convs + output adapter + the teacher's head.
  kd        student = ConvNet-BN width 16; expand_and_distill(mode='condensed_kd'), KD budget below (1000 steps, batch 128).
  guided    student = ConvNet-BN width 16; expand_and_distill(mode='guided', base='fast', BASES['fast'] of
            expansion_table.py), same KD budget.
The final test accuracy is reported (no selection on the test split; it is evaluated once, at the end).

Usage (from the repository root; one CPU thread; resumes: finished rows are skipped):
    CDX_DATA=/work/shared/data .venv/bin/python experiments/fewshot_table.py
    CDX_DATA=/work/shared/data .venv/bin/python experiments/fewshot_table.py --smoke        # seconds, to check it runs
    ... --methods fskd kd --ks 1 5 --seeds 0 --out experiments/results/other.csv --device cuda
Writes experiments/results/fewshot_table.csv (one row per run, rewritten atomically after each run).
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path
import pandas as pd
import torch
sys.path.insert(0, str(Path(__file__).parent))
from expansion_table import BASES, KD, TEACHERS   # the shared MI base config, KD budget and teachers
from cdx.data import load_split, atomic_write, set_threads
from cdx.models import model_for
from cdx.train import evaluate, train_teacher
from cdx.kd import KDConfig
from cdx.condense import few_shot_set
from cdx.expansion import expand_and_distill, GuidanceConfig
from cdx.fewshot import fewshot_kd, compress_stages

OUT = Path(__file__).parent / 'results' / 'fewshot_table.csv'
DATASET = 'fashion_mnist'
STUDENT = ('convnet_bn', dict(width=16))
FSKD = dict(sparsity=0.7, ridge=1e-4, bias=False)
NETGRAFT = dict(steps=1000, batch_size=128, lr=1e-3, T=4., bridge='drop')
METHODS = ['fskd', 'kd', 'netgraft', 'guided']


def done_keys(out) -> set:
    if not out.exists(): return set()
    return set(map(tuple, pd.read_csv(out)[['k', 'method', 'seed']].astype(str).values.tolist()))


def save_row(out, row: dict):
    df = pd.read_csv(out) if out.exists() else pd.DataFrame()
    df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    atomic_write(out, lambda p: df.to_csv(p, index=False))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--ks', nargs='+', type=int, default=[1, 5, 10])
    p.add_argument('--methods', nargs='+', default=METHODS)
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    p.add_argument('--device', default='cpu')
    p.add_argument('--smoke', action='store_true', help='tiny budget into a separate file, to check the script')
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    out = Path(a.out) if a.out else OUT
    kd, ng = dict(KD), dict(NETGRAFT)
    if a.smoke:
        out = out.with_name('fewshot_table_smoke.csv'); kd.update(epochs=2, kd_steps=5); ng.update(steps=12, batch_size=16)
    if a.device == 'cpu': set_threads(1)
    dev = torch.device(a.device)
    done = done_keys(out)
    teacher, tmeta = train_teacher(TEACHERS[DATASET], progress=False, device=dev); teacher.eval().requires_grad_(False)
    train, test = load_split(DATASET, True, device=dev), load_split(DATASET, False, device=dev)
    info = test.info
    t_acc = evaluate(teacher, test).top1
    pruned = compress_stages(teacher, sparsity=FSKD['sparsity']).to(dev)
    pruned_acc = evaluate(pruned, test).top1
    print(f'teacher {t_acc:.2f}%  pruned ({FSKD["sparsity"]:.0%} of stage conv weights) {pruned_acc:.2f}%', flush=True)
    for method in a.methods:
        for k in a.ks:
            for seed in a.seeds:
                key = (str(k), method, str(seed))
                if key in done: continue
                shots = few_shot_set(train, k, seed)
                torch.manual_seed(seed)
                sname, skw = STUDENT
                t0 = time.perf_counter()
                cfg = {}
                if method == 'fskd':
                    student, before = pruned, pruned_acc
                    s, h = fewshot_kd('fskd', teacher, student, shots, test.normalizer, info=info, seed=seed,
                                      ridge=FSKD['ridge'], bias=FSKD['bias'])
                    top1, cfg, sname, skw = evaluate(s, test).top1, FSKD, 'convnet_bn (teacher, pruned)', dict(width=32)
                elif method == 'netgraft':
                    student = model_for(sname, info, **skw).to(dev); before = evaluate(student, test).top1
                    s, h = fewshot_kd('netgraft', teacher, student, shots, test.normalizer, info=info, seed=seed,
                                      **ng)
                    top1, cfg = evaluate(s, test).top1, ng
                else:
                    student = model_for(sname, info, **skw).to(dev); before = evaluate(student, test).top1
                    kcfg = KDConfig.for_dataset(info, **{**kd, 'eval_every': kd['epochs']})
                    mode = 'condensed_kd' if method == 'kd' else 'guided'
                    r = expand_and_distill(teacher, shots, student, test, mode=mode, base='fast', base_cfg=BASES['fast'],
                                           guidance=GuidanceConfig(), kd=kcfg, seed=seed, progress=False)
                    s, top1, cfg = r.student, r.final_top1, dict(kd=kcfg.to_dict(), base_cfg=BASES['fast'] if mode == 'guided' else None)
                row = dict(dataset=DATASET, k=k, method=method, seed=seed, teacher=TEACHERS[DATASET].model,
                           teacher_acc=round(t_acc, 2), student=sname, student_kwargs=json.dumps(skw),
                           student_params=sum(p.numel() for p in s.parameters()), before_top1=round(before, 2), top1=round(top1, 2),
                           seconds=round(time.perf_counter() - t0, 1), device=str(dev), cfg=json.dumps(cfg))
                print(json.dumps({kk: v for kk, v in row.items() if kk != 'cfg'}), flush=True)
                save_row(out, row)
    df = pd.read_csv(out)
    print(df.groupby(['method', 'k']).top1.agg(['mean', 'std', 'count']).round(2).unstack('k').to_string())


if __name__ == '__main__': main()
