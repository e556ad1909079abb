"""A check of the batch runner's resume: a batch run killed midway resumes without redoing finished notebooks, and its results
equal an uninterrupted run's.

1. run `cdx_repro` uninterrupted into runs A;
2. start the same batch into runs B, kill its whole process group (SIGKILL, as a crash would) once `--kill-after`
   notebooks have finished, and note the finished ones and their `done.json` times, and the cells the killed
   notebooks had finished or were running;
3. rerun into B: the finished notebooks must be skipped (their `done.json` untouched), the killed ones reuse their
   finished cells and resume their running cell, and the rest run;
4. compare every result row of A and B, leaving out wall times and host.

Usage (from the repository root):
    .venv/bin/python experiments/repro_resume.py                      # smoke scale, every artefact, 2 workers
Writes experiments/results/repro_resume.json.
"""
from __future__ import annotations
import argparse, json, os, signal, subprocess, sys, tempfile, time
from pathlib import Path
from cdx.repro import collect, make_jobs, cells_dir, ARTEFACTS
from cdx.core import atomic_write

OUT = Path(__file__).parent / 'results' / 'repro_resume.json'
VOLATILE = {'seconds', 'host', 'wall_seconds'}


def repro(runs, a, **kw):
    cmd = [str(Path(sys.executable).with_name('cdx_repro')), '--scale', a.scale, '--runs', str(runs), '--workers', str(a.workers),
           '--artefacts', *a.artefacts]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **kw)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--scale', default='smoke')
    p.add_argument('--artefacts', nargs='+', default=list(ARTEFACTS))
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--kill-after', type=int, default=1, help='kill the batch once this many notebooks are done')
    p.add_argument('--kill-cells', type=int, default=1, help='... and a running notebook has finished this many cells')
    a = p.parse_args(argv)
    jobs = make_jobs(a.artefacts, [a.scale], [0])
    with tempfile.TemporaryDirectory() as tmp:
        A, B = Path(tmp) / 'A', Path(tmp) / 'B'
        t0 = time.perf_counter(); assert repro(A, a).wait() == 0, 'the uninterrupted run failed'
        t_full = time.perf_counter() - t0
        proc = repro(B, a)
        cdir = cells_dir(B, jobs[0])                  # one seed: every artefact's cells in one folder
        cells = lambda: len(list(cdir.glob('*/row.json')))
        while sum(j.done(B) for j in jobs) < a.kill_after or cells() < a.kill_cells:   # kill inside a notebook
            assert proc.poll() is None, 'the batch finished before it could be killed: lower --kill-after / --kill-cells'
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL); proc.wait()
        finished = {j.artefact: (j.folder(B) / 'done.json').stat().st_mtime_ns for j in jobs if j.done(B)}
        # the killed notebooks' finished cells (reused on resume) and running cells (resumed from their last epoch)
        partial = dict(finished_cells=cells(), running_cells=len(list(cdir.glob('*/ckpt.pt'))),
                       unfinished_jobs=[j.artefact for j in jobs if not j.done(B)])
        t0 = time.perf_counter(); assert repro(B, a).wait() == 0, 'the resumed run failed'
        t_resume = time.perf_counter() - t0
        untouched = all((j.folder(B) / 'done.json').stat().st_mtime_ns == finished[j.artefact] for j in jobs if j.artefact in finished)
        ra, rb = collect(A), collect(B)
        cols = [c for c in ra.columns if c not in VOLATILE]
        key = ['artefact', 'seed'] + [c for c in ('dataset', 'pair', 'base', 'mode', 'ipc', 'k', 'study', 'conditioning', 'weight', 'guide_method') if c in ra]
        ra, rb = (r[cols].sort_values(key).reset_index(drop=True) for r in (ra, rb))
        equal = ra.shape == rb.shape and ra.equals(rb)
        diff = None if equal else ra.compare(rb).head(20).to_string()
        res = dict(scale=a.scale, artefacts=a.artefacts, workers=a.workers, killed_after=sorted(finished), killed_midway=partial,
                   finished_untouched=untouched, all_done=all(j.done(B) for j in jobs), rows=len(ra), rows_equal=equal,
                   differences=diff, seconds_uninterrupted=round(t_full, 1), seconds_resume=round(t_resume, 1))
    print(json.dumps(res, indent=1))
    atomic_write(OUT, lambda p: Path(p).write_text(json.dumps(res, indent=1)))
    return 0 if (untouched and equal and res['all_done']) else 1


if __name__ == '__main__': sys.exit(main())
