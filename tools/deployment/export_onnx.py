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
command fails above ``--tolerance`` or on non-finite landmarks, leaving ``--out`` as it was.
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config

from wingpose.apis.deployment import check_onnx_matches, export_onnx, landmark_graph


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
    # written beside, checked, then renamed: a failed check leaves --out as it was
    staged = osp.join(osp.dirname(osp.abspath(args.out)), f'.{osp.basename(args.out)}.tmp')
    export_onnx(graph, staged, args.opset)
    try:
        difference = check_onnx_matches(graph, staged, args.tolerance)
    except BaseException as error:
        os.remove(staged)
        if isinstance(error, ValueError):
            sys.exit(f'error: {error}; {args.out} not written')
        raise
    os.replace(staged, args.out)
    w, h = graph.input_size
    print(f'{args.out}: opset {args.opset}, crops (N, 3, {h}, {w}); '
          f'max |onnxruntime - pytorch| = {difference:.2e}')


if __name__ == '__main__':
    main()
