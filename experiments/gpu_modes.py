"""MI, MI + condensed and MI* for one pair at a GPU budget: the scaling curve's far end.

A GPU machine without the datasets gets the data-free part as one small bundle made here:
the test split as uint8, the trained teacher's checkpoint, the guiding set and the run's specification.

    .venv/bin/python experiments/gpu_modes.py prepare --scale cifar10 --pair heterogeneous --ipc 10 --bundle gpu_bundle
    .venv/bin/python experiments/gpu_modes.py run --bundle gpu_bundle --out "$OUT" --epochs 60 --kd-steps 200

`run` computes the modes through `cdx.repro.compare_modes` (the scale's budgets, the epochs and steps given here) and
writes their rows (provenance, device and budget included) to OUT/rows.csv after every mode; each mode is a cell in
OUT/cells, checkpointed every epoch, so a run cut by its time limit resumes where it stopped when run again on the
same OUT. A wrong argument ends in one line and exit status 2.
"""
from __future__ import annotations
import argparse, json, sys
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
    guidance = S.artefact('main_table').guidance.get(a.base, {})   # the main table's selected guidance for this base (else the scale's)
    spec = dict(scale=a.scale, version=S.version, dataset=ds, pair=a.pair, ipc=a.ipc, seed=a.seed, base=a.base,
                student=[student, skw], base_cfg=base_config_for(S, a.base, ds, a.pair), kd=kd_dict(S, a.base),
                guidance=guidance, teacher_top1=tmeta['top1'])
    (out/'spec.json').write_text(json.dumps(spec, indent=1))
    mb = sum(f.stat().st_size for f in out.iterdir()) / 2 ** 20
    if mb > MAX_BUNDLE_MB: _fail(f"gpu_modes prepare: error: the bundle is {mb:.0f} MiB, over {MAX_BUNDLE_MB} MiB")
    print(f"bundle {out} ({mb:.1f} MiB): teacher {tmeta['top1']:.2f}%, {len(test)} test images, guide ipc {a.ipc}")
    return out


def run(a) -> Path:
    "The modes on the bundle's setting through `cdx.repro.compare_modes` (cells in OUT/cells: a cut run resumes there)."
    from cdx.data import ImageSet, get_info
    from cdx.sets import CondensedSet
    from cdx.train import load_checkpoint
    from cdx.scales import scale_config
    from cdx.repro import Setting, compare_modes
    from cdx.results import write_rows
    b = Path(a.bundle)
    missing = [f for f in ('teacher.pt', 'guide.pt', 'test.pt', 'spec.json') if not (b/f).exists()]
    if missing: _fail(f"gpu_modes run: error: {b} lacks {', '.join(missing)}: make it with `gpu_modes.py prepare`")
    spec = json.loads((b/'spec.json').read_text())
    S = scale_config(spec['scale'])
    if S.version != spec['version']:
        _fail(f"gpu_modes run: error: the bundle is of {spec['scale']} version {spec['version']}, this cdx has version {S.version}: prepare it again")
    dev = torch.device(a.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    t = torch.load(b/'test.pt', weights_only=True)
    test = ImageSet(t['x'], t['y'], get_info(spec['dataset'])).to(dev)
    teacher, tmeta = load_checkpoint(b/'teacher.pt', dev)
    guide = CondensedSet.load(b/'guide.pt', device=dev)
    st = Setting(S, 'gpu_modes', spec['seed'], spec['dataset'], spec['pair'], spec['base'], guide, teacher,
                 dict(tmeta, top1=spec['teacher_top1']), test, guidance=spec['guidance'] or None,
                 kd=dict(epochs=a.epochs, kd_steps=a.kd_steps, **({'batch_size': a.batch} if a.batch else {})))
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True); rows = []
    for mode in a.modes:
        r, _ = compare_modes(st, [mode], out/'cells')
        rows += r; write_rows(rows, out)
        print(f"{mode}: top-1 {r[0]['top1']:.2f}% with {r[0]['pool']} synthetic images in {r[0]['seconds']} s", flush=True)
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
