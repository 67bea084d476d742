"""`make demo`: generate the synthetic benchmark (first use), train, test, compare with the
mean-shape baseline.

    python tools/run_demo.py [--data data/synthface] [--config CONFIG] [--work-dir DIR]
"""
import argparse
import glob
import os.path as osp
import subprocess
import sys
import time

from mmengine.config import Config

import wingpose  # noqa: F401
from wingpose.datasets import data_root_options, leaf_datasets
from wingpose.datasets.synthetic import generate_synthetic_faces
from wingpose.evaluation import benchmark_table, mean_shape_baseline

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default='data/synthface', help='synthetic dataset folder')
    parser.add_argument('--num-train', type=int, default=8000)
    parser.add_argument('--num-test', type=int, default=600)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--config',
                        default='configs/synthface/cnn6_wing_synthface.py')
    parser.add_argument('--work-dir', default='work_dirs/demo')
    return parser.parse_args()


def run(*args: str) -> None:
    print('$', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT)


def main():
    args = parse_args()
    start = time.time()
    counts = generate_synthetic_faces(args.data, args.num_train, args.num_test, args.seed)
    print(f'synthetic faces in {args.data}: {counts}')
    cfg = Config.fromfile(osp.join(ROOT, args.config))
    options = ['--cfg-options', *data_root_options(cfg, args.data)]
    train_dataset = next(leaf_datasets(cfg.train_dataloader.dataset))
    test_dataset = next(leaf_datasets(cfg.test_dataloader.dataset))
    run('tools/train.py', args.config, '--work-dir', args.work_dir, *options)
    checkpoint = max(glob.glob(osp.join(ROOT, args.work_dir, 'epoch_*.pth')), key=osp.getmtime)
    run('tools/test.py', args.config, checkpoint, '--work-dir', args.work_dir,
        '--out', osp.join(args.work_dir, 'benchmark.json'), *options)

    print('\ncomputing the trivial baseline ...')
    baseline = mean_shape_baseline(
        osp.join(args.data, train_dataset.ann_file), osp.join(args.data, test_dataset.ann_file),
        dataset_name=osp.splitext(osp.basename(test_dataset.metainfo.from_file))[0])
    print('\nTrivial baseline (training mean shape placed in each test box):\n'
          + benchmark_table(baseline))
    print(f'\ndemo finished in {(time.time() - start) / 60:.1f} min; the model\'s table is '
          f'printed by tools/test.py above ({osp.join(args.work_dir, "benchmark.json")})')


if __name__ == '__main__':
    main()
