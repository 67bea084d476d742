"""Export CNN6, CNN7 or the two-stage model to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx [--opset 17]
    python tools/deployment/export_onnx.py CONFIG --random-weights --out model.onnx

The graph (``wingpose.apis.deployment.LandmarkGraph``) takes crops (N, 3, H, W) as MMPose's test
pipeline makes them (BGR, 0-255) and returns landmarks (N, K, 2) in crop pixels: the data
preprocessor, the network (the two-stage model with its alignment and resampling), the
config's flip test and the decoding. The checkpoint must hold exactly the config's
model's tensors; ``--random-weights`` exports the untrained network instead.
``tools/demo.py --backend onnxruntime`` runs it. The ONNX output is compared with PyTorch's
with onnxruntime on random crops; the maximum absolute difference (pixels) is printed and the
command fails above ``--tolerance``.
"""
import argparse
import sys

import numpy as np
import torch
from mmengine.config import Config

from wingpose.apis.deployment import OnnxLandmarkModel, export_onnx, landmark_graph


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--random-weights', action='store_true',
                        help='export the initial (untrained) weights; no checkpoint')
    parser.add_argument('--out', required=True)
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--tolerance', type=float, default=1e-3)
    args = parser.parse_args()
    if args.opset < 17:
        sys.exit(f'error: --opset must be >= 17 (grid_sample), got {args.opset}')
    if (args.checkpoint is None) == (not args.random_weights):
        sys.exit('error: give a CHECKPOINT, or --random-weights to export an untrained '
                 'network (not both)')
    try:
        graph = landmark_graph(Config.fromfile(args.config), args.checkpoint,
                               random_weights=args.random_weights)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
    export_onnx(graph, args.out, args.opset)
    w, h = graph.input_size.int().tolist()
    crops = torch.from_numpy(np.random.default_rng(0).uniform(0, 255, (3, 3, h, w))).float()
    with torch.inference_mode():
        expected = graph(crops)
    difference = float((OnnxLandmarkModel(args.out)(crops) - expected).abs().max())
    print(f'{args.out}: opset {args.opset}, crops (N, 3, {h}, {w}); '
          f'max |onnxruntime - pytorch| = {difference:.2e}')
    if difference > args.tolerance:
        sys.exit(f'error: the ONNX model differs from PyTorch by {difference:.2e} px '
                 f'> {args.tolerance:g}')


if __name__ == '__main__':
    main()
