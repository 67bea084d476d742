"""Predict facial landmarks on an image and draw them with MMPose's visualizer (PNG).

    python tools/demo.py IMAGE --config CONFIG --checkpoint CKPT [--bbox x,y,w,h] [--out OUT]
        [--backend pytorch|onnxruntime [--onnx MODEL.onnx]]

Without ``--bbox`` the faces come from OpenCV's bundled Haar cascade (no download); where it
finds none, the whole image is the box. ``--backend pytorch`` (default) runs MMPose's
``inference_topdown`` (every model kind); ``--backend onnxruntime`` runs the same with the
exported graph of a regression model in ONNX Runtime (``tools/deployment/export_onnx.py``;
exported on the fly without ``--onnx``), which gives the same landmarks.
"""
import argparse
import os
import os.path as osp
import sys
import tempfile

import cv2
import numpy as np
from mmengine.config import Config

import wingpose  # noqa: F401  (registries, checkpoint loading, mmpose.apis without torchvision)
from mmpose.apis import inference_topdown, init_model  # noqa: E402
from mmpose.registry import VISUALIZERS  # noqa: E402
from mmpose.structures import merge_data_samples  # noqa: E402
from wingpose.apis.deployment import (export_onnx, landmark_graph,  # noqa: E402
                                      onnxruntime_config)
from wingpose.engine import load_checkpoint_strictly  # noqa: E402


def detect_faces(image: np.ndarray) -> np.ndarray:
    """Face boxes (N, 4) as x1, y1, x2, y2 from OpenCV's frontal-face Haar cascade."""
    cascade = cv2.CascadeClassifier(
        osp.join(cv2.data.haarcascades, 'haarcascade_frontalface_default.xml'))
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    return np.array([[x, y, x + w, y + h] for x, y, w, h in found], dtype=np.float32)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('image')
    parser.add_argument('--config', required=True)
    parser.add_argument('--checkpoint', required=True)
    parser.add_argument('--bbox', type=parse_bbox, help='face box x,y,w,h in pixels')
    parser.add_argument('--out', help='output PNG (default: IMAGE_landmarks.png)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--radius', type=int, default=2)
    parser.add_argument('--backend', choices=['pytorch', 'onnxruntime'], default='pytorch')
    parser.add_argument('--onnx', help='the exported graph for --backend onnxruntime')
    args = parser.parse_args()
    image = cv2.imread(args.image)
    if image is None:
        sys.exit(f'error: cannot read image {args.image}')
    boxes = args.bbox if args.bbox is not None else detect_faces(image)
    source = 'given' if args.bbox is not None else 'Haar cascade'
    if len(boxes) == 0:
        boxes, source = np.array([[0, 0, image.shape[1], image.shape[0]]], np.float32), 'image'
    if args.backend == 'pytorch':
        try:  # MMPose's init_model loads non-strictly: another model's weights would run
            model = init_model(args.config, None, device=args.device)
            load_checkpoint_strictly(model, args.checkpoint)
        except (FileNotFoundError, ValueError) as error:
            sys.exit(f'error: {error}')
    else:
        model = onnxruntime_model(args)
    results = merge_data_samples(inference_topdown(model, image, boxes))
    visualizer = VISUALIZERS.build(dict(type='PoseLocalVisualizer', name='wingpose_demo',
                                        radius=args.radius,
                                        line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)
    drawn = visualizer.add_datasample('landmarks', cv2.cvtColor(image, cv2.COLOR_BGR2RGB),
                                      results, draw_gt=False, draw_bbox=True, show=False)
    out = args.out or osp.splitext(args.image)[0] + '_landmarks.png'
    if osp.dirname(out):
        os.makedirs(osp.dirname(out), exist_ok=True)
    if not cv2.imwrite(out, cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR)):
        sys.exit(f'error: --out: OpenCV could not write {out} (an image extension such as '
                 '.png or .jpg?)')
    print(f'{out}: {len(boxes)} face(s), box from {source}, '
          f'{results.pred_instances.keypoints.shape[1]} landmarks each ({args.backend})')


if __name__ == '__main__':
    main()
