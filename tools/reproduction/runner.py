"""Train and test one run with the project's tools, its result cached in its work dir."""
import csv
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np

from .studies import ROOT

TRAIN_ITERATION = re.compile(r'Epoch\(train\).*?\btime: ([0-9.]+)')


class RunResult(NamedTuple):
    """A finished run: ``metrics`` (tools/test.py's), ``code`` (:func:`code_version`),
    ``minutes`` and ``device`` of training and testing, training ``samples_per_s``, and the
    test set's per-image NME rows (``subsets``: a face's subsets; ``nme``: its NME in % under
    each normalisation)."""
    metrics: Dict[str, float]
    code: str  # code_version() when it trained
    minutes: float
    device: str
    samples_per_s: float
    per_image: List[dict]

    def nme(self, norm: str, subsets: Sequence[str] = ()) -> np.ndarray:
        """Per-image NME (%) under ``norm`` of the faces in any of ``subsets`` (all: empty)."""
        return np.array([row['nme'][norm] for row in self.per_image
                         if not subsets or set(row['subsets']) & set(subsets)])


def run_step(step: List[str], log, threads: Optional[int]) -> None:
    """Run one tool, its output to ``log``, on ``threads`` intra-op threads (None: torch's)."""
    env = dict(os.environ)
    if threads is not None:
        env.update({name: str(threads) for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')})
    process = subprocess.run([sys.executable, *step], cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT, env=env)
    if process.returncode:
        raise RuntimeError(f'{" ".join(step)} failed; see {log.name}')


def run_once(config: str, work_dir: str, options: List[str],
             threads: Optional[int] = None) -> RunResult:
    """Train and test one config (the result cached in ``work_dir/result.json``)."""
    result_file = osp.join(work_dir, 'result.json')
    if osp.exists(result_file):
        return read_run(work_dir)
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    with open(osp.join(work_dir, 'run.log'), 'w') as log:
        run_step(['tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *options],
                 log, threads)
        checkpoint = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')), key=osp.getmtime)[-1]
        run_step(['tools/test.py', config, checkpoint, '--work-dir', osp.join(work_dir, 'test'),
                  '--out', result_file + '.tmp', '--cfg-options', *options], log, threads)
    with open(result_file + '.tmp') as f:
        result = dict(json.load(f), minutes=(time.time() - start) / 60,
                      device=training_device(threads), code=code_version())
    with open(result_file + '.tmp', 'w') as f:
        json.dump(result, f, indent=2)
    os.replace(result_file + '.tmp', result_file)
    return read_run(work_dir)


# what shapes a run's numbers besides its options (which the report compares through the run's
# dumped config): a run trained at code where these differ from the checkout is not reported as
# current. The documentation beside the code (configs/README.md, configs/recipes.yml) is not part.
NUMBER_SHAPING = ('wingpose/models', 'wingpose/codecs', 'wingpose/datasets',
                  'wingpose/evaluation', 'wingpose/engine', 'configs', 'tools/train.py',
                  'tools/test.py', 'tools/dataset_converters/make_synthetic_faces.py',
                  ':(exclude)*.md', ':(exclude)*.yml')


def code_version() -> str:
    """The commit checked out, with ``+changes`` when the parts of :data:`NUMBER_SHAPING`
    differ from it in the working tree; ``unknown`` outside a git checkout."""
    commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    if not commit:
        return 'unknown'
    changed = subprocess.run(['git', 'diff', '--quiet', 'HEAD', '--', *NUMBER_SHAPING],
                             cwd=ROOT).returncode
    return commit + ('+changes' if changed else '')


def read_run(work_dir: str) -> RunResult:
    """A finished run's result, training speed and per-image NME, from its work dir."""
    with open(osp.join(work_dir, 'result.json')) as f:
        result = json.load(f)
    return RunResult(result['metrics'], result.get('code', 'unknown'), result['minutes'],
                     result['device'],
                     training_speed(work_dir), per_image_nme(work_dir))


def training_speed(work_dir: str) -> float:
    """Training samples per second of a run: its batch over the median time of the iterations
    its log reports (MMEngine's ``time``, data loading included); NaN without any."""
    from mmengine.config import Config
    times = [float(t) for t in TRAIN_ITERATION.findall(
        open(osp.join(work_dir, 'run.log')).read())]
    dumped = [p for p in glob.glob(osp.join(work_dir, '*.py'))]
    if not times or not dumped:
        return float('nan')
    return Config.fromfile(dumped[0]).train_dataloader.batch_size / float(np.median(times))


def training_device(threads: Optional[int]) -> str:
    """Where ``tools/train.py`` trains (MMEngine takes the GPU when there is one)."""
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f'{threads} CPU core' + ('s' if threads != 1 else '') if threads else \
        f'{os.cpu_count()} CPU cores'


def per_image_nme(work_dir: str) -> List[dict]:
    """The test set's per-image rows of a run (tools/test.py's ``nme_per_image.csv``)."""
    path = sorted(glob.glob(osp.join(work_dir, 'test', '*', 'nme_per_image.csv')))[-1]
    with open(path) as f:
        return [dict(subsets=row['subsets'].split(';') if row['subsets'] else [],
                     nme={key[4:]: float(value) for key, value in row.items()
                          if key.startswith('nme_')})
                for row in csv.DictReader(f)]
