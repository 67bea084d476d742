# Shared by the dataset bases beside this file: MMPose's face-landmark dataloaders on
# wingpose's FaceLandmarkDataset (which keeps the subsets and face boxes the metric reports)
# and the FaceAlignmentMetric with the dataset's paper-standard preset. A dataset base sets
# the data root, keypoint info and annotation files; the experiment configs add the pipelines
# (they depend on the input size).
_base_ = ['../default_runtime.py']

# read by MMPose's inferencer (MMPoseInferencer), as in MMPose's dataset configs
dataset_type = 'wingpose.FaceLandmarkDataset'
data_mode = 'topdown'

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    # DefaultSampler's order; each sample's augmentation seeded from (seed, epoch, index), so
    # a resumed training draws what an uninterrupted one draws
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_prefix=dict(img='images/')))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_prefix=dict(img='images/'), test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric')
test_evaluator = val_evaluator
