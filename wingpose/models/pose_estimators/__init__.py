from .onnxruntime_topdown import OnnxRuntimeTopdownEstimator
from .two_stage import TwoStageTopdownEstimator

__all__ = ['OnnxRuntimeTopdownEstimator', 'TwoStageTopdownEstimator']
