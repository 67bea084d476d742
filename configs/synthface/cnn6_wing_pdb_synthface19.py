# cnn6 with Wing loss and pose-based data balancing on the synthetic benchmark (AFLW-19 layout).
# The pose component is the one that mirroring the shapes negates (yaw): component='auto'.
_base_ = ['./cnn6_wing_synthface19.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='PoseBalancedDataset', num_bins=9, component='auto',
    dataset={{_base_.train_dataloader.dataset}},
    metainfo={{_base_.train_dataloader.dataset.metainfo}}))
