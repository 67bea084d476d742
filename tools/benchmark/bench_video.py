"""Landmark jitter and accuracy on video, raw and smoothed, tracked and detected every frame.

    python tools/benchmark/bench_video.py --config CONFIG --checkpoint CKPT [--frames 150]
        [--seed 0] [--min-cutoff 0.5] [--beta 10] [--redetect-every 10] [--threads 2]
        [--settle 1]

Two clips rendered by the synthetic generator with exact per-frame landmarks
(``wingpose.datasets.synthetic.video.render_video``, 640 x 480 at 25 fps): a still face under
per-frame sensor noise and a face moving and turning along a known path. Each setting runs
``wingpose.apis.FaceTracker`` over both (OpenCV's Haar cascade as the detector): tracking (boxes
from the previous frame's landmarks) or the detector on every frame, raw or One-Euro smoothed.
One line per setting:

    <setting>: jitter X % io, moving NME Y %, Z fps

jitter: RMS frame-to-frame landmark motion on the still face after its first ``--settle``
seconds (a track's box moves from the detector's box to its landmarks' extent meanwhile), in %
of its inter-ocular distance (``landmark_jitter``); moving NME: NME (inter-ocular) on the
moving face, over the frames with a face; fps: frames per second over both clips on
``--threads`` CPU threads. Then the ratios: smoothing's jitter reduction and moving NME change,
tracking's speed-up.
"""
import argparse
import time

import numpy as np
import torch

import wingpose  # noqa: F401  (registries, checkpoint loading, mmpose.apis without torchvision)
from mmpose.apis import init_model  # noqa: E402
from wingpose.apis import FaceTracker, haar_face_boxes  # noqa: E402
from wingpose.datasets.synthetic.video import render_video  # noqa: E402
from wingpose.engine import load_checkpoint_strictly  # noqa: E402
from wingpose.evaluation.functional import (landmark_jitter, normalising_distance,  # noqa: E402
                                            per_image_nme, resolve_normalisation)

FPS = 25.
SETTINGS = {'detector every frame, raw': (False, False),
            'detector every frame, smoothed': (False, True),
            'tracking, raw': (True, False),
            'tracking, smoothed': (True, True)}


def first_face(faces_per_frame: list, num_keypoints: int) -> np.ndarray:
    """(T, K, 2) landmarks of the first face of each frame; NaN where there is none."""
    return np.stack([np.asarray(faces[0]['keypoints']) if faces
                     else np.full((num_keypoints, 2), np.nan) for faces in faces_per_frame])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', required=True, help='a 68-point model')
    parser.add_argument('--checkpoint', required=True)
    parser.add_argument('--frames', type=int, default=150, help='frames per clip')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-cutoff', type=float, default=0.5)
    parser.add_argument('--beta', type=float, default=10.)
    parser.add_argument('--redetect-every', type=int, default=10)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--settle', type=float, default=1.,
                        help='seconds of the still clip left out of the jitter: the first '
                        'landmarks settle from the detector\'s box into their own')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = init_model(args.config, None, device='cpu')
    try:
        load_checkpoint_strictly(model, args.checkpoint)
    except (FileNotFoundError, ValueError) as error:
        parser.exit(1, f'error: {error}\n')
    if model.dataset_meta['num_keypoints'] != 68:
        parser.exit(1, f'error: {args.config} predicts {model.dataset_meta["num_keypoints"]} '
                    'landmarks; the clips are labelled with 68\n')
    clips = {moving: render_video(args.seed, args.frames, moving=moving)
             for moving in (False, True)}
    inter_ocular = resolve_normalisation('inter_ocular', '300w')
    distances = {moving: normalising_distance(inter_ocular, labels)
                 for moving, (_, labels) in clips.items()}
    print(f'{args.frames} frames per clip at {FPS:g} fps, 640 x 480, {args.threads} threads; '
          f'{args.config}')
    measured = {}
    for setting, (track, smooth) in SETTINGS.items():
        landmarks, start = {}, time.time()
        for moving, (frames, _) in clips.items():
            tracker = FaceTracker(model, haar_face_boxes, track=track, smooth=smooth,
                                  redetect_every=args.redetect_every,
                                  min_cutoff=args.min_cutoff, beta=args.beta)
            landmarks[moving] = first_face(list(tracker.run(frames, FPS)), 68)
        fps = 2 * args.frames / (time.time() - start)
        settled = slice(int(FPS * args.settle), None)
        jitter = landmark_jitter(landmarks[False][settled], distances[False][settled]) * 100
        found = np.isfinite(landmarks[True]).all(axis=(1, 2))
        nme = per_image_nme(landmarks[True][found], clips[True][1][found],
                            np.ones((found.sum(), 68), bool), distances[True][found])
        measured[setting] = (jitter, float(np.mean(nme)) * 100, fps)
        print(f'{setting}: jitter {jitter:.3f} % io, moving NME {measured[setting][1]:.2f} %, '
              f'{fps:.1f} fps ({args.frames - found.sum()} moving frames without a face)',
              flush=True)
    for mode in ('detector every frame', 'tracking'):
        raw, smoothed = measured[f'{mode}, raw'], measured[f'{mode}, smoothed']
        print(f'smoothing, {mode}: jitter / {raw[0] / smoothed[0]:.1f}, moving NME '
              f'{(smoothed[1] / raw[1] - 1) * 100:+.1f} %')
    speed_up = measured['tracking, smoothed'][2] / measured['detector every frame, smoothed'][2]
    print(f'tracking: {speed_up:.2f} x the frames per second of the detector on every frame '
          '(smoothed)')


if __name__ == '__main__':
    main()
