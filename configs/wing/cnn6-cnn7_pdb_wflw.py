# two-stage CNN6 -> CNN7 with Wing loss and pose-based data balancing on WFLW.
_base_ = ['./cnn6-cnn7_wflw.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='PoseBalancedDataset', num_bins=9,
    dataset={{_base_.train_dataloader.dataset}},
    metainfo={{_base_.train_dataloader.dataset.metainfo}}))
