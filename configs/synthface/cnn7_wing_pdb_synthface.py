# cnn7 with Wing loss and pose-based data balancing on the synthetic benchmark.
_base_ = ['./cnn7_wing_synthface.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='PoseBalancedDataset', num_bins=9,
    dataset={{_base_.train_dataloader.dataset}}))
