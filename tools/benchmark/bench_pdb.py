"""Time the pose-based data balancing index for AFLW-sized training sets.

    python tools/benchmark/bench_pdb.py [--shapes 20000] [--keypoints 19]

wingpose's vectorised generalised Procrustes + PCA + binning, against a baseline measured in
the same run: the same Procrustes iterations with one ``scipy.linalg.orthogonal_procrustes``
call per shape (the straightforward port of a per-shape MATLAB loop).
"""
import argparse
import time

import numpy as np
from scipy.linalg import orthogonal_procrustes

from wingpose.datasets.pose_balancing import balance, pose_projection, procrustes_align


def loop_procrustes(shapes: np.ndarray, iterations: int = 10) -> np.ndarray:
    centred = shapes - shapes.mean(axis=1, keepdims=True)
    mean = centred[0] / np.linalg.norm(centred[0])
    for _ in range(iterations):
        aligned = []
        for shape in centred:
            rotation, scale = orthogonal_procrustes(shape, mean)
            aligned.append(shape @ rotation * scale / (shape**2).sum())
        aligned = np.stack(aligned)
        mean = aligned.mean(axis=0)
        mean /= np.linalg.norm(mean)
    return aligned


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shapes', type=int, default=20000)
    parser.add_argument('--keypoints', type=int, default=19)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    shapes = rng.normal(size=(args.shapes, args.keypoints, 2)) * 0.05 + rng.normal(
        size=(args.keypoints, 2))
    weights = (rng.random(shapes.shape[:2]) > 0.1).astype(float)
    start = time.perf_counter()
    aligned, mean = procrustes_align(shapes, weights)
    result = balance(pose_projection(aligned, mean, weights, component=1))
    ours = time.perf_counter() - start
    start = time.perf_counter()
    loop_procrustes(shapes)
    loop = time.perf_counter() - start
    print(f'{args.shapes} shapes x {args.keypoints} keypoints '
          f'(histogram {result.counts_before.tolist()})\n')
    print('| | s | ratio |\n|---|---:|---:|')
    print(f'| per-shape scipy Procrustes loop (alignment only) | {loop:.2f} | baseline |')
    print(f'| wingpose PDB index (alignment, PCA, bins, repeats) | {ours:.2f} | '
          f'{loop / ours:.1f}x faster |')


if __name__ == '__main__':
    main()
