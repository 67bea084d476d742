# Heatmap study: the official STAR recipe (STARHeatmapHead): AWing + map (x10) on sigmoid point
# maps, STAR (x1) on the distributions they gate, soft-argmax decoding.
_base_ = ['./hrnetv2-w18-small_awing_synthface.py', '../_base_/models/star_losses.py']
codec = dict(type='SoftArgmaxHeatmap', input_size=(128, 128), heatmap_size=(32, 32), sigma=1.)
model = dict(head=dict(
    type='STARHeatmapHead',
    loss=_base_.star_point_loss,
    star_loss=_base_.star_loss,
    decoder=codec))
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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
