# Loss ablation (Wing paper, Table 2/3): CNN6 on WFLW with smooth L1 instead of Wing.
_base_ = ['./cnn6_wflw.py']
model = dict(head=dict(loss=dict(
    _delete_=True, type='CoordinateLoss', kind='smooth_l1', input_size=64)))
