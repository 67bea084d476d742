"""Train a model from a config: MMPose's tools/train.py, plus CPU multi-process training.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [PATH]] [--amp] [--cfg-options ...]
    torchrun --nproc_per_node 2 tools/train.py CONFIG --launcher pytorch   # gloo on CPU
"""
import argparse
import contextlib
import os
import os.path as osp
import sys
from typing import Optional

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import wingpose  # noqa: F401  (registries, checkpoint loading under torch >= 2.6)
from wingpose.datasets import DatasetNotFoundError, check_dataset_files
from wingpose.engine import (CheckpointMismatchError, WorkDirBusyError, WorkDirError,
                             check_work_dir, finish_distributed, launcher_rank,
                             prepare_cpu_distributed, resumable_checkpoint, verify_checkpoint,
                             work_dir_lock)
from wingpose.utils import WriteError


def parse_args():
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the checkpoint PATH, or without PATH from the latest checkpoint '
        'in the work directory')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual batch size')
    parser.add_argument('--show-dir', help='directory for visualised predictions')
    parser.add_argument('--show', action='store_true', help='display predictions')
    parser.add_argument('--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument('--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, xxx=yyy, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args) -> Config:
    """Merge the command-line arguments into the config, as MMPose's tools/train.py does."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp needs optim_wrapper.type OptimWrapper, got {wrapper!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.show or args.show_dir is not None:
        if 'visualization' not in cfg.default_hooks:
            raise ValueError('--show/--show-dir need default_hooks.visualization '
                             "(dict(type='PoseVisualizationHook'))")
        cfg.default_hooks.visualization.update(
            enable=True, show=args.show, wait_time=args.wait_time, out_dir=args.show_dir,
            interval=args.interval)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def resume_from(cfg: Config, resume: Optional[str]) -> None:
    """Set ``cfg.resume`` / ``load_from`` for ``--resume [PATH]``: PATH must load; without it,
    the work dir's latest checkpoint that loads (saying what was passed over), or a fresh
    start, said so, when there is none."""
    if resume is None:
        return
    if resume != 'auto':
        try:
            verify_checkpoint(resume)
        except (FileNotFoundError, ValueError) as error:
            sys.exit(f'error: --resume: {error}')
        cfg.resume, cfg.load_from = True, resume
        return
    path, passed_over = resumable_checkpoint(cfg.work_dir)
    for note in passed_over:
        print(f'--resume: passed over: {note}', flush=True)
    if path is None:
        print(f'--resume: no checkpoint to resume from in {cfg.work_dir}: training starts '
              'from the beginning', flush=True)
        return
    print(f'--resume: resuming from {path}', flush=True)
    cfg.resume, cfg.load_from = True, path


def main():
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    try:
        check_dataset_files(cfg, ('train_dataloader', 'val_dataloader'))
    except DatasetNotFoundError as error:
        sys.exit(f'error: {error}')
    load_from = cfg.get('load_from')
    if load_from and args.resume is None and '://' not in load_from:
        try:  # a file that is not a checkpoint, or holds NaN weights, named before anything
            verify_checkpoint(load_from)
        except (FileNotFoundError, ValueError) as error:
            sys.exit(f'error: load_from: {error}')
    # one training per work dir (the first process of a distributed one holds it)
    try:
        check_work_dir(cfg.work_dir)
        with work_dir_lock(cfg.work_dir) if launcher_rank(args.launcher) == 0 \
                else contextlib.nullcontext():
            resume_from(cfg, args.resume)
            prepare_cpu_distributed(cfg)
            Runner.from_cfg(cfg).train()
    except (WorkDirBusyError, WorkDirError) as error:
        sys.exit(f'error: {error}')
    except CheckpointMismatchError as error:  # raised by the model as it loads the weights
        sys.exit(f'error: {"--resume" if cfg.resume else "load_from"} {cfg.load_from}: {error}')
    except WriteError as error:
        sys.exit(f'error: {error}; the checkpoints already written are intact')
    finish_distributed()


if __name__ == '__main__':
    main()
