"""MI, MI + condensed and MI* for one pair at a GPU budget: the scaling curve's far end.

A GPU machine without the datasets gets the data-free part as one small bundle made here:
the test split as uint8, the trained teacher's checkpoint, the guiding set and the run's specification.

    .venv/bin/python experiments/gpu_modes.py prepare --scale cifar10 --pair heterogeneous --ipc 10 --bundle gpu_bundle
    .venv/bin/python experiments/gpu_modes.py run --bundle gpu_bundle --out "$OUT" --epochs 60 --kd-steps 200

`run` writes result rows (provenance, device and budget included) to OUT/rows.csv after every mode, so a run cut by
its time limit keeps what it finished. A wrong argument ends in one line and exit status 2.
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path
import torch

MODES = ('mi', 'naive', 'guided')

def _fail(msg: str):
    "A user mistake: one line, exit status 2."
    print(msg, file=sys.stderr); raise SystemExit(2)
MAX_BUNDLE_MB = 60


def prepare(a) -> Path:
    from cdx.scales import scale_config, teacher_for, splits, guide_for, base_config_for, kd_dict, teacher_config
    from cdx.train import save_checkpoint, arch_of
    S = scale_config(a.scale); ds = S.datasets[0] if a.dataset is None else a.dataset
    if a.pair not in S.pairs[ds]: _fail(f"gpu_modes prepare: error: pair {a.pair!r} is not one of {', '.join(S.pairs[ds])}")
    out = Path(a.bundle); out.mkdir(parents=True, exist_ok=True)
    train, test = splits(ds, device='cpu')
    teacher, tmeta = teacher_for(S, ds, a.pair, device='cpu')
    tcfg = teacher_config(S, ds, a.pair)
    save_checkpoint(out/'teacher.pt', teacher, arch_of(teacher, tcfg.model, **tcfg.model_kwargs),
                    **{k: v for k, v in tmeta.items() if k not in ('arch', 'cdx_version')})
    guide_for(S, ds, a.ipc, train, seed=a.seed).to('cpu').save(out/'guide.pt')
    torch.save(dict(x=test.x.cpu(), y=test.y.cpu()), out/'test.pt')
    student, skw = S.pairs[ds][a.pair]
    spec = dict(scale=a.scale, dataset=ds, pair=a.pair, ipc=a.ipc, seed=a.seed, base=a.base, student=[student, skw],
                base_cfg=base_config_for(S, a.base, ds, a.pair), kd=kd_dict(S, a.base), guidance=S.guidance,
                teacher_top1=tmeta['top1'])
    (out/'spec.json').write_text(json.dumps(spec, indent=1))
    mb = sum(f.stat().st_size for f in out.iterdir()) / 2 ** 20
    if mb > MAX_BUNDLE_MB: _fail(f"gpu_modes prepare: error: the bundle is {mb:.0f} MiB, over {MAX_BUNDLE_MB} MiB")
    print(f"bundle {out} ({mb:.1f} MiB): teacher {tmeta['top1']:.2f}%, {len(test)} test images, guide ipc {a.ipc}")
    return out


def run(a) -> Path:
    from cdx.data import ImageSet, get_info
    from cdx.sets import CondensedSet
    from cdx.train import load_checkpoint
    from cdx.kd import KDConfig
    from cdx.expansion import expand_and_distill, GuidanceConfig
    from cdx.scales import seeded_model
    from cdx.results import result_row, write_rows
    b = Path(a.bundle)
    missing = [f for f in ('teacher.pt', 'guide.pt', 'test.pt', 'spec.json') if not (b/f).exists()]
    if missing: _fail(f"gpu_modes run: error: {b} lacks {', '.join(missing)}: make it with `gpu_modes.py prepare`")
    spec = json.loads((b/'spec.json').read_text())
    dev = torch.device(a.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    info = get_info(spec['dataset'])
    t = torch.load(b/'test.pt', weights_only=True)
    test = ImageSet(t['x'], t['y'], info).to(dev)
    teacher, tmeta = load_checkpoint(b/'teacher.pt', dev)
    guide = CondensedSet.load(b/'guide.pt', device=dev)
    kd = KDConfig.for_dataset(info, **{**spec['kd'], 'epochs': a.epochs, 'kd_steps': a.kd_steps,
                                       **({'batch_size': a.batch} if a.batch else {})})
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True); rows = []
    for mode in a.modes:
        t0 = time.perf_counter()
        student = seeded_model(spec['student'][0], spec['dataset'], spec['seed'], dev, **spec['student'][1])
        r = expand_and_distill(teacher, guide, student, test, mode=mode, base=spec['base'], base_cfg=spec['base_cfg'],
                               guidance=GuidanceConfig(**spec['guidance']), kd=kd, seed=spec['seed'], progress=False)
        rows.append(result_row('gpu_modes', f"{spec['scale']}-gpu", spec['seed'], dataset=spec['dataset'], pair=spec['pair'],
                               base=spec['base'], mode=mode, ipc=spec['ipc'], top1=r.final_top1, teacher_top1=spec['teacher_top1'],
                               pool=len(r.pool) if r.pool is not None else 0, seconds=round(time.perf_counter() - t0, 1),
                               kd=kd.to_dict(), precision=r.precision))
        write_rows(rows, out)
        print(f"{mode}: top-1 {r.final_top1:.2f}% with {rows[-1]['pool']} synthetic images in {rows[-1]['seconds']} s", flush=True)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='gpu_modes', description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    q = sub.add_parser('prepare', help='make the bundle here (needs the data and the trained teacher)')
    q.add_argument('--scale', default='cifar10'); q.add_argument('--dataset', default=None)
    q.add_argument('--pair', default='heterogeneous'); q.add_argument('--ipc', type=int, default=10)
    q.add_argument('--base', default='fast', choices=['fast', 'cmi', 'deepinversion', 'predfkd'])
    q.add_argument('--seed', type=int, default=0); q.add_argument('--bundle', default='gpu_bundle')
    r = sub.add_parser('run', help='run the modes from a bundle (on the GPU machine)')
    r.add_argument('--bundle', required=True); r.add_argument('--out', required=True)
    r.add_argument('--epochs', type=int, default=60); r.add_argument('--kd-steps', type=int, default=200)
    r.add_argument('--batch', type=int, default=None); r.add_argument('--device', default=None)
    r.add_argument('--modes', nargs='+', default=list(MODES), choices=MODES)
    a = p.parse_args(argv)
    (prepare if a.cmd == 'prepare' else run)(a)
    return 0


if __name__ == '__main__':
    sys.exit(main())
