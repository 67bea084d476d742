# CNN7 (Feng et al., CVPR 2018): CNN6 with one more block, 128x128 input.
_base_ = ['./cnn6.py']

codec = dict(type='RegressionLabel', input_size=(128, 128))
head_paramwise_cfg = dict(custom_keys={'head.fc': dict(lr_mult=1 / 128**2, decay_mult=128**2)})
model = dict(
    backbone=dict(type='CNN7'),
    head=dict(loss=dict(input_size=codec['input_size']), decoder=codec))

# cnn6.py's pipelines at this input size
train_pipeline, val_pipeline = [[
    dict(step, input_size=codec['input_size']) if step.type == 'TopdownAffine' else
    dict(step, encoder=codec) if step.type == 'GenerateTarget' else step
    for step in pipeline] for pipeline in (_base_.train_pipeline, _base_.val_pipeline)]
