"""An exported landmark graph run by ONNX Runtime behind MMPose's model interface."""
import os.path as osp
from typing import Optional, Tuple, Union

import numpy as np
import torch
from mmengine.model import BaseModel
from mmengine.structures import InstanceData
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.utils.typing import OptConfigType, OptSampleList
from torch import Tensor

from wingpose.registry import MODELS


class OnnxLandmarkModel:
    """An exported :class:`~wingpose.apis.deployment.LandmarkGraph` in ONNX Runtime (CPU):
    crops (N, 3, H, W), BGR in [0, 255] -> landmarks (N, K, 2) in crop pixels and scores
    (N, K)."""

    def __init__(self, path: str, threads: Optional[int] = None):
        import onnxruntime
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'ONNX graph {path} does not exist: export it with '
                'tools/deployment/export_onnx.py CONFIG CHECKPOINT --out FILE.onnx')
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(path, options,
                                                    providers=['CPUExecutionProvider'])

    def __call__(self, crops: Union[Tensor, np.ndarray]) -> Tuple[Tensor, Tensor]:
        crops = crops.numpy() if isinstance(crops, Tensor) else crops
        landmarks, scores = self.session.run(['landmarks', 'scores'],
                                             {'crops': crops.astype(np.float32)})
        return torch.from_numpy(landmarks), torch.from_numpy(scores)


@MODELS.register_module()
class OnnxRuntimeTopdownEstimator(BaseModel):
    """A regression model's exported graph in ONNX Runtime as an MMPose top-down estimator.

    ``test_step`` / ``predict`` give what the PyTorch model gives, so MMPose's
    ``inference_topdown``, ``MMPoseInferencer`` and
    :class:`~wingpose.apis.FaceLandmarkInferencer` run the graph unchanged. The graph holds
    the preprocessing, the flip test and the decoding
    (:func:`~wingpose.apis.deployment.export_onnx`), so the data preprocessor only stacks the
    crops; the landmarks are mapped from the crop to the image as MMPose's
    ``TopdownPoseEstimator`` does. Build its config from a model's config with
    :func:`~wingpose.apis.deployment.onnxruntime_config`.

    Args:
        onnx_file (str): The graph (``tools/deployment/export_onnx.py``).
        threads (int, optional): ONNX Runtime's intra-op threads; its default if None.
        data_preprocessor (dict, optional): Default: ``PoseDataPreprocessor`` without
            normalisation.
        test_cfg (dict, optional): ``output_keypoint_indices`` as in MMPose.
        train_cfg (dict, optional): Must be empty (the graph does not train); MMPose's
            ``init_model`` passes None.
    """

    add_pred_to_datasample = TopdownPoseEstimator.add_pred_to_datasample

    def __init__(self,
                 onnx_file: str,
                 threads: Optional[int] = None,
                 data_preprocessor: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 init_cfg: OptConfigType = None):
        if train_cfg:
            raise ValueError(f'{type(self).__name__} does not train: train_cfg must be empty, '
                             f'got {train_cfg}')
        # MMPose's preprocessor by its scoped name: it builds without a default scope
        super().__init__(data_preprocessor=data_preprocessor
                         or dict(type='mmpose.PoseDataPreprocessor'),
                         init_cfg=init_cfg)
        self.onnx_file = onnx_file
        self.graph = OnnxLandmarkModel(onnx_file, threads)
        self.test_cfg = dict(test_cfg or {})

    def forward(self, inputs: Tensor, data_samples: OptSampleList = None,
                mode: str = 'predict'):
        """Landmarks (N, K, 2) in crop pixels (``mode='tensor'``), or the data samples with
        ``pred_instances`` in image pixels (``mode='predict'``)."""
        if mode not in ('tensor', 'predict'):
            raise ValueError(f'{type(self).__name__} runs inference only: mode must be '
                             f"'tensor' or 'predict', got {mode!r}")
        landmarks, scores = self.graph(inputs.float().cpu())
        if mode == 'tensor':
            return landmarks
        predictions = [InstanceData(keypoints=points[None].numpy(),
                                    keypoint_scores=score[None].numpy())
                       for points, score in zip(landmarks, scores)]
        return self.add_pred_to_datasample(predictions, None, data_samples)
