# Using wingpose from an existing MMPose project: MMPose's scope and base runtime, wingpose's
# parts by their scoped names. Runs with MMPose's own tools/train.py and tools/test.py.
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['wingpose'], allow_failed_imports=False)

train_cfg = dict(max_epochs=8, val_interval=8)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [dict(type='LinearLR', start_factor=1., end_factor=0.05, end=8, by_epoch=True)]

codec = dict(type='RegressionLabel', input_size=(64, 64))
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[0., 0., 0.],
                           std=[255., 255., 255.], bgr_to_rgb=True),
    backbone=dict(type='wingpose.CNN6'),
    head=dict(type='RegressionHead', in_channels=1024, num_joints=68,
              loss=dict(type='wingpose.WingLoss', omega=10., epsilon=2., input_size=(64, 64)),
              decoder=codec),
    test_cfg=dict(flip_test=True, shift_coords=True))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, scale_factor=(0.9, 1.1),
         rotate_factor=30., rotate_prob=1.),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
dataset_type = 'wingpose.FaceLandmarkDataset'
data_mode = 'topdown'
dataset = dict(type=dataset_type, data_root='data/synthface/',
               metainfo=dict(from_file='configs/_base_/datasets/300w.py'),
               data_prefix=dict(img='images/'))
train_dataloader = dict(
    batch_size=32, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(dataset, ann_file='annotations/synthface_68_train.json',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32, num_workers=2, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(dataset, ann_file='annotations/synthface_68_test.json', test_mode=True,
                 pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='wingpose.FaceAlignmentMetric')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
