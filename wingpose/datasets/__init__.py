from .face_landmark_dataset import FaceLandmarkDataset
from .pose_balanced_dataset import PoseBalancedDataset
from .transforms import GenerateBoundaryHeatmaps

__all__ = ['FaceLandmarkDataset', 'PoseBalancedDataset', 'GenerateBoundaryHeatmaps']
