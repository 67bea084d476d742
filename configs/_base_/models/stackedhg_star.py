# The official STAR model (Zhou et al., CVPR 2023; ZhenglinZhou/STAR, `StackedHGNetV1` with
# `add_coord` and `use_AAM`, `conf/alignment.py`): a 4-stack hourglass (256 channels) with
# CoordConv, per stack distributions gated by point and edge maps; per stack s the losses
# STAR x1 (heatmaps), AWing x10 (point maps), AWing x10 (edge maps), times 2^s / 2^3.
# Targets as STAR's encoder: Gaussians of sigma 1.5 drawn at 256 and downsampled to 64, edge
# maps drawn anti-aliased at 4x and downsampled, landmarks outside the crop moved onto its
# border and still supervised; labels and decoding in STAR's [-1, 1] frame (the input's pixel
# edges at -1 and 1). The crop: the annotation's centre on the crop's centre pixel (127.5), side
# scale * 200 (`GetCropMatrix`). Input (BGR - 127.5) / 127.5. Soft-argmax decoding of the last
# stack, no flip test. docs/recipes.md lists every item and its source.
_base_ = ['./star_losses.py']

codec = dict(type='SoftArgmaxHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=1.5,
             render_at_input=True, align_corners=False, clip_to_input=True)

model = dict(
    _scope_='wingpose',
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor', mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        bgr_to_rgb=False),
    # num_keypoints / out_channels / num_boundaries are set by the dataset configs; the edges
    # follow the number of keypoints (wingpose.structures.STAR_EDGES)
    backbone=dict(type='STARHourglassNet', num_keypoints=98),
    head=dict(
        type='StackedHeatmapHead',
        out_channels=98,
        num_boundaries=9,
        stack_weights=(0.125, 0.25, 0.5, 1.),
        layout='star',  # cat(H, P, E): gated heatmaps, point maps, edge maps
        loss=_base_.star_point_loss,
        boundary_loss=_base_.star_point_loss,
        star_loss=_base_.star_loss,
        decoder=codec),
    test_cfg=dict(flip_test=False))

# STAR's augmentation (`lib/dataset/augmentation.py`, all with probability 1): flip 0.5, normal
# shift / rotation / zoom, then on the crop occlusion 0.4, blur 0.3, gamma 0.2, noise 0.2, grey 0.2
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomNormalBBoxTransform', shift_sigma=0.05, scale_sigma=0.1, rotate_sigma=18.),
    dict(type='AlignCornersTopdownAffine', input_size=codec['input_size']),
    dict(type='RandomOcclusion', prob=0.4),
    dict(type='RandomBlur', prob=0.3, max_ratio=0.05, kind='box'),
    dict(type='RandomGamma', prob=0.2),
    dict(type='RandomNoiseBlend', prob=0.2, max_alpha=0.5),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.299)),
    dict(type='GenerateTarget', encoder=codec),  # point heatmaps and keypoint_labels
    dict(type='GenerateEdgeMaps'),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.),
    dict(type='AlignCornersTopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
