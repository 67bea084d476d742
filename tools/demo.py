"""Predict facial landmarks on an image or a video and draw them.

    python tools/demo.py IMAGE --config CONFIG --checkpoint CKPT [--bbox x,y,w,h] [--out OUT]
        [--backend pytorch|onnxruntime [--onnx MODEL.onnx]]
    python tools/demo.py VIDEO_OR_FOLDER --config CONFIG --checkpoint CKPT [--out OUT.mp4]
        [--landmarks OUT.json] [--fps 25] [--detect-every-frame] [--redetect-every 10]
        [--no-smooth] [--min-cutoff 0.5] [--beta 10] [--backend ...]

An image is drawn with MMPose's visualizer (PNG). Without ``--bbox`` the faces come from
OpenCV's bundled Haar cascade (no download); where it finds none, the whole image is the box.
A video file or a folder of frames gives an annotated video of the same frame count and rate
and the landmarks of every frame as JSON (frame, face, box, landmarks, scores; a frame without
a face has none): faces are tracked from frame to frame and their landmarks smoothed by
One-Euro filters (``wingpose.apis.FaceTracker``). ``--backend pytorch`` (default) runs MMPose's
``inference_topdown``; ``--backend onnxruntime`` runs the same with the model's exported graph
in ONNX Runtime (``tools/deployment/export_onnx.py``; exported on the fly without ``--onnx``),
which gives the same landmarks, for every model kind.
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile
import time

import cv2
import numpy as np
from mmengine.config import Config

import wingpose  # noqa: F401  (registries, checkpoint loading, mmpose.apis without torchvision)
from mmpose.apis import inference_topdown, init_model  # noqa: E402
from mmpose.registry import VISUALIZERS  # noqa: E402
from mmpose.structures import merge_data_samples  # noqa: E402
from wingpose.apis import FaceTracker, haar_face_boxes  # noqa: E402
from wingpose.apis.deployment import (export_onnx, landmark_graph,  # noqa: E402
                                      onnxruntime_config)
from wingpose.engine import load_checkpoint_strictly  # noqa: E402
from wingpose.utils import (FrameSource, VideoError, VideoSink, atomic_write,  # noqa: E402
                            is_video)


def parse_bbox(text: str) -> np.ndarray:
    try:
        x, y, w, h = (float(v) for v in text.split(','))
    except ValueError:
        raise argparse.ArgumentTypeError(f'--bbox must be x,y,w,h, got {text!r}') from None
    if w <= 0 or h <= 0:
        raise argparse.ArgumentTypeError(f'--bbox needs a positive width and height, got {text!r}')
    return np.array([[x, y, x + w, y + h]], dtype=np.float32)


def onnxruntime_model(args):
    """The exported graph in ONNX Runtime behind MMPose's model interface."""
    cfg = Config.fromfile(args.config)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.onnx or osp.join(tmp, 'landmarks.onnx')
        try:
            ort_cfg = onnxruntime_config(cfg, path)
        except ValueError as error:
            sys.exit(f'error: --backend onnxruntime: {args.config}: {error}')
        if not args.onnx:
            try:
                export_onnx(landmark_graph(cfg, args.checkpoint), path)
            except (FileNotFoundError, ValueError) as error:
                sys.exit(f'error: {error}')
        # MMPose's init_model reads model.backbone unless cfg_options is given
        return init_model(ort_cfg, None, device='cpu', cfg_options={})


def load_model(args):
    """The config's model with the checkpoint's weights (PyTorch), or its exported graph."""
    if args.backend == 'onnxruntime':
        return onnxruntime_model(args)
    try:  # MMPose's init_model loads non-strictly: another model's weights would run
        model = init_model(args.config, None, device=args.device)
        load_checkpoint_strictly(model, args.checkpoint)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
    return model


def draw(frame: np.ndarray, faces: list, radius: int) -> np.ndarray:
    """The faces' boxes and landmarks drawn on a copy of ``frame``."""
    drawn = frame.copy()
    for face in faces:
        x1, y1, x2, y2 = (int(round(v)) for v in face['bbox'])
        cv2.rectangle(drawn, (x1, y1), (x2, y2), (0, 255, 0), 1)
        for x, y in face['keypoints']:
            cv2.circle(drawn, (int(round(x)), int(round(y))), radius, (0, 0, 255), -1,
                       cv2.LINE_AA)
    return drawn


def run_video(args, model) -> None:
    """Every frame of a video or folder: tracked, smoothed, drawn; the landmarks as JSON."""
    try:
        source = FrameSource(args.input, args.fps)
        out = args.out or osp.splitext(args.input.rstrip('/'))[0] + '_landmarks.mp4'
        sink = VideoSink(out, source.fps, source.size)
    except (VideoError, OSError) as error:
        sys.exit(f'error: {error}')
    json_out = args.landmarks or osp.splitext(out)[0] + '.json'
    tracker = FaceTracker(model, haar_face_boxes, track=not args.detect_every_frame,
                          smooth=not args.no_smooth, redetect_every=args.redetect_every,
                          min_score=args.min_score, min_cutoff=args.min_cutoff, beta=args.beta)
    frames, start = [], time.time()
    try:
        for index, frame in enumerate(source):
            faces = tracker.update(frame, index / source.fps)
            sink.write(draw(frame, faces, args.radius))
            frames.append(dict(frame=index, faces=[
                dict(face=face['track'], box=face['bbox'], landmarks=face['keypoints'],
                     scores=face['keypoint_scores']) for face in faces]))
    except BaseException:
        sink.discard()
        raise
    sink.close()
    with atomic_write(json_out, 'w') as f:
        json.dump(dict(video=args.input, fps=source.fps, frames=frames), f)
    without = sum(not frame['faces'] for frame in frames)
    print(f'{out}: {len(frames)} frames at {source.fps:g} fps, {without} without a face, '
          f'{len(frames) / (time.time() - start):.1f} frames/s ({args.backend}); landmarks '
          f'in {json_out}')


def run_image(args, model) -> None:
    image = cv2.imread(args.input)
    if image is None:
        sys.exit(f'error: cannot read image {args.input}')
    boxes = args.bbox if args.bbox is not None else haar_face_boxes(image)
    source = 'given' if args.bbox is not None else 'Haar cascade'
    if len(boxes) == 0:
        boxes, source = np.array([[0, 0, image.shape[1], image.shape[0]]], np.float32), 'image'
    results = merge_data_samples(inference_topdown(model, image, boxes))
    visualizer = VISUALIZERS.build(dict(type='PoseLocalVisualizer', name='wingpose_demo',
                                        radius=args.radius,
                                        line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)
    drawn = visualizer.add_datasample('landmarks', cv2.cvtColor(image, cv2.COLOR_BGR2RGB),
                                      results, draw_gt=False, draw_bbox=True, show=False)
    out = args.out or osp.splitext(args.input)[0] + '_landmarks.png'
    if osp.dirname(out):
        os.makedirs(osp.dirname(out), exist_ok=True)
    if not cv2.imwrite(out, cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR)):
        sys.exit(f'error: --out: OpenCV could not write {out} (an image extension such as '
                 '.png or .jpg?)')
    print(f'{out}: {len(boxes)} face(s), box from {source}, '
          f'{results.pred_instances.keypoints.shape[1]} landmarks each ({args.backend})')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='an image, a video file or a folder of frames')
    parser.add_argument('--config', required=True)
    parser.add_argument('--checkpoint', required=True)
    parser.add_argument('--bbox', type=parse_bbox, help='face box x,y,w,h in pixels (image)')
    parser.add_argument('--out', help='output PNG (image; default INPUT_landmarks.png) or '
                        'video (default INPUT_landmarks.mp4; .mp4, .avi, .mkv or .mov)')
    parser.add_argument('--landmarks', help='video: the landmarks JSON (default: --out as .json)')
    parser.add_argument('--fps', type=float, default=25.,
                        help='video: the rate of a folder of frames (and of a video that does '
                        'not say)')
    parser.add_argument('--detect-every-frame', action='store_true',
                        help='video: run the detector on every frame instead of tracking')
    parser.add_argument('--redetect-every', type=int, default=10,
                        help='video: frames between detector runs while tracking')
    parser.add_argument('--min-score', type=float, default=0.2,
                        help='video: a track whose mean landmark score falls below it is '
                        'checked by the detector')
    parser.add_argument('--no-smooth', action='store_true',
                        help='video: no One-Euro filtering of the landmarks')
    parser.add_argument('--min-cutoff', type=float, default=0.5,
                        help='video: the One-Euro filter\'s cut-off at rest (Hz)')
    parser.add_argument('--beta', type=float, default=10.,
                        help='video: the One-Euro filter\'s speed coefficient (per face '
                        'size per second)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--radius', type=int, default=2)
    parser.add_argument('--backend', choices=['pytorch', 'onnxruntime'], default='pytorch')
    parser.add_argument('--onnx', help='the exported graph for --backend onnxruntime')
    args = parser.parse_args()
    video = is_video(args.input)
    if video and args.bbox is not None:
        parser.error('--bbox is for images; a video\'s faces come from the detector')
    if args.redetect_every < 1 or args.min_cutoff <= 0 or args.beta < 0:
        parser.error('--redetect-every must be >= 1, --min-cutoff > 0 and --beta >= 0')
    if video:
        try:  # the input is read before the model is built
            FrameSource(args.input, args.fps)
        except VideoError as error:
            sys.exit(f'error: {error}')
    model = load_model(args)
    (run_video if video else run_image)(args, model)


if __name__ == '__main__':
    main()
