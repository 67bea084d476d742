"""Reproduce the papers' findings on the embedded synthetic benchmark, end to end.

    python tools/reproduce.py [--seeds 0 1 2] [--studies lr_sweep loss pdb architecture ...]
    python tools/reproduce.py --report-only   # the report from the runs finished so far
    python tools/reproduce.py --quick --work-dir /tmp/repro --out /tmp/repro/docs   # smoke run

Each run trains a config with tools/train.py and evaluates it with tools/test.py (the project's
own tools), in ``--work-dir/<config>/<epochs>ep[-<variant>]/seed<k>``, with a progress bar per
run; a run whose result JSON exists is skipped, so an interrupted study resumes and a run shared
by studies is trained once. The tables (mean +- std over seeds), the CED curves per study and the
PDB histogram go to ``--out`` (``docs/`` by default): ``results.md``, ``ced_<study>.png``,
``pdb_histogram.png``.
"""
import argparse
import os
import os.path as osp
import sys
import time
from collections import OrderedDict, deque
from typing import Dict, List, Tuple

import numpy as np
from tqdm import tqdm

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the reproduction package beside
from reproduction.report import (ERROR_BANDS, README_BEGIN, README_END,  # noqa: E402
                                 read_readme_block, write_results)
from reproduction.runner import per_image_nme, per_landmark_nme, run_once  # noqa: E402
from reproduction.statistics import best_rates, sweep_extensions, sweep_unfinished  # noqa: E402
from reproduction.studies import (BEST_RATE, DEFAULT_STUDIES, NUM_VAL, ROOT,  # noqa: E402
                                  Method,
                                  STUDIES, config_rate, data_options, max_epochs,
                                  quick_options, study_methods)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--studies', nargs='+', choices=list(STUDIES), default=DEFAULT_STUDIES,
                        help=f'default: {" ".join(DEFAULT_STUDIES)}')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--data', default='data/synthface')
    parser.add_argument('--num-train', type=int, default=1200)
    parser.add_argument('--num-test', type=int, default=400)
    parser.add_argument('--work-dir', default='work_dirs/reproduce')
    parser.add_argument('--out', default='docs')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: a tiny set in the work dir, 1 epoch, 1 seed')
    parser.add_argument('--report-only', action='store_true',
                        help='write the report from the finished runs; list the missing ones')
    parser.add_argument('--readme', default=None,
                        help='Markdown file whose results block (between the markers '
                        f'{README_BEGIN!r} and {README_END!r}) gets the summary once every '
                        'run is finished; default: README.md when the default studies run, '
                        'none with --quick')
    args = parser.parse_args()
    if args.readme is None and not args.quick and set(DEFAULT_STUDIES) <= set(args.studies):
        args.readme = osp.join(ROOT, 'README.md')
    if args.readme is not None:
        read_readme_block(args.readme)  # fail before hours of runs, not after
    return args


def main():
    args = parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    # imported here, before the runs are timed: the cached runs of a resumed study take no time
    from wingpose.datasets import data_root_options  # noqa: F401  (used by data_options)
    from wingpose.datasets.synthetic import carve_validation, generate_synthetic_faces
    from wingpose.evaluation.functional import error_bands
    seeds = args.seeds[:1] if args.quick else args.seeds
    data = osp.join(args.work_dir, 'data') if args.quick else args.data
    counts = generate_synthetic_faces(data, 24 if args.quick else args.num_train,
                                      12 if args.quick else args.num_test, seed=0,
                                      image_size=128 if args.quick else 256)
    carve_validation(data, 4 if args.quick else NUM_VAL)
    # the loss study takes its rates from the sweep, which runs first
    studies = [s for s in STUDIES
               if s in args.studies or (s == 'lr_sweep' and 'loss' in args.studies)]
    runs = [(study, method, seed) for study in studies
            for method in study_methods(study, args.quick)
            for seed in seeds[:STUDIES[study].num_seeds]]
    rates: Dict[str, float] = {}
    results: Dict[str, Dict[str, List[dict]]] = OrderedDict()
    curves: Dict[str, Dict[str, np.ndarray]] = OrderedDict()
    analysis: Dict[str, Dict[str, List[Tuple[np.ndarray, np.ndarray]]]] = OrderedDict()
    epochs: Dict[str, Dict[str, int]] = OrderedDict()
    missing = []
    ran: Dict[str, Dict[str, Method]] = OrderedDict()  # the methods as run, rates resolved
    queue = deque(runs)
    progress = tqdm(total=len(runs), desc='runs', unit='run', position=0)
    start = time.time()
    while queue:
        study, method, seed = queue[0]
        if BEST_RATE in method.options and not rates and not sweep_unfinished(missing):
            extra = sweep_extensions(results.get('lr_sweep', {}))
            if extra:  # a best rate at the edge of its grid: the sweep goes on first
                queue.extendleft(('lr_sweep', m, seeds[0]) for m in reversed(extra))
                progress.total += len(extra)
                continue
            rates = best_rates(results.get('lr_sweep', {}))
        queue.popleft()
        progress.update()
        if BEST_RATE in method.options:
            if sweep_unfinished(missing):  # --report-only, mid-sweep
                missing.append(f'{study}: {method.name}, seed {seed} (its rate is not chosen '
                               'until the sweep is finished)')
                continue
            # at the config's own rate the run is the one other studies share
            rate = rates[method.name]
            same = rate == config_rate(method.config)
            method = method._replace(
                options=tuple(o for o in method.options if o != BEST_RATE)
                + (() if same else (f'optim_wrapper.optimizer.lr={rate:g}', )),
                tag='' if same else method.tag.format(best_lr=f'{rate:g}'))
        options = (data_options(method.config, data) + [f'randomness.seed={seed}']
                   + STUDIES[study].options + list(method.options)
                   + (quick_options() if args.quick else []))
        num_epochs = max_epochs(method.config, options)
        options = [o.format(runs=args.work_dir, seed=seed, epochs=num_epochs) for o in options]
        tqdm.write(f'[{study}] {method.name}, seed {seed}: {method.config} {" ".join(options)}')
        # keyed by config, length and variant: a run shared by several studies is trained once
        work_dir = osp.join(args.work_dir, osp.splitext(osp.basename(method.config))[0],
                            f'{num_epochs}ep' + (f'-{method.tag}' if method.tag else ''),
                            f'seed{seed}')
        if args.report_only and not osp.exists(osp.join(work_dir, 'result.json')):
            missing.append(f'{study}: {method.name}, seed {seed}')
            continue
        result = run_once(method.config, work_dir, options, num_epochs)
        ran.setdefault(study, OrderedDict())[method.name] = method
        results.setdefault(study, OrderedDict()).setdefault(method.name, []).append(result)
        epochs.setdefault(study, OrderedDict())[method.name] = num_epochs
        nme = per_image_nme(work_dir)
        curves.setdefault(study, OrderedDict()).setdefault(method.name, nme)  # first seed's
        analysis.setdefault(study, OrderedDict()).setdefault(method.name, []).append(
            (error_bands(nme, ERROR_BANDS), per_landmark_nme(work_dir)))
    progress.close()
    write_results(args, seeds, counts, data, results, curves, analysis, epochs, ran, missing,
                  rates, progress.total, start)


if __name__ == '__main__':
    main()
