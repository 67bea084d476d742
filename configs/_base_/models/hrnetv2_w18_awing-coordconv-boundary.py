# HRNetV2-W18 + AWing with the AWing paper's two other parts switched on: CoordConv (with the
# radius channel) on the concatenated features, and boundary heatmaps (13 facial boundary lines,
# Gaussian distance maps with sigma 1 cut at 3 sigma) trained with AWing like the landmarks.
_base_ = ['./hrnetv2_w18_awing.py']

model = dict(
    neck=dict(_delete_=True, type='CoordConvNeck', in_channels=270, out_channels=270,
              with_r=True, pre=dict(type='FeatureMapProcessor', concat=True)),
    head=dict(type='BoundaryHeatmapHead', num_boundaries=13))

codec = dict(type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2.)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, scale_factor=(0.75, 1.25),
         rotate_factor=30., rotate_prob=0.6),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    # on the crop, as MMPose's configs do: the same per-pixel change on far fewer pixels
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateBoundaryHeatmaps', sigma=1., cutoff=3.),
    dict(type='PackPoseInputs')
]
