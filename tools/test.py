"""Test a checkpoint and print the face-alignment benchmark table (MMPose's tools/test.py).

    python tools/test.py CONFIG CHECKPOINT [--out table.json] [--dump preds.pkl] [--work-dir DIR]
"""
import argparse
import os
import os.path as osp
import sys

import mmengine
from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

import wingpose  # noqa: F401  (registries, checkpoint loading under torch >= 2.6)
from wingpose.datasets import DatasetNotFoundError, check_dataset_files
from wingpose.engine import (check_checkpoint_fits, finish_distributed, prepare_cpu_distributed,
                             verify_checkpoint)
from wingpose.evaluation import FaceAlignmentMetric, benchmark_table


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a pose model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the directory to save evaluation results')
    parser.add_argument('--out', help='save the metrics and the benchmark table as JSON')
    parser.add_argument('--dump', help='dump predictions to a .pkl for offline evaluation')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override config settings, xxx=yyy')
    parser.add_argument('--show-dir', help='directory for visualised predictions')
    parser.add_argument('--show', action='store_true', help='display predictions')
    parser.add_argument('--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument('--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args) -> Config:
    """Merge the command-line arguments into the config, as MMPose's tools/test.py does."""
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.show or args.show_dir is not None:
        if 'visualization' not in cfg.default_hooks:
            raise ValueError('--show/--show-dir need default_hooks.visualization '
                             "(dict(type='PoseVisualizationHook'))")
        cfg.default_hooks.visualization.update(
            enable=True, show=args.show, wait_time=args.wait_time, out_dir=args.show_dir,
            interval=args.interval)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl file, got {args.dump}')
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, (list, tuple)) \
            else [cfg.test_evaluator]
        cfg.test_evaluator = [*evaluators, dict(type='DumpResults', out_file_path=args.dump)]
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main():
    args = parse_args()
    try:
        checkpoint = verify_checkpoint(args.checkpoint)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
    cfg = merge_args(Config.fromfile(args.config), args)
    try:
        check_dataset_files(cfg, ('test_dataloader', ))
    except DatasetNotFoundError as error:
        sys.exit(f'error: {error}')
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    try:  # MMEngine loads load_from non-strictly: another model's weights would be tested
        check_checkpoint_fits(runner.model.module if is_model_wrapper(runner.model)
                              else runner.model, checkpoint, args.checkpoint)
    except ValueError as error:
        sys.exit(f'error: {error}')
    del checkpoint
    # the per-image and per-landmark NME and the CED curves go beside the log
    for metric in runner.test_loop.evaluator.metrics:
        if isinstance(metric, FaceAlignmentMetric) and not (metric.outfile_prefix
                                                            or metric.out_dir):
            metric.outfile_prefix = osp.join(runner.log_dir, '')
    metrics = runner.test()
    full_set = ' '.join(f'{k}={v:.6f}' for k, v in metrics.items() if '/' not in k)
    print(f'[rank {runner.rank}] {full_set}', flush=True)
    if runner.rank == 0:
        table = benchmark_table(metrics)
        print(f'\nBenchmark ({osp.basename(args.config)}, {args.checkpoint}):\n{table}')
        if args.out:
            mmengine.dump(dict(config=args.config, checkpoint=args.checkpoint,
                               metrics=metrics, table=table), args.out, file_format='json',
                          indent=2)
    finish_distributed()


if __name__ == '__main__':
    main()
