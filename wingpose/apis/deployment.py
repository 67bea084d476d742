"""Landmarks from crops with PyTorch or ONNX Runtime, through the same graph.

A :class:`LandmarkGraph` is a regression model's whole test-time computation on a batch of
crops: the data preprocessor (BGR to RGB, mean/std), the network in ``mode='tensor'`` (for the
two-stage model both stages, its alignment and resampling) and the decoding to crop pixels.
:func:`export_onnx` writes it as an ONNX graph; :class:`OnnxLandmarkModel` runs that graph in
ONNX Runtime. :func:`predict_landmarks` crops the faces with the config's test pipeline and
maps the landmarks back to the image for either backend, so both give the same landmarks from
the same image and boxes (within float rounding), and the same as MMPose's
``inference_topdown`` with the PyTorch model, flip test included.
"""
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmpose.models.utils.tta import flip_coordinates
from torch import Tensor, nn

from wingpose.datasets import FaceLandmarkDataset, leaf_datasets
from wingpose.registry import MODELS


class LandmarkGraph(nn.Module):
    """Crops (N, 3, H, W), BGR in [0, 255] as MMPose's test pipeline makes them -> landmarks
    (N, K, 2) in crop pixels, for models whose ``mode='tensor'`` output is normalised
    coordinates (``RegressionLabel``: CNN6, CNN7, the two-stage model).

    With ``flip_indices`` the prediction is averaged with that of the mirrored crop, as the
    model's ``test_cfg.flip_test`` does (MMPose's ``flip_coordinates``, ``shift_coords``).
    :meth:`from_model` takes the flip test from the model's ``test_cfg``.
    """

    def __init__(self, model: nn.Module, input_size: Sequence[int],
                 flip_indices: Optional[Sequence[int]] = None, shift_coords: bool = True):
        super().__init__()
        preprocessor = model.data_preprocessor
        self.model = model
        self.channel_flip = bool(getattr(preprocessor, '_channel_conversion', False))
        self.register_buffer('mean', preprocessor.mean.detach().clone().view(1, -1, 1, 1))
        self.register_buffer('std', preprocessor.std.detach().clone().view(1, -1, 1, 1))
        self.register_buffer('input_size', torch.tensor(input_size, dtype=torch.float32))
        self.flip_indices = None if flip_indices is None else list(flip_indices)
        self.shift_coords = shift_coords

    @classmethod
    def from_model(cls, model: nn.Module, input_size: Sequence[int],
                   flip_indices: Sequence[int]) -> 'LandmarkGraph':
        """The graph of ``model`` with its configured flip test (``flip_indices`` from the
        dataset's keypoint metainfo)."""
        test_cfg = model.test_cfg or {}
        return cls(model, input_size, flip_indices if test_cfg.get('flip_test') else None,
                   test_cfg.get('shift_coords', True))

    def forward(self, crops: Tensor) -> Tensor:
        x = crops.float()
        if self.channel_flip:
            x = x.flip(1)
        x = (x - self.mean) / self.std
        coords = self.model(x, None, mode='tensor')
        if self.flip_indices is not None:
            flipped = flip_coordinates(self.model(x.flip(-1), None, mode='tensor'),
                                       flip_indices=self.flip_indices,
                                       shift_coords=self.shift_coords,
                                       input_size=self.input_size.int().tolist())
            coords = (coords + flipped) / 2
        return coords * self.input_size


def landmark_graph(cfg: Config, checkpoint: Optional[str] = None,
                   device: str = 'cpu') -> Tuple[LandmarkGraph, Compose]:
    """The :class:`LandmarkGraph` of a config's model (weights from ``checkpoint``, else
    initialised) in eval mode, and the config's test pipeline."""
    init_default_scope(cfg.get('default_scope', 'wingpose'))
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    else:
        model.init_weights()
    dataset = next(leaf_datasets(cfg.test_dataloader.dataset))
    meta = FaceLandmarkDataset._load_metainfo(dict(dataset.metainfo))
    graph = LandmarkGraph.from_model(model, cfg.codec['input_size'], meta['flip_indices'])
    return graph.to(device).eval(), Compose(dataset.pipeline)


def export_onnx(graph: LandmarkGraph, path: str, opset: int = 17) -> None:
    """Write ``graph`` as ONNX with a dynamic batch: input ``crops``, output ``landmarks``."""
    w, h = graph.input_size.int().tolist()
    torch.onnx.export(graph.eval(), (torch.zeros(2, 3, h, w), ), path, input_names=['crops'],
                      output_names=['landmarks'], opset_version=opset, dynamo=False,
                      dynamic_axes=dict(crops={0: 'batch'}, landmarks={0: 'batch'}))


class OnnxLandmarkModel:
    """An exported :class:`LandmarkGraph` in ONNX Runtime (CPU), called like the graph."""

    def __init__(self, path: str, threads: Optional[int] = None):
        import onnxruntime
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(path, options,
                                                    providers=['CPUExecutionProvider'])

    def __call__(self, crops: Union[Tensor, np.ndarray]) -> Tensor:
        crops = crops.numpy() if isinstance(crops, Tensor) else crops
        (landmarks, ) = self.session.run(None, {'crops': crops.astype(np.float32)})
        return torch.from_numpy(landmarks)


def predict_landmarks(backend: Callable[[Tensor], Tensor], pipeline: Compose,
                      image: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Landmarks (N, K, 2) in image pixels for the face boxes (N, 4) ``x1, y1, x2, y2``.

    ``pipeline`` is the config's test pipeline (the crops); ``backend`` a
    :class:`LandmarkGraph` or an :class:`OnnxLandmarkModel`. Crop pixels are mapped back as
    MMPose's top-down models do: ``p / input_size * input_scale + input_center - input_scale
    / 2``.
    """
    samples = [pipeline(dict(img=image, bbox=box[None, :4].astype(np.float32),
                             bbox_score=np.ones(1, np.float32))) for box in boxes]
    crops = torch.stack([s['inputs'] for s in samples])
    with torch.inference_mode():
        landmarks = backend(crops).numpy()
    out = []
    for points, sample in zip(landmarks, samples):
        meta = sample['data_samples'].metainfo
        size = np.asarray(meta['input_size'], dtype=np.float64)
        scale = np.asarray(meta['input_scale'], dtype=np.float64).reshape(2)
        center = np.asarray(meta['input_center'], dtype=np.float64).reshape(2)
        out.append(points / size * scale + center - 0.5 * scale)
    return np.stack(out).astype(np.float32)
