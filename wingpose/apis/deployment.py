"""Landmarks from crops with PyTorch or ONNX Runtime, through the same graph.

A :class:`LandmarkGraph` is a model's whole test-time computation on a batch of crops, for
every model kind: the data preprocessor (BGR to RGB, mean/std), the network in
``mode='tensor'`` (for the two-stage model both stages, its alignment and resampling), the flip
test and the codec's decoding to crop pixels and scores.
:func:`export_onnx` writes it as an ONNX graph; :class:`OnnxLandmarkModel` runs that graph in
ONNX Runtime, and :func:`onnxruntime_config` makes a config whose model is that graph behind
MMPose's model interface, so MMPose's ``inference_topdown`` and inferencers crop the faces and
map the landmarks back to the image for either backend: both give the same landmarks from the
same image and boxes (within float rounding), flip test included. :func:`compile_for_inference`
is the fast PyTorch path for a graph run many times.
"""
from typing import Callable, Optional, Sequence, Tuple

import numpy as np
import torch
import torch._inductor.config as inductor_config
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmpose.models.utils.tta import flip_coordinates, flip_heatmaps
from torch import Tensor, nn

from wingpose.codecs.graph_decoding import RegressionDecoding, graph_decoding
from wingpose.datasets import FaceLandmarkDataset, leaf_datasets
from wingpose.engine import load_checkpoint_strictly
from wingpose.models.pose_estimators.onnxruntime_topdown import OnnxLandmarkModel
from wingpose.registry import MODELS

__all__ = ['LandmarkGraph', 'OnnxLandmarkModel', 'check_onnx_matches', 'compile_for_inference',
           'export_onnx', 'landmark_graph', 'onnxruntime_config']


class LandmarkGraph(nn.Module):
    """Crops (N, 3, H, W), BGR in [0, 255] as MMPose's test pipeline makes them -> landmarks
    (N, K, 2) in crop pixels and their scores (N, K), for every model kind: the data
    preprocessor, the network in ``mode='tensor'`` (normalised coordinates for CNN6, CNN7 and
    the two-stage model, heatmaps for the heatmap heads) and the codec's decoding
    (:func:`~wingpose.codecs.graph_decoding.graph_decoding`: STAR's soft-argmax in its frame,
    AWing's argmax and quarter step in its frame, MMPose's MSRA argmax and refinement).

    With ``flip_indices`` the network's output is averaged with that of the mirrored crop, as
    the model's ``test_cfg.flip_test`` does: coordinates by MMPose's ``flip_coordinates``
    (``shift_coords``), heatmaps by ``flip_heatmaps`` (``flip_mode``, ``shift_heatmap``).
    :meth:`from_model` takes the flip test from the model's ``test_cfg``.
    """

    def __init__(self, model: nn.Module, input_size: Sequence[int], decoding: nn.Module,
                 flip_indices: Optional[Sequence[int]] = None, flip_cfg: Optional[dict] = None):
        super().__init__()
        preprocessor = model.data_preprocessor
        self.model = model
        self.decoding = decoding
        self.channel_flip = bool(getattr(preprocessor, '_channel_conversion', False))
        self.register_buffer('mean', preprocessor.mean.detach().clone().view(1, -1, 1, 1))
        self.register_buffer('std', preprocessor.std.detach().clone().view(1, -1, 1, 1))
        self.input_size = tuple(int(v) for v in input_size)
        self.flip_indices = None if flip_indices is None else list(flip_indices)
        self.flip_cfg = dict(flip_cfg or {})

    @classmethod
    def from_model(cls, model: nn.Module, codec: dict,
                   flip_indices: Sequence[int]) -> 'LandmarkGraph':
        """The graph of ``model`` with its codec's decoding and its configured flip test
        (``flip_indices`` from the dataset's keypoint metainfo)."""
        test_cfg = dict(model.test_cfg or {})
        return cls(model, codec['input_size'], graph_decoding(codec),
                   flip_indices if test_cfg.get('flip_test') else None, test_cfg)

    def _mirrored(self, output: Tensor) -> Tensor:
        """The network's output on the mirrored crop, mapped back as its flip test does."""
        if isinstance(self.decoding, RegressionDecoding):
            return flip_coordinates(output, flip_indices=self.flip_indices,
                                    shift_coords=self.flip_cfg.get('shift_coords', True),
                                    input_size=self.input_size)
        return flip_heatmaps(output, flip_mode=self.flip_cfg.get('flip_mode', 'heatmap'),
                             flip_indices=self.flip_indices,
                             shift_heatmap=self.flip_cfg.get('shift_heatmap', False))

    def forward(self, crops: Tensor) -> Tuple[Tensor, Tensor]:
        x = crops.float()
        if self.channel_flip:
            x = x.flip(1)
        x = (x - self.mean) / self.std
        output = self.model(x, None, mode='tensor')
        if self.flip_indices is not None:
            output = (output + self._mirrored(self.model(x.flip(-1), None, mode='tensor'))) / 2
        return self.decoding(output)


def model_codec(cfg: Config) -> dict:
    """The codec that decodes the config's model: its head's ``decoder``, else ``codec``."""
    codec = cfg.model.get('head', {}).get('decoder') or cfg.get('codec')
    if not codec:
        raise ValueError('the config names no codec (model.head.decoder or codec): nothing '
                         'says how to decode its output')
    return dict(codec)


def landmark_graph(cfg: Config, checkpoint: Optional[str] = None, device: str = 'cpu',
                   random_weights: bool = False) -> LandmarkGraph:
    """The :class:`LandmarkGraph` of a config's model in eval mode, with the weights of
    ``checkpoint``, which must fit the model exactly, or, with ``random_weights``, its
    initial weights. A codec without a graph decoding is refused (ValueError)."""
    if (checkpoint is None) == (not random_weights):
        raise ValueError('landmark_graph needs a checkpoint, or random_weights=True for an '
                         'untrained network (not both)')
    codec = model_codec(cfg)
    graph_decoding(codec)  # a codec without a graph decoding, refused before the model is built
    init_default_scope(cfg.get('default_scope', 'wingpose'))
    model_cfg = cfg.model.copy()
    if random_weights and model_cfg.get('backbone'):  # no pretrained download: initial weights
        model_cfg.backbone = dict(model_cfg.backbone, init_cfg=None)
    model = MODELS.build(model_cfg)
    if checkpoint:
        load_checkpoint_strictly(model, checkpoint)
    else:
        model.init_weights()
    dataset = next(leaf_datasets(cfg.test_dataloader.dataset))
    meta = FaceLandmarkDataset._load_metainfo(dict(dataset.metainfo))
    graph = LandmarkGraph.from_model(model, codec, meta['flip_indices'])
    return graph.to(device).eval()


def export_onnx(graph: LandmarkGraph, path: str, opset: int = 17) -> None:
    """Write ``graph`` as ONNX with a dynamic batch: input ``crops``, outputs ``landmarks``
    and ``scores``."""
    w, h = graph.input_size
    torch.onnx.export(graph.eval(), (torch.zeros(2, 3, h, w), ), path, input_names=['crops'],
                      output_names=['landmarks', 'scores'], opset_version=opset, dynamo=False,
                      dynamic_axes=dict(crops={0: 'batch'}, landmarks={0: 'batch'},
                                        scores={0: 'batch'}))


def check_onnx_matches(graph: LandmarkGraph, onnx_file: str, tolerance: float = 1e-3,
                       batch: int = 3, seed: int = 0) -> float:
    """The largest |ONNX Runtime - PyTorch| landmark difference (crop pixels) of ``graph`` and
    its export ``onnx_file`` on random crops; a ValueError when it exceeds ``tolerance`` or is
    not a number (non-finite landmarks match nothing)."""
    w, h = graph.input_size
    crops = torch.from_numpy(
        np.random.default_rng(seed).uniform(0, 255, (batch, 3, h, w))).float()
    with torch.inference_mode():
        expected = graph(crops)[0]
    difference = float((OnnxLandmarkModel(onnx_file)(crops)[0] - expected).abs().max())
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
    graph_decoding(model_codec(cfg))
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
