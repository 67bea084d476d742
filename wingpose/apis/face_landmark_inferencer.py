"""MMPose's 2D pose inferencer for face landmarks, with face boxes given by the caller, and a
streaming mode for video."""
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import numpy as np
from mmengine.config import ConfigDict
from mmpose.apis.inferencers import Pose2DInferencer
from torch import nn

from wingpose.engine import check_checkpoint_fits
from wingpose.registry import INFERENCERS
from .face_detection import haar_face_boxes
from .face_tracking import FaceTracker


@INFERENCERS.register_module()
class FaceLandmarkInferencer(Pose2DInferencer):
    """MMPose's ``Pose2DInferencer`` that takes the face boxes from the caller.

    ``MMPoseInferencer(pose2d=CONFIG, pose2d_weights=CKPT, det_model='whole_image')`` runs
    every wingpose config as it is: wingpose configs build their model in wingpose's scope
    and name their ``data_mode``, so no scope has to be given. Its ``bboxes`` argument,
    however, is discarded for top-down models in MMPose 1.3.2 (``preprocess_single`` resets
    it; open-mmlab/mmpose#3233). This inferencer uses the boxes given for each input, and the
    whole image for an input without boxes. The weights must fit the config's model exactly
    (MMPose loads them non-strictly, only warning). :meth:`track` is the streaming mode for
    video: faces tracked from frame to frame, landmarks smoothed.

    Example:
        >>> inferencer = FaceLandmarkInferencer('configs/wing/cnn6_300w.py', 'cnn6.pth')
        >>> result = next(inferencer(['a.jpg', 'b.jpg'],
        ...                          bboxes=[[[40, 30, 200, 190]], []]))
        >>> result['predictions'][0][0]['keypoints']  # K (x, y) pairs in image pixels

    Args:
        model (str | dict): Config path or config.
        weights (str, optional): Checkpoint path.
        device (str, optional): Device; the available one by default.
        scope (str): Registry scope of the config. Default: 'wingpose'.
        show_progress (bool): Show a progress bar. Default: False.
    """

    def __init__(self,
                 model: Union[str, dict],
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 scope: str = 'wingpose',
                 show_progress: bool = False) -> None:
        self.weights = weights
        super().__init__(model, weights, device, scope, det_model='whole_image',
                         show_progress=show_progress)

    def _load_weights_to_model(self, model: nn.Module, checkpoint: Optional[dict],
                               cfg: Optional[ConfigDict]) -> None:
        if checkpoint is not None:
            check_checkpoint_fits(model, checkpoint, self.weights)
        super()._load_weights_to_model(model, checkpoint, cfg)

    def preprocess_single(self,
                          input: Union[str, np.ndarray],
                          index: int,
                          bbox_thr: float = 0.3,
                          nms_thr: float = 0.3,
                          bboxes: Sequence[Sequence[float]] = ()) -> List[dict]:
        """One pipeline sample per box ``[x1, y1, x2, y2]`` (or ``[..., score]``)."""
        if len(bboxes) == 0:
            return super().preprocess_single(input, index, bbox_thr, nms_thr)
        boxes = np.asarray(bboxes, dtype=np.float32)
        if boxes.ndim != 2 or boxes.shape[1] not in (4, 5):
            raise ValueError(f'bboxes of input {index} must be a list of [x1, y1, x2, y2] or '
                             f'[x1, y1, x2, y2, score] boxes, got shape {boxes.shape}')
        if isinstance(input, str):
            data_info = dict(img_path=input)
        else:
            data_info = dict(img=input, img_path=f'{index}.jpg'.rjust(10, '0'))
        data_info.update(self.model.dataset_meta)
        scores = boxes[:, 4] if boxes.shape[1] == 5 else np.ones(len(boxes), np.float32)
        return [self.pipeline(dict(data_info, bbox=box[None, :4], bbox_score=score[None]))
                for box, score in zip(boxes, scores)]

    def track(self, frames: Iterable[np.ndarray], fps: float,
              detector: Callable[[np.ndarray], np.ndarray] = haar_face_boxes,
              **options) -> Iterator[List[Dict]]:
        """The faces of each frame (BGR arrays taken at ``fps`` frames per second), tracked
        and smoothed by a :class:`~wingpose.apis.face_tracking.FaceTracker` (``options``:
        ``track``, ``smooth``, ``redetect_every``, ``min_score``, ``min_iou``,
        ``min_cutoff``, ``beta``); boxes from ``detector`` (OpenCV's Haar cascade by
        default). Per frame, a list of faces: ``track`` (its id), ``bbox``, ``keypoints``,
        ``keypoint_scores``, ``raw_keypoints``."""
        return FaceTracker(self.model, detector, **options).run(frames, fps)
