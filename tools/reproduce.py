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
import datetime
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from collections import OrderedDict, deque
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np
from tqdm import tqdm

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SYNTH = 'configs/synthface/'

# CNN6 learns slowly from scratch: after the configs' 8 epochs (300 iterations on 1200 faces)
# its NME is barely below the mean-shape baseline, too close to tell losses apart. 30 epochs.
CNN6_SCHEDULE = ['train_cfg.max_epochs=30', 'train_cfg.val_interval=30',
                 'param_scheduler.0.end=30']


class Method(NamedTuple):
    """One row of a study: a config, plus options and a work-dir tag for a variant of it.

    Options may name another run's files with ``{runs}`` (the work dir of all runs), ``{seed}``
    and ``{epochs}``; that run must come earlier in the study.
    """
    name: str
    config: str
    options: Tuple[str, ...] = ()
    tag: str = ''


class Study(NamedTuple):
    question: str
    methods: List[Method]
    options: List[str]  # --cfg-options of every run
    num_seeds: Optional[int] = None  # the first seeds only (CPU budget); None: every seed


# the synthetic configs' CNN7 is half as wide in its first blocks (CPU budget): every table says so
CNN7 = 'CNN7 (half width)'
TWO_STAGE = 'CNN6 -> CNN7 (half width)'


def cnn6(loss: str) -> str:
    return SYNTH + f'cnn6_{loss}_synthface.py'


LOSSES = (('L2', 'l2'), ('L1', 'l1'), ('smooth L1', 'smoothl1'), ('Wing', 'wing'),
          ('RWing', 'rwing'))
# The loss study trains each loss at its own rate, chosen on a validation split of the
# training set (the last NUM_VAL faces, carve_validation), never on the test set. A loss whose
# best rate is the largest (smallest) it was swept at is swept one step further up (down) this
# ladder, until its best rate lies inside its grid. --quick sweeps the configs' own rate only.
RATE_LADDER = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
SWEEP_RATES = RATE_LADDER[3:6]  # 3e-4, 1e-3, 3e-3
QUICK_SWEEP_RATES = (1e-3, )
NUM_VAL = 200
ON_VALIDATION = ('train_dataloader.dataset.ann_file=annotations/synthface_68_fit.json',
                 'val_dataloader.dataset.ann_file=annotations/synthface_68_val.json',
                 'test_dataloader.dataset.ann_file=annotations/synthface_68_val.json')
# marks the option that becomes the loss's rate chosen by the sweep
BEST_RATE = 'optim_wrapper.optimizer.lr={best_lr}'


def sweep_name(loss: str, rate: float) -> str:
    return f'{loss}, lr {rate:g}'


def sweep_method(loss: str, rate: float) -> Method:
    """The sweep's run of ``loss`` (its name in LOSSES) at ``rate``, on the validation split."""
    return Method(sweep_name(loss, rate), cnn6(dict(LOSSES)[loss]),
                  (f'optim_wrapper.optimizer.lr={rate:g}', *ON_VALIDATION), f'fit-lr{rate:g}')


SWEEP_METHODS = [sweep_method(loss, rate) for loss, _ in LOSSES for rate in SWEEP_RATES]

WING_W5 = ('model.head.loss.omega=5.', 'model.head.loss.epsilon=1.')
WING_W20 = ('model.head.loss.omega=20.', 'model.head.loss.epsilon=4.')
LR_3E4 = ('optim_wrapper.optimizer.lr=0.0003', )
EPOCHS_60 = ('train_cfg.max_epochs=60', 'train_cfg.val_interval=60', 'param_scheduler.0.end=60')
# PDB repeats the rare poses: its epoch of the synthetic training set is ~2.5x longer (96
# iterations instead of 38), so 12 PDB epochs are as many iterations as 30 plain ones.
EPOCHS_12 = ('train_cfg.max_epochs=12', 'train_cfg.val_interval=12', 'param_scheduler.0.end=12')

HEATMAP_METHODS = [
    Method('MSE', SYNTH + 'hrnetv2-w18-small_mse_synthface.py'),
    Method('AWing', SYNTH + 'hrnetv2-w18-small_awing-nomap_synthface.py'),
    Method('AWing + map', SYNTH + 'hrnetv2-w18-small_awing_synthface.py'),
    Method('AWing + map + STAR', SYNTH + 'hrnetv2-w18-small_awing-star_synthface.py')]
# STAR's own network, reduced for CPU (2 stacks of depth 3, 64 channels, 128x128 input, batch
# 16; the configs list what is kept), every output trained by each loss, same budget: 8 epochs
# (at 4 the AWing-trained maps were still worse than the mean shape), 2 seeds (~20 min a run)
HOURGLASS_METHODS = [
    Method('STAR hourglass, MSE', SYNTH + 'stackedhg-small_mse_synthface.py'),
    Method('STAR hourglass, AWing', SYNTH + 'stackedhg-small_awing-nomap_synthface.py'),
    Method('STAR hourglass, AWing + map', SYNTH + 'stackedhg-small_awing_synthface.py'),
    Method('STAR hourglass, AWing + map + STAR', SYNTH + 'stackedhg-small_awing-star_synthface.py')]
# HRNet is ~10x slower than CNN6 per image on CPU: 4 epochs
HRNET_SCHEDULE = ['train_cfg.max_epochs=4', 'train_cfg.val_interval=4', 'param_scheduler.0.end=4']
HOURGLASS_SCHEDULE = ['train_cfg.max_epochs=8', 'train_cfg.val_interval=8',
                      'param_scheduler.0.end=8']
EPOCHS_8 = ('train_cfg.max_epochs=8', 'train_cfg.val_interval=8', 'param_scheduler.0.end=8')

STUDIES = OrderedDict(
    lr_sweep=Study('Learning rate of each loss on CNN6, chosen on a validation split of the '
                   'training set (the last 200 training faces, held out; never the test set)',
                   SWEEP_METHODS, CNN6_SCHEDULE, num_seeds=1),
    loss=Study('Loss ablation on CNN6 (Wing paper, Table 2 on AFLW): L2 vs L1 vs smooth-L1 vs '
               'Wing vs Rectified Wing, each at the rate the sweep chose',
               [Method(name, cnn6(key), (BEST_RATE, ), 'lr{best_lr}') for name, key in LOSSES],
               CNN6_SCHEDULE),
    pdb=Study('Pose-based data balancing on CNN6 with Wing: off vs on (same epochs, and same '
              'iterations)', [
                  Method('CNN6, Wing', cnn6('wing')),
                  Method('CNN6, Wing + PDB', cnn6('wing_pdb')),
                  Method('CNN6, Wing + PDB, same iterations', cnn6('wing_pdb'), EPOCHS_12)],
              CNN6_SCHEDULE),
    # the paper's two-stage recipe: CNN6 is trained first (the CNN6 row), then frozen while
    # CNN7 learns on the crops it aligns
    architecture=Study('CNN6 vs CNN7 vs the two-stage CNN6 -> CNN7 (CNN6 trained first, then '
                       'frozen), all with Wing', [
                           Method('CNN6', cnn6('wing')),
                           Method(CNN7, SYNTH + 'cnn7_wing_synthface.py'),
                           Method(TWO_STAGE, SYNTH + 'cnn6-cnn7_wing_synthface.py', (
                               'model.stage_checkpoints.coarse={runs}/cnn6_wing_synthface/'
                               '{epochs}ep/seed{seed}/epoch_{epochs}.pth',
                               'model.frozen_stages=[coarse]'), 'staged')],
                       CNN6_SCHEDULE),
    heatmap=Study('Heatmap regression (HRNetV2-W18, reduced): MSE vs AWing vs AWing + weighted '
                  'map vs AWing + STAR', HEATMAP_METHODS, HRNET_SCHEDULE),
    heatmap_hourglass=Study('Heatmap regression on STAR\'s network (its hourglass with point and '
                            'edge maps, reduced for every method to 2 stacks of depth 3 and 64 '
                            'channels, 128x128 input, 32x32 heatmaps, batch 16): MSE vs AWing '
                            'vs AWing + weighted map vs AWing + map + STAR',
                            HOURGLASS_METHODS, HOURGLASS_SCHEDULE, num_seeds=2),
    # Wing did not beat L1 in the loss study: vary what the issue names (w/epsilon scale,
    # learning rate, epochs), first seed only for the CPU budget.
    wing_vs_l1=Study('Investigation: Wing vs L1 on CNN6 under other w/epsilon scales, learning '
                     'rates and lengths', [
                         Method('L1', cnn6('l1')), Method('Wing (w=10, eps=2)', cnn6('wing')),
                         Method('Wing (w=5, eps=1)', cnn6('wing'), WING_W5, 'w5-eps1'),
                         Method('Wing (w=20, eps=4)', cnn6('wing'), WING_W20, 'w20-eps4'),
                         Method('L1, lr 3e-4', cnn6('l1'), LR_3E4, 'lr3e-4'),
                         Method('Wing, lr 3e-4', cnn6('wing'), LR_3E4, 'lr3e-4'),
                         Method('L1, 60 epochs', cnn6('l1'), EPOCHS_60),
                         Method('Wing, 60 epochs', cnn6('wing'), EPOCHS_60)],
                     CNN6_SCHEDULE, num_seeds=1),
    # CNN7 did not beat CNN6 in 30 epochs: twice the length (the CNN6 run is the investigation's)
    cnn7_vs_cnn6=Study('Investigation: CNN7 vs CNN6 with twice the epochs', [
        Method('CNN6, 60 epochs', cnn6('wing'), EPOCHS_60),
        Method(f'{CNN7}, 60 epochs', SYNTH + 'cnn7_wing_synthface.py', EPOCHS_60)],
        CNN6_SCHEDULE, num_seeds=1),
    # AWing was within the seed spread of MSE and STAR behind AWing + map after 4 epochs: the
    # heatmap models at twice that, every seed (the gaps are small)
    heatmap_8ep=Study('Investigation: the heatmap models with twice the epochs', [
        method._replace(name=f'{method.name}, 8 epochs', options=EPOCHS_8)
        for method in HEATMAP_METHODS], HRNET_SCHEDULE),
)
# what a plain run studies: the evidence (the investigations of the first round and the
# reduced-HRNet heatmap studies, superseded by the sweep and the hourglass study, when named)
DEFAULT_STUDIES = ['lr_sweep', 'loss', 'pdb', 'architecture', 'heatmap_hourglass']
README_BEGIN = '<!-- results: generated by tools/reproduce.py, do not edit -->'
README_END = '<!-- end of results -->'
# where methods differ: shares of test faces per band of NME io, NME io per landmark group
ERROR_BANDS = (0.02, 0.05, 0.08)
COLUMNS = [('full', 'NME_inter_ocular'), ('yaw_45_90', 'NME_inter_ocular'),
           ('full', 'NME_inter_pupil'), ('full', 'FR@0.08_inter_ocular'),
           ('full', 'AUC@0.08_inter_ocular')]


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
                        'run is finished; default: README.md, none with --quick')
    args = parser.parse_args()
    if args.readme is None and not args.quick:
        args.readme = osp.join(ROOT, 'README.md')
    if args.readme is not None:
        read_readme_block(args.readme)  # fail before hours of runs, not after
    return args


def read_readme_block(path: str) -> Tuple[str, str]:
    """The text of ``path`` before and after its results block."""
    with open(path) as f:
        text = f.read()
    if text.count(README_BEGIN) != 1 or text.count(README_END) != 1 \
            or text.index(README_BEGIN) > text.index(README_END):
        raise SystemExit(f'{path}: expected one line {README_BEGIN!r} followed by one line '
                         f'{README_END!r} around the results block')
    return (text[:text.index(README_BEGIN) + len(README_BEGIN)],
            text[text.index(README_END):])


def write_readme_block(path: str, block: List[str]) -> None:
    head, tail = read_readme_block(path)
    with open(path + '.tmp', 'w') as f:
        f.write('\n'.join([head, *block, tail]))
    os.replace(path + '.tmp', path)


def readme_summary(results: Dict[str, Dict[str, List[dict]]], header: str, claims: List[str],
                   sweep: Optional[str], loss_differences: Optional[str], out_dir: str,
                   readme: str) -> List[str]:
    """The README's results block: one table over the studies (mean ± std over seeds), the
    rate sweep, where the losses differ, the claims and the loss study's CED."""
    docs = osp.relpath(out_dir, osp.dirname(osp.abspath(readme)))
    lines = [header, '', '| study | method | NME io | NME io, yaw 45-90 | FR io | AUC io |',
             '|---|---|---:|---:|---:|---:|']
    for study, methods in results.items():
        if study == 'lr_sweep':
            continue  # validation runs: the sweep table below
        for method, runs in methods.items():
            cells = [spread_of(np.array([metric(r['metrics'], subset, key) for r in runs]))
                     for subset, key in (COLUMNS[0], COLUMNS[1], COLUMNS[3], COLUMNS[4])]
            lines.append(f'| {study} | {method} | ' + ' | '.join(cells) + ' |')
    if sweep is not None:
        lines += ['', 'The learning rate of each loss of the loss study, chosen (bold) on a '
                  'validation split of the training set: validation NME io.', '', sweep]
    if loss_differences is not None:
        lines += ['', 'Where the losses differ, on the test set: the share of faces in each '
                  'band of NME io, and the NME io of each landmark group.', '',
                  loss_differences]
    lines += ['', 'The papers\' claims on this benchmark:', '', *claims, '']
    if 'loss' in results:
        lines += [f'![CED of the loss study]({docs}/ced_loss.png)', '']
    lines += [f'Every table, CED plot and config: [{docs}/results.md]({docs}/results.md).', '']
    return lines


def data_options(config: str, data_root: str) -> List[str]:
    from mmengine.config import Config

    from wingpose.datasets import data_root_options
    return data_root_options(Config.fromfile(osp.join(ROOT, config)), data_root)


def quick_options() -> List[str]:
    return ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'train_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
            'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']


def max_epochs(config: str, options: List[str]) -> int:
    """The training length of a run: the last ``train_cfg.max_epochs`` option, else the config's."""
    given = [o for o in options if o.startswith('train_cfg.max_epochs=')]
    if given:
        return int(given[-1].split('=')[1])
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, config)).train_cfg.max_epochs


TRAIN_PROGRESS = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')


def run_step(step: List[str], log, progress: tqdm = None) -> None:
    """Run one tool, its output to ``log``; the training progress (epochs) to ``progress``."""
    process = subprocess.Popen([sys.executable, *step], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        log.write(line)
        match = TRAIN_PROGRESS.search(line) if progress is not None else None
        if match:
            epoch, it, num_iters = map(int, match.groups())
            progress.n = round(epoch - 1 + it / num_iters, 2)
            progress.refresh()
    if process.wait():
        raise RuntimeError(f'{" ".join(step)} failed; see {log.name}')


def run_once(config: str, work_dir: str, options: List[str], num_epochs: int) -> dict:
    """Train and test one config; the metrics (cached in work_dir/result.json)."""
    result_file = osp.join(work_dir, 'result.json')
    if osp.exists(result_file):
        with open(result_file) as f:
            return json.load(f)
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    with open(osp.join(work_dir, 'run.log'), 'w') as log, \
            tqdm(total=num_epochs, desc='  train', unit='epoch', position=1, leave=False,
                 bar_format='{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total} epochs '
                 '[{elapsed}<{remaining}]') as progress:
        run_step(['tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *options],
                 log, progress)
        progress.set_description('  test')
        checkpoint = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')), key=osp.getmtime)[-1]
        run_step(['tools/test.py', config, checkpoint, '--work-dir', osp.join(work_dir, 'test'),
                  '--out', result_file + '.tmp', '--cfg-options', *options], log)
    with open(result_file + '.tmp') as f:
        result = dict(json.load(f), minutes=(time.time() - start) / 60,
                      device=training_device())
    with open(result_file + '.tmp', 'w') as f:
        json.dump(result, f, indent=2)
    os.replace(result_file + '.tmp', result_file)
    return result


def run_minutes(results: Dict[str, Dict[str, List[dict]]]) -> str:
    """The training and testing time of the reported runs, each run counted once, per device
    (``device`` in a run's result; runs from before it was recorded trained here on 2 cores)."""
    runs = {r['checkpoint']: r for methods in results.values() for rs in methods.values()
            for r in rs}
    by_device: Dict[str, List[dict]] = OrderedDict()
    for run in runs.values():
        by_device.setdefault(run.get('device', '2 CPU cores'), []).append(run)
    parts = []
    for device in sorted(by_device, key=lambda name: 'CPU' not in name):  # the CPU first
        device_runs = by_device[device]
        timed = [r['minutes'] for r in device_runs if 'minutes' in r]
        text = f'{len(device_runs)} runs, {sum(timed):.0f} min on {device}'
        if len(timed) < len(device_runs):
            text += f' over the {len(timed)} with a recorded duration'
        parts.append(text)
    return '; '.join(parts)


def training_device() -> str:
    """Where ``tools/train.py`` trains (MMEngine takes the GPU when there is one)."""
    import torch
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else \
        f'{os.cpu_count()} CPU cores'


def per_image_nme(work_dir: str) -> np.ndarray:
    """The test set's per-image inter-ocular NME of a run, as fractions."""
    from wingpose.evaluation.reports import read_per_image_nme
    files = sorted(glob.glob(osp.join(work_dir, 'test', '*', 'nme_per_image.csv')))
    return read_per_image_nme(files[-1], 'inter_ocular')


def per_landmark_nme(work_dir: str) -> np.ndarray:
    """The test set's inter-ocular NME of each landmark of a run, as fractions (NaN where the
    run predates the per-landmark file)."""
    from wingpose.evaluation.reports import read_per_landmark_nme
    files = sorted(glob.glob(osp.join(work_dir, 'test', '*', 'nme_per_landmark.csv')))
    return read_per_landmark_nme(files[-1], 'inter_ocular') if files else np.full(68, np.nan)


def differences_table(runs: Dict[str, List[Tuple[np.ndarray, np.ndarray]]]) -> str:
    """Per method, mean over seeds: the share of test faces in each NME band and the NME of
    each landmark group (both in percent; the groups of the synthetic faces' 68 iBUG points)."""
    from wingpose.structures import face_layout
    landmark_groups = [(name, list(indices))
                       for name, indices in face_layout('300w').landmark_groups]
    edges = [f'{100 * e:g}' for e in ERROR_BANDS]
    bands = [f'< {edges[0]} %'] + [f'{a}-{b} %' for a, b in zip(edges, edges[1:])] + \
        [f'>= {edges[-1]} %']
    lines = ['| method | ' + ' | '.join(bands) + ' | ' +
             ' | '.join(f'NME {name}' for name, _ in landmark_groups) + ' |',
             '|---|' + '---:|' * (len(bands) + len(landmark_groups))]
    for method, per_run in runs.items():
        shares = 100 * np.mean([b for b, _ in per_run], axis=0)
        groups = 100 * np.array([np.mean([lm[group].mean() for _, lm in per_run])
                                 for _, group in landmark_groups])
        lines.append(f'| {method} | ' + ' | '.join(f'{v:.1f}' for v in shares) + ' | ' + ' | '.join(
            'n/a' if np.isnan(v) else f'{v:.2f}' for v in groups) + ' |')
    return '\n'.join(lines)


def configs_line(methods: List[Method]) -> str:
    """The configs of a study's methods with their options; options all of them (two or
    more) share said once."""
    shared = [o for o in methods[0].options
              if len(methods) > 1 and all(o in m.options for m in methods)]
    described = []
    for method in methods:
        own = [o for o in method.options if o not in shared]
        described.append(f'`{method.config}`' + (f' with `{" ".join(own)}`' if own else ''))
    return 'Configs: ' + ', '.join(described) + (
        f'; every run with `{" ".join(shared)}`' if shared else '')


def study_methods(study: str, quick: bool) -> List[Method]:
    """The methods a run of ``study`` trains (--quick sweeps fewer rates)."""
    methods = STUDIES[study].methods
    if study == 'lr_sweep' and quick:
        methods = [m for m in methods
                   if any(m.name == sweep_name(loss, rate) for loss, _ in LOSSES
                          for rate in QUICK_SWEEP_RATES)]
    return methods


def rate_scores(sweep: Dict[str, List[dict]], loss: str) -> Dict[float, float]:
    """The swept rates of ``loss`` and their validation NME io (mean over their runs)."""
    return {rate: np.mean([r['metrics']['NME_inter_ocular'] for r in sweep[sweep_name(loss, rate)]])
            for rate in RATE_LADDER if sweep_name(loss, rate) in sweep}


def best_rates(sweep: Dict[str, List[dict]]) -> Dict[str, float]:
    """Per loss, the swept rate with the lowest validation NME io (mean over its runs)."""
    best = {}
    for loss, _ in LOSSES:
        scores = rate_scores(sweep, loss)
        if not scores:
            raise RuntimeError(f'the learning-rate sweep has no run of {loss}')
        best[loss] = min(scores, key=scores.get)
    return best


def sweep_extensions(sweep: Dict[str, List[dict]]) -> List[Method]:
    """The sweep's next runs: for each loss swept at two rates or more whose best rate is the
    largest (smallest) of its grid, the next rate up (down) RATE_LADDER, while there is one."""
    extra = []
    for loss, _ in LOSSES:
        scores = rate_scores(sweep, loss)
        if len(scores) < 2:
            continue
        best = min(scores, key=scores.get)
        step = 1 if best == max(scores) else -1 if best == min(scores) else 0
        index = RATE_LADDER.index(best) + step
        if step and 0 <= index < len(RATE_LADDER):
            extra.append(sweep_method(loss, RATE_LADDER[index]))
    return extra


def sweep_unfinished(missing: List[str]) -> bool:
    """Whether --report-only found sweep runs unfinished (no rate can be chosen yet)."""
    return any(m.startswith('lr_sweep:') for m in missing)


def sweep_table(sweep: Dict[str, List[dict]], best: Dict[str, float]) -> str:
    """Validation NME io per loss and rate; the chosen rate (``best``, if any) in bold."""
    rates = [rate for rate in RATE_LADDER
             if any(sweep_name(loss, rate) in sweep for loss, _ in LOSSES)]
    lines = ['| loss | ' + ' | '.join(f'lr {rate:g}' for rate in rates) + ' |',
             '|---|' + '---:|' * len(rates)]
    for loss, _ in LOSSES:
        scores = rate_scores(sweep, loss)
        cells = []
        for rate in rates:
            value = f'{scores[rate]:.2f}' if rate in scores else 'n/a'
            cells.append(f'**{value}**' if rate in scores and best.get(loss) == rate else value)
        lines.append(f'| {loss} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def config_rate(config: str) -> float:
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, config)).optim_wrapper.optimizer.lr


def metric(metrics: dict, subset: str, key: str) -> float:
    """A figure of the full set or a subset; NaN when the test set has no such subset."""
    return metrics.get(key if subset == 'full' else f'{subset}/{key}', float('nan'))


def table(results: Dict[str, List[dict]]) -> str:
    header = '| method | ' + ' | '.join(
        f'{k.replace("_inter_ocular", " io").replace("_inter_pupil", " ip")} ({s})'
        for s, k in COLUMNS) + ' |'
    lines = [header, '|---|' + '---:|' * len(COLUMNS)]
    for method, runs in results.items():
        cells = []
        for subset, key in COLUMNS:
            values = np.array([metric(r['metrics'], subset, key) for r in runs])
            if np.isnan(values).any():
                cells.append('n/a')
            else:
                cells.append(spread_of(values))
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def spread_of(values: np.ndarray) -> str:
    """``mean ± std`` over seeds (the mean alone for one seed), as in the tables."""
    return f'{values.mean():.2f} ± {values.std():.2f}' if len(values) > 1 \
        else f'{values.mean():.2f}'


def nme_of(results: Dict[str, List[dict]], method: str, subset: str = 'full') -> np.ndarray:
    """NME inter-ocular of each seed of a method."""
    return np.array([metric(r['metrics'], subset, 'NME_inter_ocular') for r in results[method]])


def verdicts(all_results: Dict[str, Dict[str, List[dict]]],
             mean_shape_nme: float = float('nan')) -> List[str]:
    """The papers' claims, checked against the measured NME inter-ocular, mean ± std over seeds.

    A claim is decided only when the gap between the means exceeds the larger of the two
    stds over seeds; a smaller gap, or a claim whose better method does not beat the
    mean-shape baseline (``mean_shape_nme``: neither method has learned the landmarks at that
    budget), is undecided. With a single seed the sign decides and the line says so.
    """
    checks = []

    def claim(study, text, better, worse, subset='full', words=('reproduced', 'NOT reproduced')):
        r = all_results.get(study, {})
        if better not in r or worse not in r:
            return
        b, w = nme_of(r, better, subset), nme_of(r, worse, subset)
        if np.isnan(np.concatenate([b, w])).any():
            checks.append(f'- {text}: not measured (no {subset} faces in the test set)')
            return
        gap, spread = w.mean() - b.mean(), max(b.std(), w.std())
        verdict = words[0] if gap > 0 else words[1]
        if min(len(b), len(w)) == 1:
            reason = 'one seed, no spread to judge the gap by'
        else:
            # more decimals where two would show the gap and the spread equal
            digits = next((d for d in range(2, 5) if f'{abs(gap):.{d}f}' != f'{spread:.{d}f}'),
                          5)
            reason = (f'gap {abs(gap):.{digits}f} {">" if abs(gap) > spread else "<="} spread '
                      f'{spread:.{digits}f}')
            if abs(gap) <= spread:
                verdict = 'undecided'
                reason += ': the gap is within the spread over seeds'
        if subset == 'full' and min(b.mean(), w.mean()) >= mean_shape_nme:
            verdict = 'undecided'
            reason = f'neither beats the mean shape in the box, {mean_shape_nme:.2f}'
        checks.append(f'- {text}: **{verdict}** ({better} {spread_of(b)} vs {worse} '
                      f'{spread_of(w)}, NME io {subset}; {reason})')

    claim('loss', 'Wing beats L2 (Wing paper)', 'Wing', 'L2')
    claim('loss', 'Wing beats L1 (Wing paper)', 'Wing', 'L1')
    claim('loss', 'Wing beats smooth L1 (Wing paper)', 'Wing', 'smooth L1')
    claim('pdb', 'PDB improves large poses (Wing paper)', 'CNN6, Wing + PDB', 'CNN6, Wing',
          'yaw_45_90')
    claim('pdb', 'PDB improves the full set (Wing paper)', 'CNN6, Wing + PDB', 'CNN6, Wing')
    claim('pdb', 'PDB improves large poses, at the iterations of the plain run',
          'CNN6, Wing + PDB, same iterations', 'CNN6, Wing', 'yaw_45_90')
    claim('pdb', 'PDB improves the full set, at the iterations of the plain run',
          'CNN6, Wing + PDB, same iterations', 'CNN6, Wing')
    claim('architecture', 'CNN7 beats CNN6 (Wing paper)', CNN7, 'CNN6')
    claim('architecture', 'the two-stage model beats CNN6 (Wing paper)', TWO_STAGE, 'CNN6')
    claim('heatmap', 'AWing beats MSE (AWing paper)', 'AWing', 'MSE')
    claim('heatmap', 'the weighted loss map helps AWing (AWing paper)', 'AWing + map', 'AWing')
    claim('heatmap', 'STAR helps AWing + map (STAR paper)', 'AWing + map + STAR', 'AWing + map')
    claim('heatmap_hourglass', 'AWing beats MSE on STAR\'s network (AWing paper)',
          'STAR hourglass, AWing', 'STAR hourglass, MSE')
    claim('heatmap_hourglass', 'the weighted loss map helps AWing on STAR\'s network (AWing '
          'paper)', 'STAR hourglass, AWing + map', 'STAR hourglass, AWing')
    claim('heatmap_hourglass', 'STAR helps AWing + map on STAR\'s own network (STAR paper)',
          'STAR hourglass, AWing + map + STAR', 'STAR hourglass, AWing + map')
    for wing, l1 in (('Wing (w=5, eps=1)', 'L1'), ('Wing (w=20, eps=4)', 'L1'),
                     ('Wing, lr 3e-4', 'L1, lr 3e-4'), ('Wing, 60 epochs', 'L1, 60 epochs')):
        claim('wing_vs_l1', f'investigation: {wing} beats {l1}', wing, l1,
              words=('yes', 'no'))
    claim('cnn7_vs_cnn6', 'investigation: CNN7 beats CNN6 at 60 epochs', f'{CNN7}, 60 epochs',
          'CNN6, 60 epochs', words=('yes', 'no'))
    for better, worse in (('AWing', 'MSE'), ('AWing + map', 'AWing'),
                          ('AWing + map + STAR', 'AWing + map')):
        claim('heatmap_8ep', f'investigation: {better} beats {worse} at 8 epochs',
              f'{better}, 8 epochs', f'{worse}, 8 epochs', words=('yes', 'no'))
    return checks


def plot_pdb(path: str, config: str, data_root: str) -> str:
    """The pose histogram of ``config``'s training set before and after balancing, as its
    ``PoseBalancedDataset`` computes it; returns a summary (component, histograms)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from wingpose.registry import DATASETS
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(dict(o.split('=', 1) for o in data_options(config, data_root)))
    init_default_scope('wingpose')
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    dataset.full_init()
    result = dataset.balancing
    fig, ax = plt.subplots(figsize=(5, 3.5))
    bins = np.arange(dataset.num_bins)
    ax.bar(bins - 0.2, result.counts_before, 0.4, label='before')
    ax.bar(bins + 0.2, result.counts_after, 0.4, label='after PDB')
    ax.set(xlabel=f'bin of |projection on principal component {dataset.pose_component}|',
           ylabel='training samples')
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    chosen = '' if dataset.mirror_correlation is None else (
        f", chosen by `component='auto'`: its scores correlate "
        f'{dataset.mirror_correlation:.2f} with those of the mirrored shapes, the yaw axis')
    return (f'`{config}`: {dataset.num_bins} bins of |projection on principal component '
            f'{dataset.pose_component}| of the aligned training shapes{chosen}; histogram '
            f'before {result.counts_before.tolist()}, after {result.counts_after.tolist()}')


def main():
    args = parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    # imported here, before the runs are timed: the cached runs of a resumed study take no time
    from wingpose.datasets import data_root_options  # noqa: F401  (used by data_options)
    from wingpose.datasets.synthetic import carve_validation, generate_synthetic_faces
    from wingpose.evaluation.functional import error_bands
    from wingpose.evaluation.reports import read_per_image_nme, save_ced  # noqa: F401
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

    os.makedirs(args.out, exist_ok=True)
    commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip() or 'unknown'
    command = ' '.join(['python tools/reproduce.py', *sys.argv[1:]])
    from wingpose.evaluation import mean_shape_baseline
    annotations = osp.join(data, 'annotations')
    baseline = mean_shape_baseline(osp.join(annotations, 'synthface_68_train.json'),
                                   osp.join(annotations, 'synthface_68_test.json'),
                                   dataset_name='300w', print_table=False)['NME_inter_ocular']
    claims = verdicts(results, baseline)
    pdb_summary = plot_pdb(osp.join(args.out, 'pdb_histogram.png'), cnn6('wing_pdb'), data)
    lines = [
        '# Results on the embedded synthetic benchmark', '',
        f'Produced by `{command}` at commit `{commit}` on '
        f'{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC '
        + f'({run_minutes(results)}). Do not edit by hand.', '',
        f'Data: `make_synthetic_faces.py`, seed 0, {counts["train"]["images"]} training and '
        f'{counts["test"]["images"]} test faces ({counts["test"]["yaw_0_15"]}, '
        f'{counts["test"]["yaw_15_45"]} and {counts["test"]["yaw_45_90"]} of them at |yaw| in '
        '[0, 15), [15, 45) and [45, 90] degrees: the subsets yaw_0_15, yaw_15_45, yaw_45_90), '
        '68 iBUG points. Every run: the config named below with its '
        f'CPU schedule (epochs per study below{"; quick mode: a tiny set" if args.quick else ""}); '
        'figures are mean ± std over seeds, in percent: NME normalised by the '
        'inter-ocular (io, outer eye corners) or inter-pupil (ip) distance, FR and AUC at 0.08 '
        f'inter-ocular. The trivial baseline, the training mean shape placed in each test box, '
        f'scores NME io {baseline:.2f}: a method must beat it to have learned anything.', '']
    if missing:
        lines += ['Runs not finished when this report was written (left out of the tables): '
                  + '; '.join(missing) + '.', '']
    sweep = None if 'lr_sweep' not in results else sweep_table(results['lr_sweep'], rates or (
        {} if sweep_unfinished(missing) else best_rates(results['lr_sweep'])))
    differences = {study: differences_table(analysis[study]) for study in results}
    for study in results:
        lengths = sorted(set(epochs[study].values()))
        used = seeds[:STUDIES[study].num_seeds]
        runs_of = (f'1 run (seed {used[0]})' if len(used) == 1
                   else f'{len(used)} runs (seeds {used})')
        lines += [f'## {STUDIES[study].question}', '',
                  f'{" or ".join(map(str, lengths))} epochs per run, {runs_of} per method.', '',
                  table(results[study]), '',
                  configs_line(list(ran[study].values())), '',
                  *([f'Validation NME io (%) per loss and rate (seed {seeds[0]}); the rate '
                     'the loss study uses in bold:', '', sweep, '']
                    if study == 'lr_sweep' else []),
                  'Where the methods differ (mean over seeds, in percent): the share of '
                  f'{"validation" if study == "lr_sweep" else "test"} faces in each band of NME '
                  'io, and the NME io of each landmark group.', '',
                  differences[study], '',
                  f'![CED, {study}](ced_{study}.png)', '']
        save_ced(osp.join(args.out, f'ced_{study}'), curves[study], 0.08, 'NME inter_ocular')
    lines += ['## Pose-based data balancing of the training set', '',
              f'{pdb_summary}.', '', '![PDB histogram](pdb_histogram.png)', '',
              '## The papers\' claims, checked', '',
              'A verdict is decided when the gap between the two means exceeds the larger std '
              'over seeds, and undecided otherwise.', '', *claims, '']
    with open(osp.join(args.out, 'results.md'), 'w') as f:
        f.write('\n'.join(lines))
    if args.readme is not None and missing:  # the README shows finished studies only
        print(f'{args.readme}: results block left as it was ({len(missing)} runs not finished)')
    elif args.readme is not None:
        write_readme_block(args.readme, readme_summary(
            results, lines[2], claims, sweep, differences.get('loss'), args.out, args.readme))
    print(f'{osp.join(args.out, "results.md")} written ({progress.total - len(missing)} runs '
          f'reported, {len(missing)} not finished; {(time.time() - start) / 60:.1f} min)')


if __name__ == '__main__':
    main()
