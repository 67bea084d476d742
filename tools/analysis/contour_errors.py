"""Landmark errors along and across the facial contours, per landmark group, from predictions
dumped by ``tools/test.py --dump``.

    python tools/test.py CONFIG CHECKPOINT --dump preds.pkl
    python tools/analysis/contour_errors.py preds.pkl [--subsets yaw_0_15 yaw_15_45]

Each landmark's error splits into its component along its contour (the unit tangent of the
layout's STAR edges at the ground truth, :func:`contour_tangents`) and across it. Where a point's
place on its curve is ambiguous in the image (the jaw, the brows: a point between two others on
a smooth line), a model that has found the curve errs along it; an error shared evenly between
the two directions is a model that has not yet found the curve. Errors in % of the inter-ocular
distance (the layout's outer eye corners, as the metric normalises).
"""
import argparse
import pickle
from typing import Dict, List, Sequence

import numpy as np

from wingpose.datasets.synthetic.label_noise import contour_tangents
from wingpose.evaluation.functional import normalising_distance, resolve_normalisation
from wingpose.structures.face_layouts import face_layout


def contour_errors(samples: List[dict], subsets: Sequence[str] = ()) -> Dict[str, np.ndarray]:
    """Per face (N) and landmark (K), in % of the inter-ocular distance: ``nme`` (the point's
    error), ``along`` and ``across`` (its absolute components along and across its contour),
    for the dumped ``samples`` in any of ``subsets`` (every sample: empty)."""
    rows = {'nme': [], 'along': [], 'across': []}
    for sample in samples:
        if subsets and not set(sample['raw_ann_info'].get('subset', ())) & set(subsets):
            continue
        layout = face_layout(sample['dataset_name'])
        truth = np.asarray(sample['gt_instances']['keypoints'], np.float64)[0]
        error = np.asarray(sample['pred_instances']['keypoints'], np.float64)[0] - truth
        inter_ocular = resolve_normalisation('inter_ocular', layout.name)
        percent = 100 / normalising_distance(inter_ocular, truth[None])[0]
        along = contour_tangents(truth, layout.name)
        across = np.stack([-along[:, 1], along[:, 0]], axis=1)
        rows['nme'].append(np.linalg.norm(error, axis=1) * percent)
        rows['along'].append(np.abs((error * along).sum(1)) * percent)
        rows['across'].append(np.abs((error * across).sum(1)) * percent)
    if not rows['nme']:
        raise ValueError(f'no dumped face is in the subsets {list(subsets)}')
    return {key: np.stack(value) for key, value in rows.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('predictions', help='the .pkl of tools/test.py --dump')
    parser.add_argument('--subsets', nargs='*', default=['yaw_0_15', 'yaw_15_45'],
                        help='the test faces in any of these subsets (none given: every face)')
    args = parser.parse_args()
    with open(args.predictions, 'rb') as f:
        samples = pickle.load(f)
    try:
        errors = contour_errors(samples, args.subsets)
    except ValueError as error:
        raise SystemExit(f'{args.predictions}: {error}')
    nme = errors['nme'].mean(1)
    print(f'{len(nme)} faces{" in " + ", ".join(args.subsets) if args.subsets else ""}: NME io '
          f'{nme.mean():.2f} %, {100 * (nme < 2).mean():.1f} % of them under 2 %\n\n'
          '| landmarks | NME io | along the contour | across it | share of the squared '
          'error along |\n|---|---:|---:|---:|---:|')
    for name, landmarks in face_layout(samples[0]['dataset_name']).landmark_groups:
        along, across = (errors[key][:, list(landmarks)] for key in ('along', 'across'))
        share = (along**2).sum() / ((along**2).sum() + (across**2).sum())
        print(f'| {name} | {errors["nme"][:, list(landmarks)].mean():.2f} | {along.mean():.2f} '
              f'| {across.mean():.2f} | {share:.2f} |')


if __name__ == '__main__':
    main()
