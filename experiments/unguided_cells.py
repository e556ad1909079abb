"""The main table's and the guide control's cells that do not depend on the guidance, computed ahead of its selection.

While the search selects the guidance on validation, every other mode of the main table (condensed-only KD, MI, the
naive mix) and the guide control's naive mix with random real images are already fixed: their cells' keys leave the
guidance out (`cdx.repro._cell_key`). This script computes them into the batch runner's own cell folders, in the
artefacts' notebooks' order and through the same `compare_modes`, so that `cdx_repro --artefacts main_table
guide_control` later finds them finished and runs only the guided cells. It writes no rows: the runner does.

    CDX_THREADS=1 .venv/bin/python experiments/unguided_cells.py --scale cifar10 --runs data/runs --seeds 3 4 5 6 7

Interrupted, it resumes as the runner does (a finished cell is reused, a running one restarts from its last epoch).
"""
from __future__ import annotations

def settings(S, seed: int, bases=None):
    "(setting, modes) of the main table and the guide control for `seed` (MI bases `bases`, default all), guided modes left out, as their notebooks build them."
    from cdx.repro import Setting
    from cdx.scales import artefact_config, teacher_for, splits, guide_for
    M, C = artefact_config(S, 'main_table'), artefact_config(S, 'guide_control')
    for ds in M.datasets:
        train, test = splits(ds)
        for ipc in M.ipcs:
            guide = guide_for(S, ds, ipc, train, seed=seed, spec=M)
            for pair in S.pairs[ds]:
                teacher, tmeta = teacher_for(S, ds, pair)
                for i, base in enumerate(b for b in M.bases if not bases or b in bases):
                    modes = [m for m in M.modes if m != 'guided' and (i == 0 or m not in ('condensed_kd', 'scratch'))]  # no synthesiser: once
                    yield Setting(S, 'main_table', seed, ds, pair, base, guide, teacher, tmeta, test), modes
    for ds in C.datasets:
        train, test = splits(ds)
        teacher, tmeta = teacher_for(S, ds, C.pair)
        for m in C.controls:
            guide = guide_for(S, ds, C.ipc, train, method=m, cfg={}, seed=seed)
            for base in C.bases:
                if bases and base not in bases: continue
                yield Setting(S, 'guide_control', seed, ds, C.pair, base, guide, teacher, tmeta, test), ['naive']


def main(argv=None):
    from cdx.cli import parser, non_negative_int
    from cdx.scales import SCALES, scale_config, refuse_selection_seeds
    from cdx.core import set_threads
    from cdx.repro import compare_modes, cells_dir, Job
    p = parser('unguided_cells', __doc__)
    p.add_argument('--scale', default='cifar10', choices=sorted(SCALES))
    p.add_argument('--runs', default='data/runs', help="the batch runner's --runs folder")
    p.add_argument('--seeds', type=non_negative_int, nargs='+', default=[3, 4, 5, 6, 7])
    p.add_argument('--bases', nargs='+', default=None, help="MI bases (default: the main table's)")
    a = p.parse_args(argv)
    S = scale_config(a.scale)
    try: refuse_selection_seeds(S, ['main_table', 'guide_control'], a.seeds)
    except ValueError as e: p.error(f"argument --seeds: {e}")
    set_threads()
    for seed in a.seeds:
        cells = cells_dir(a.runs, Job('main_table', S.name, seed))   # the runner's: shared by the artefacts of a seed
        for st, modes in settings(S, seed, a.bases):
            print(f"seed {seed}: {st.artefact} {st.pair} {st.base} {st.guide.method} {modes}", flush=True)
            compare_modes(st, modes, cells)


if __name__ == '__main__':
    main()
