# The heatmap study's model on the synthetic benchmark, sized for CPU: HRNetV2-W18 with one
# module per stage, 128x128 input, 32x32 heatmaps, no ImageNet initialisation, batch 16.
# Adaptive Wing loss with the weighted loss map.
_base_ = [
    '../_base_/data/synthface68.py', '../_base_/models/hrnetv2_w18_awing.py',
    '../_base_/schedules/synthface_cpu.py'
]
codec = dict(type='MSRAHeatmap', input_size=(128, 128), heatmap_size=(32, 32), sigma=1.)
model = dict(
    backbone=dict(
        init_cfg=None,
        extra=dict(stage3=dict(num_modules=1), stage4=dict(num_modules=1))),
    head=dict(decoder=codec))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, scale_factor=(0.9, 1.1),
         rotate_factor=30., rotate_prob=1.),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    # on the crop, as MMPose's configs do: the same per-pixel change on far fewer pixels
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
