from .face_landmark_dataset import FaceLandmarkDataset
from .pose_balanced_dataset import PoseBalancedDataset

__all__ = ['FaceLandmarkDataset', 'PoseBalancedDataset']
