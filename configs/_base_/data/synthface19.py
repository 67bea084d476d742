# The embedded synthetic benchmark, AFLW-19 layout derived from the 68 points.
# Subsets: frontal, large_pose. Metric: AFLW preset (bbox + diagonal, thr 0.07).
# The experiment configs add the pipelines (they depend on the input size).
_base_ = ['../default_runtime.py']

dataset_type = 'FaceLandmarkDataset'
data_root = 'data/synthface/'
metainfo = dict(from_file='configs/_base_/datasets/aflw.py')  # MMPose's keypoint info

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/synthface_19_train.json',
        data_prefix=dict(img='images/')))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/synthface_19_test.json',
        data_prefix=dict(img='images/'),
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME_bbox', rule='less'))
