# Loss ablation (Wing paper, Table 2/3): CNN6 on COFW with l2 instead of Wing.
_base_ = ['./cnn6_cofw.py']
model = dict(head=dict(loss=dict(_delete_=True, type='CoordinateLoss', kind='l2', input_size=64)))
# the paper trained L2 at a tenth of the rate of the other losses (3e-6, summed coordinates)
optim_wrapper = dict(optimizer=dict(lr=0.000174), paramwise_cfg={{_base_.head_paramwise_cfg}})
