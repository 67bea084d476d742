# CNN7 (128x128) with Wing loss and pose-based data balancing on 300W.
_base_ = ['./cnn7_300w.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='PoseBalancedDataset', num_bins=9,
    dataset={{_base_.train_dataloader.dataset}},
    metainfo={{_base_.train_dataloader.dataset.metainfo}}))
