"""Train and test one run with the project's tools, its result cached in its work dir."""
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from collections import OrderedDict
from typing import Dict, List

import numpy as np
from tqdm import tqdm

from .studies import ROOT

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
