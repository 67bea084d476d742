# The Adaptive Wing network (Wang et al., ICCV 2019; protossw512/AdaptiveWingLoss, `FAN` in
# `core/models.py`): a 4-stack hourglass of FAN blocks with boundary-aware CoordConv, per stack
# K heatmaps and one boundary map, all trained by AWing with the weighted loss map. The
# landmark heatmaps and their decoding are the official ones (AWingHeatmap: `draw_gaussian(...,
# 1)` draws a Gaussian of std 1.75 in a 7 x 7 window; argmax with the quarter-pixel shift in
# the official pixel-corner frame); the boundary map a Gaussian (sigma 1, cut at 3) of the
# distance to the spline through each facial boundary (`AddBoundary`). Input RGB / 255, no flip
# test. docs/recipes.md lists every item.
codec = dict(type='AWingHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=1.75,
             radius=3)

model = dict(
    _scope_='wingpose',
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.],
        bgr_to_rgb=True),
    # num_keypoints / out_channels are set by the dataset configs
    backbone=dict(type='AWingHourglassNet', num_keypoints=98),
    head=dict(
        type='StackedHeatmapHead',
        out_channels=98,
        num_boundaries=1,
        stack_weights=(1., 1., 1., 1.),
        layout='awing',  # cat(P, E): point maps, the boundary map
        loss=dict(type='AdaptiveWingLoss', use_weight_map=True),
        decoder=codec),
    test_cfg=dict(flip_test=False))

# The paper's augmentation: rotation +-50 degrees, translation +-25 px (of 256), flip 0.5,
# rescaling +-15 %; Gaussian blur, noise and occlusion (probabilities not given: STAR's here)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomBBoxTransform', shift_factor=25 / 256, shift_prob=1.,
         scale_factor=(0.85, 1.15), scale_prob=1., rotate_factor=50., rotate_prob=1.),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='RandomOcclusion', prob=0.4),
    dict(type='RandomBlur', prob=0.3, max_ratio=0.05, kind='gaussian'),
    dict(type='RandomNoiseBlend', prob=0.2, max_alpha=0.5),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateBoundaryHeatmaps', sigma=1., cutoff=3., merge=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
# The official test crop of WFLW (`dataset/convert_WFLW.py`, `core/dataloader.py`): the
# annotation's centre and scale as `tools/dataset_converters/wflw_to_coco.py --crop awing`
# writes them, unpadded, the centre on the crop's centre pixel
official_crop = {
    'GetBBoxCenterScale': dict(type='GetBBoxCenterScale', padding=1.),
    'TopdownAffine': dict(type='AlignCornersTopdownAffine', input_size=codec['input_size'])
}
official_crop_train_pipeline = [official_crop.get(t['type'], t) for t in train_pipeline]
official_crop_val_pipeline = [official_crop.get(t['type'], t) for t in val_pipeline]
