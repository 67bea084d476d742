"""Every wingpose model kind through MMPose's inferencer (whole image) and through
FaceLandmarkInferencer (boxes given), checked against MMPose's ``inference_topdown``."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import wingpose  # noqa: F401  (registries, checkpoint allow-list, mmpose.apis importable)
from wingpose.datasets import FaceLandmarkDataset
from wingpose.registry import MODELS

from ..utils import ROOT

SYNTH = 'configs/synthface/'
MODEL_KINDS = {
    'CNN6 regression': SYNTH + 'cnn6_wing_synthface.py',
    'two-stage CNN6 -> CNN7': SYNTH + 'cnn6-cnn7_wing_synthface.py',
    'HRNet heatmap': SYNTH + 'hrnetv2-w18-small_awing_synthface.py',
    'STAR head': SYNTH + 'hrnetv2-w18-small_awing-star_synthface.py',
}


def checkpoint_of(config: str, path: str) -> int:
    """Save the config's model as MMEngine does (numpy dataset_meta included); returns K."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    with DefaultScope.overwrite_default_scope('wingpose'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    meta = FaceLandmarkDataset._load_metainfo(dict(cfg.test_dataloader.dataset.metainfo))
    torch.save(dict(state_dict=model.state_dict(), meta=dict(dataset_meta=meta)), path)
    return meta['num_keypoints']


@pytest.fixture(scope='module')
def face_image(synthface):
    return sorted(glob.glob(osp.join(synthface, 'images', 'test', '*.jpg')))[0]


@pytest.mark.parametrize('kind', list(MODEL_KINDS))
def test_mmpose_inferencer_and_boxes(kind, face_image, tmp_path):
    from mmpose.apis import MMPoseInferencer, inference_topdown

    from wingpose.apis import FaceLandmarkInferencer
    config = osp.join(ROOT, MODEL_KINDS[kind])
    checkpoint = str(tmp_path / 'model.pth')
    num_keypoints = checkpoint_of(MODEL_KINDS[kind], checkpoint)
    image = cv2.imread(face_image)
    h, w = image.shape[:2]

    # MMPose's own inferencer, its default scope ('mmpose'), the whole image as the box
    inferencer = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                  det_model='whole_image', device='cpu')
    result = next(inferencer(face_image, return_vis=True, vis_out_dir=str(tmp_path / 'vis')))
    (face, ) = result['predictions'][0]
    assert np.asarray(face['keypoints']).shape == (num_keypoints, 2)
    assert len(face['keypoint_scores']) == num_keypoints
    assert result['visualization'][0].shape == image.shape
    assert osp.isfile(tmp_path / 'vis' / osp.basename(face_image))
    # the same landmarks as MMPose's inference_topdown with the whole-image box
    model = inferencer.inferencer.model
    reference = inference_topdown(model, image, np.array([[0, 0, w, h]], dtype=np.float32))
    np.testing.assert_allclose(face['keypoints'], reference[0].pred_instances.keypoints[0],
                               atol=1e-3)

    # boxes given: one result per box, as inference_topdown gives for the same boxes
    boxes = [[10., 12., 100., 110.], [20., 20., 120., 125.]]
    faces = next(FaceLandmarkInferencer(config, checkpoint, device='cpu')(
        [face_image], bboxes=[boxes], return_vis=True))['predictions'][0]
    assert len(faces) == 2
    reference = inference_topdown(model, image, np.array(boxes, dtype=np.float32))
    for face, expected, box in zip(faces, reference, boxes):
        np.testing.assert_allclose(face['bbox'][0], box)
        np.testing.assert_allclose(face['keypoints'], expected.pred_instances.keypoints[0],
                                   atol=1e-3)


def test_boxes_of_the_wrong_shape_are_named(face_image, tmp_path):
    from wingpose.apis import FaceLandmarkInferencer
    checkpoint = str(tmp_path / 'model.pth')
    checkpoint_of(MODEL_KINDS['CNN6 regression'], checkpoint)
    inferencer = FaceLandmarkInferencer(osp.join(ROOT, MODEL_KINDS['CNN6 regression']),
                                        checkpoint, device='cpu')
    with pytest.raises(ValueError, match=r'bboxes of input 0 must be a list of \[x1, y1, x2'):
        next(inferencer([face_image], bboxes=[[[1., 2., 3.]]]))


def test_weights_of_another_model_or_nan_are_refused(tmp_path):
    """By both inferencers: wingpose's names the checkpoint, MMPose's (whose loading is
    MMEngine's, non-strict) is refused by the model as it loads."""
    from mmpose.apis import MMPoseInferencer

    from wingpose.apis import FaceLandmarkInferencer
    checkpoint = str(tmp_path / 'cnn6.pth')
    checkpoint_of(MODEL_KINDS['CNN6 regression'], checkpoint)
    two_stage = osp.join(ROOT, MODEL_KINDS['two-stage CNN6 -> CNN7'])
    with pytest.raises(ValueError, match=rf'checkpoint {checkpoint} does not fit the model '
                                         r'\(TwoStageTopdownEstimator.*missing tensors: '):
        FaceLandmarkInferencer(two_stage, checkpoint, device='cpu')
    with pytest.raises(ValueError, match=r'the weights loaded do not fit the model '
                                         r'\(TwoStageTopdownEstimator\): \d+ missing tensors: '
                                         r'.*model.strict_load=False'):
        MMPoseInferencer(pose2d=two_stage, pose2d_weights=checkpoint,
                         det_model='whole_image', device='cpu')
    saved = torch.load(checkpoint, weights_only=False)
    saved['state_dict']['backbone.features.0.weight'][0, 0, 0, 0] = float('inf')
    torch.save(saved, checkpoint)
    cnn6 = osp.join(ROOT, MODEL_KINDS['CNN6 regression'])
    with pytest.raises(ValueError, match=rf'checkpoint {checkpoint} holds non-finite weights '
                                         r'\(NaN or Inf\) in 1 tensors: backbone.features.0.w'):
        FaceLandmarkInferencer(cnn6, checkpoint, device='cpu')
    with pytest.raises(ValueError, match=r'the state dict loaded into the model holds '
                                         r'non-finite weights .* backbone.features.0.weight'):
        MMPoseInferencer(pose2d=cnn6, pose2d_weights=checkpoint, det_model='whole_image',
                         device='cpu')


def test_mmpose_inferencer_reads_the_keypoint_info_of_a_pdb_config():
    """MMPose reads the dataset meta of an unloaded model from the training dataset, which PDB
    wraps: the wrapper repeats it."""
    from mmpose.apis import MMPoseInferencer
    inferencer = MMPoseInferencer(pose2d=osp.join(ROOT, SYNTH + 'cnn6_wing_pdb_synthface.py'),
                                  det_model='whole_image', device='cpu')
    meta = inferencer.inferencer.model.dataset_meta
    assert meta['num_keypoints'] == 68 and len(meta['flip_indices']) == 68
