"""Reproduce the papers' findings on the embedded synthetic benchmark, end to end.

    python tools/reproduce.py [--seeds 0 1] [--studies heatmap architecture w300 pdb loss ...]
    python tools/reproduce.py --report-only   # the report from the runs finished so far
    python tools/reproduce.py --quick --work-dir /tmp/repro --out /tmp/repro/docs   # smoke run

Each run trains a config with tools/train.py and evaluates it with tools/test.py (the project's
own tools), in ``--work-dir/<config>/<epochs>ep[-noise<P>][-<variant>]/seed<k>``; ``--jobs``
runs go at once, each on one core. A run whose result JSON exists is skipped, so an interrupted
reproduction resumes and a run shared by studies is trained once. Written to ``--out``
(``docs/`` by default): ``results.md`` (every table, CED plot and config), ``results.json``
(the figures per study and method), ``claims.md`` (the papers' claims and their verdicts),
``ced_<study>.png`` and ``pdb_histogram.png``; the README's results block once every run is
finished.
"""
import argparse
import os
import os.path as osp
import sys
import time
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Dict, List, NamedTuple, Tuple

from tqdm import tqdm

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the reproduction package beside
from reproduction.report import README_BEGIN, read_readme_block, write_results  # noqa: E402
from reproduction.runner import RunResult, read_run, run_once  # noqa: E402
from reproduction.studies import (DEFAULT_STUDIES, IN_PROCESS, LABEL_NOISE,  # noqa: E402
                                  NUM_VAL, PROTOCOLS, ROOT, STUDIES, Method, data_options,
                                  max_epochs, quick_options)

NOISE_LEVELS = (1., 2., 4.)


class Run(NamedTuple):
    study: str
    method: Method
    seed: int
    data: str  # the data folder
    work_dir: str
    options: List[str]
    num_epochs: int
    needs: Tuple[str, ...]  # work dirs of the runs it reads


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--studies', nargs='+', choices=list(STUDIES), default=None,
                        help=f'default: {" ".join(DEFAULT_STUDIES)} (or those of --protocols)')
    parser.add_argument('--protocols', nargs='+', choices=list(PROTOCOLS), default=None,
                        help='only the studies on these protocols (of the default ones when '
                        'no --studies are named)')
    parser.add_argument('--label-noise', type=float, choices=NOISE_LEVELS, default=LABEL_NOISE,
                        help='annotation noise of the noisy-label studies, %% of the '
                        'inter-ocular distance')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1],
                        help='a study runs the first num_seeds of them')
    parser.add_argument('--jobs', type=int, default=2, help='runs at once, one core each')
    parser.add_argument('--data', default='data/synthface')
    parser.add_argument('--num-train', type=int, default=8000)
    parser.add_argument('--num-test', type=int, default=600)
    parser.add_argument('--work-dir', default='work_dirs/reproduce')
    parser.add_argument('--out', default='docs')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: a tiny set in the work dir, 1 epoch, 1 seed')
    parser.add_argument('--report-only', action='store_true',
                        help='write the report from the finished runs; list the missing ones')
    parser.add_argument('--readme', default=None,
                        help='Markdown file whose results block (between the line '
                        f'{README_BEGIN!r} and its end marker) gets the summary once every '
                        'run is finished; default: README.md when the default studies run, '
                        'none with --quick')
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f'--jobs must be >= 1, got {args.jobs}')
    if args.studies is None:
        args.studies = [s for s in DEFAULT_STUDIES
                        if args.protocols is None or STUDIES[s].protocol in args.protocols]
    elif args.protocols is not None:
        args.studies = [s for s in args.studies if STUDIES[s].protocol in args.protocols]
    if not args.studies:
        parser.error('no study on --protocols ' + ' '.join(args.protocols) + '; studies: '
                     + ', '.join(f'{s} ({study.protocol})' for s, study in STUDIES.items()))
    if args.readme is None and not args.quick and set(DEFAULT_STUDIES) <= set(args.studies) \
            and args.label_noise == LABEL_NOISE:
        args.readme = osp.join(ROOT, 'README.md')
    if args.readme is not None:
        read_readme_block(args.readme)  # fail before hours of runs, not after
    return args


def plan_runs(args, data: Dict[float, str]) -> List[Run]:
    """Every run of the chosen studies, in the order they may start."""
    runs = []
    for study_name in args.studies:
        study = STUDIES[study_name]
        noise = args.label_noise if study.label_noise else 0.
        data_tag = f'-noise{noise:g}' if noise else ''
        for seed in (args.seeds[:1] if args.quick else args.seeds)[:study.num_seeds]:
            earlier = []
            for method in study.methods:
                options = (data_options(method.config, data[noise]) + [f'randomness.seed={seed}']
                           + study.options + list(method.options) + IN_PROCESS
                           + (quick_options() if args.quick else []))
                num_epochs = max_epochs(method.config, options)
                options = [o.format(runs=args.work_dir, seed=seed, epochs=num_epochs,
                                    data=data_tag) for o in options]
                # keyed by config, length, data and variant: a run shared by studies runs once
                work_dir = osp.join(
                    args.work_dir, osp.splitext(osp.basename(method.config))[0],
                    f'{num_epochs}ep{data_tag}' + (f'-{method.tag}' if method.tag else ''),
                    f'seed{seed}')
                needs = tuple(earlier) if any('{runs}' in o for o in method.options) else ()
                runs.append(Run(study_name, method, seed, data[noise], work_dir, options,
                                num_epochs, needs))
                earlier.append(work_dir)
    return runs


def run_all(runs: List[Run], jobs: int) -> Dict[str, RunResult]:
    """Train and test every distinct run, ``jobs`` at a time (each on one core), a run after
    those it reads; the results by work dir."""
    distinct = list(OrderedDict((run.work_dir, run) for run in runs).values())
    results: Dict[str, RunResult] = {}
    progress = tqdm(total=len(distinct), desc='runs', unit='run')
    pending, running = list(distinct), {}
    with ThreadPoolExecutor(jobs) as pool:
        while pending or running:
            for run in [r for r in pending if all(n in results for n in r.needs)]:
                if len(running) == jobs:
                    break
                pending.remove(run)
                tqdm.write(f'[{run.study}] {run.method.name}, seed {run.seed}: '
                           f'{run.method.config} {" ".join(run.options)}')
                running[pool.submit(run_once, run.method.config, run.work_dir, run.options,
                                    threads=1)] = run
            if not running:
                raise RuntimeError('runs wait for runs that are not planned: '
                                   + '; '.join(f'{r.work_dir} needs {r.needs}' for r in pending))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                run = running.pop(future)
                results[run.work_dir] = future.result()
                progress.update()
    progress.close()
    return results


def main():
    args = parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    from wingpose.datasets.synthetic import carve_validation, generate_synthetic_faces
    start = time.time()
    base = osp.join(args.work_dir, 'data') if args.quick else args.data
    sizes = dict(num_train=24 if args.quick else args.num_train,
                 num_test=12 if args.quick else args.num_test, seed=0,
                 image_size=128 if args.quick else 256)
    noises = sorted({args.label_noise if STUDIES[s].label_noise else 0. for s in args.studies})
    data = {noise: base + (f'_noise{noise:g}' if noise else '') for noise in noises}
    counts = {noise: generate_synthetic_faces(folder, label_noise=noise, **sizes)
              for noise, folder in data.items()}
    if 'lr_sweep' in args.studies:
        carve_validation(data[0.], 4 if args.quick else NUM_VAL)
    runs = plan_runs(args, data)
    if args.report_only:
        results = {run.work_dir: read_run(run.work_dir) for run in runs
                   if osp.exists(osp.join(run.work_dir, 'result.json'))}
    else:
        results = run_all(runs, args.jobs)
    missing = [f'{run.study}: {run.method.name}, seed {run.seed}' for run in runs
               if run.work_dir not in results]
    write_results(args, runs, results, missing, counts[noises[0]], data, start)


if __name__ == '__main__':
    main()
