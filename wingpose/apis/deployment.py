"""Landmarks from crops with PyTorch or ONNX Runtime, through the same graph.

A :class:`LandmarkGraph` is a regression model's whole test-time computation on a batch of
crops: the data preprocessor (BGR to RGB, mean/std), the network in ``mode='tensor'`` (for the
two-stage model both stages, its alignment and resampling) and the decoding to crop pixels.
:func:`export_onnx` writes it as an ONNX graph; :class:`OnnxLandmarkModel` runs that graph in
ONNX Runtime, and :func:`onnxruntime_config` makes a config whose model is that graph behind
MMPose's model interface, so MMPose's ``inference_topdown`` and inferencers crop the faces and
map the landmarks back to the image for either backend: both give the same landmarks from the
same image and boxes (within float rounding), flip test included. :func:`compile_for_inference`
is the fast PyTorch path for a graph run many times.
"""
from typing import Callable, Optional, Sequence

import numpy as np
import torch
import torch._inductor.config as inductor_config
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmpose.models.utils.tta import flip_coordinates
from torch import Tensor, nn

from wingpose.datasets import FaceLandmarkDataset, leaf_datasets
from wingpose.engine import load_checkpoint_strictly
from wingpose.models.pose_estimators.onnxruntime_topdown import OnnxLandmarkModel
from wingpose.registry import MODELS

__all__ = ['LandmarkGraph', 'OnnxLandmarkModel', 'check_onnx_matches', 'compile_for_inference',
           'export_onnx', 'landmark_graph', 'onnxruntime_config']


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


def check_exportable(cfg: Config) -> None:
    """Raise a ValueError unless the config's model is one :class:`LandmarkGraph` exports: a
    regression model (its codec ``RegressionLabel``)."""
    codec = cfg.get('codec', {}).get('type')
    if codec != 'RegressionLabel':
        raise ValueError('only regression models (CNN6, CNN7, the two-stage model) export to '
                         f'ONNX; this config\'s codec is {codec}')


def landmark_graph(cfg: Config, checkpoint: Optional[str] = None, device: str = 'cpu',
                   random_weights: bool = False) -> LandmarkGraph:
    """The :class:`LandmarkGraph` of a config's model in eval mode, with the weights of
    ``checkpoint``, which must fit the model exactly, or, with ``random_weights``, its
    initial weights."""
    if (checkpoint is None) == (not random_weights):
        raise ValueError('landmark_graph needs a checkpoint, or random_weights=True for an '
                         'untrained network (not both)')
    check_exportable(cfg)
    init_default_scope(cfg.get('default_scope', 'wingpose'))
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint_strictly(model, checkpoint)
    else:
        model.init_weights()
    dataset = next(leaf_datasets(cfg.test_dataloader.dataset))
    meta = FaceLandmarkDataset._load_metainfo(dict(dataset.metainfo))
    graph = LandmarkGraph.from_model(model, cfg.codec['input_size'], meta['flip_indices'])
    return graph.to(device).eval()


def export_onnx(graph: LandmarkGraph, path: str, opset: int = 17) -> None:
    """Write ``graph`` as ONNX with a dynamic batch: input ``crops``, output ``landmarks``."""
    w, h = graph.input_size.int().tolist()
    torch.onnx.export(graph.eval(), (torch.zeros(2, 3, h, w), ), path, input_names=['crops'],
                      output_names=['landmarks'], opset_version=opset, dynamo=False,
                      dynamic_axes=dict(crops={0: 'batch'}, landmarks={0: 'batch'}))


def check_onnx_matches(graph: LandmarkGraph, onnx_file: str, tolerance: float = 1e-3,
                       batch: int = 3, seed: int = 0) -> float:
    """The largest |ONNX Runtime - PyTorch| landmark difference (crop pixels) of ``graph`` and
    its export ``onnx_file`` on random crops; a ValueError when it exceeds ``tolerance`` or is
    not a number (non-finite landmarks match nothing)."""
    w, h = graph.input_size.int().tolist()
    crops = torch.from_numpy(
        np.random.default_rng(seed).uniform(0, 255, (batch, 3, h, w))).float()
    with torch.inference_mode():
        expected = graph(crops)
    difference = float((OnnxLandmarkModel(onnx_file)(crops) - expected).abs().max())
    if not difference <= tolerance:
        raise ValueError(f'the ONNX model {onnx_file} differs from PyTorch by {difference:.2e} '
                         f'px (tolerance {tolerance:g})'
                         + ('; the landmarks are not finite' if difference != difference
                            else ''))
    return difference


def onnxruntime_config(cfg: Config, onnx_file: str, threads: Optional[int] = None) -> Config:
    """``cfg`` with its model replaced by its exported graph in ONNX Runtime
    (:class:`~wingpose.models.OnnxRuntimeTopdownEstimator`): the same data, pipelines and
    ``test_cfg.output_keypoint_indices`` (the training dataloader: the test dataset, whose
    meta MMPose reads), for ``init_model`` (with ``cfg_options={}``: without,
    it reads ``model.backbone``) and the inferencers."""
    check_exportable(cfg)
    cfg = cfg.copy()
    test_cfg = {k: v for k, v in (cfg.model.get('test_cfg') or {}).items()
                if k == 'output_keypoint_indices'}
    # the scope lets MMPose's inferencer (scope 'mmpose') find the model
    cfg.model = ConfigDict(_scope_='wingpose', type='OnnxRuntimeTopdownEstimator',
                           onnx_file=onnx_file, threads=threads, test_cfg=test_cfg)
    # MMPose's init_model and inferencers take the dataset meta (keypoints, flip pairs,
    # skeleton) from the training dataset's config, and fall back to COCO's where a wrapper
    # (PoseBalancedDataset) hides it; the graph does not train: the test dataset stands there
    cfg.train_dataloader = ConfigDict(dataset=next(leaf_datasets(cfg.test_dataloader.dataset)))
    return cfg


def compile_for_inference(module: nn.Module) -> Callable[[Tensor], Tensor]:
    """``module`` compiled by TorchInductor with freezing, for inference only.

    Profiling the two-stage model at batch 1 shows convolutions take three quarters of eager
    PyTorch's time; freezing folds the weights into the graph, so oneDNN gets them prepacked
    once and the ReLUs and poolings fused (``tools/benchmark/bench_models.py``). The weights
    must not change afterwards, and each new input shape compiles once (20-30 s for the
    two-stage model on 2 cores). Call the result under ``torch.inference_mode()`` or
    ``torch.no_grad()``.
    """
    compiled = torch.compile(module.eval(), dynamic=False)

    def run(crops: Tensor) -> Tensor:
        # freezing as a config patch around the call (where compilation happens): the same
        # through torch.compile(options={'freezing': True}) ran 1.1x eager at batch 1 instead
        # of 1.3-1.5x (two-stage model, torch 2.13, 2 cores)
        with inductor_config.patch(freezing=True):
            return compiled(crops)

    return run
