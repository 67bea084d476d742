# CNN6 (64x64) with Wing loss and pose-based data balancing on AFLW.
_base_ = ['./cnn6_aflw.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='PoseBalancedDataset', num_bins=9,
    dataset={{_base_.train_dataloader.dataset}},
    metainfo={{_base_.train_dataloader.dataset.metainfo}}))
