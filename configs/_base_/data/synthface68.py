# The embedded synthetic benchmark, 68 iBUG points (make_synthetic_faces.py).
# Subsets: frontal, large_pose. Metric: 300W preset (inter-ocular + inter-pupil, thr 0.08).
# The experiment configs add the pipelines (they depend on the input size).
_base_ = ['../default_runtime.py']

dataset_type = 'FaceLandmarkDataset'
data_root = 'data/synthface/'
metainfo = dict(from_file='configs/_base_/datasets/300w.py')  # MMPose's keypoint info

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/synthface_68_train.json',
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
        ann_file='annotations/synthface_68_test.json',
        data_prefix=dict(img='images/'),
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
