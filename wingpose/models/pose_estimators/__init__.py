from .two_stage import TwoStageTopdownEstimator

__all__ = ['TwoStageTopdownEstimator']
