"""Time FaceAlignmentMetric against MMPose's NME on WFLW-sized data (2500 images x 98 points).

    python tools/benchmark/bench_metrics.py [--images 2500] [--keypoints 98] [--repeats 5]

Both metrics get the same data samples; the time covers ``process`` over all samples and
``compute_metrics``. FaceAlignmentMetric computes NME, FR and AUC for the full set and three
subsets (no files written); MMPose's NME computes one pooled NME.
"""
import argparse
import statistics
import time

import numpy as np
from mmpose.evaluation.metrics import NME

import wingpose  # noqa: F401
from wingpose.evaluation import FaceAlignmentMetric


def samples(num_images: int, num_keypoints: int):
    rng = np.random.default_rng(0)
    tags = ['pose', 'blur', 'occlusion']
    out = []
    for i in range(num_images):
        gt = rng.uniform(0, 256, (1, num_keypoints, 2)).astype(np.float32)
        out.append(dict(
            img_id=i, raw_ann_info=dict(subset=[tags[i % 3]], bbox=[0, 0, 256, 256]),
            gt_instances=dict(keypoints=gt, keypoints_visible=np.ones((1, num_keypoints)),
                              bboxes=np.array([[0, 0, 256, 256]], dtype=np.float32)),
            pred_instances=dict(keypoints=gt + rng.normal(0, 3, gt.shape).astype(np.float32))))
    return out


def seconds(metric, data, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        metric.results.clear()
        start = time.perf_counter()
        metric.process([], data)
        metric.compute_metrics(metric.results)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--images', type=int, default=2500)
    parser.add_argument('--keypoints', type=int, default=98)
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    data = samples(args.images, args.keypoints)
    ours = FaceAlignmentMetric(norms=[dict(name='inter_ocular', indices=(60, 72))], thr=0.1)
    ours.dataset_meta = dict(dataset_name='wflw')
    theirs = NME(norm_mode='keypoint_distance', keypoint_indices=[60, 72])
    theirs.dataset_meta = dict(dataset_name='wflw',
                               keypoint_id2name={i: str(i) for i in range(args.keypoints)})
    t_ours, t_theirs = seconds(ours, data, args.repeats), seconds(theirs, data, args.repeats)
    print(f'{args.images} images x {args.keypoints} keypoints, median of {args.repeats}\n')
    print('| metric | s | ratio |\n|---|---:|---:|')
    print(f'| MMPose NME (pooled NME only) | {t_theirs:.3f} | baseline |')
    print(f'| wingpose FaceAlignmentMetric (NME, FR, AUC; full + 3 subsets) | {t_ours:.3f} | '
          f'{t_ours / t_theirs:.2f}x the time |')


if __name__ == '__main__':
    main()
