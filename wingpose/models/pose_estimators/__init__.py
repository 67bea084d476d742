from .onnxruntime_topdown import OnnxRuntimeTopdownEstimator
from .topdown import TopdownPoseEstimator
from .two_stage import TwoStageTopdownEstimator

__all__ = ['OnnxRuntimeTopdownEstimator', 'TopdownPoseEstimator', 'TwoStageTopdownEstimator']
